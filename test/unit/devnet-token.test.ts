/** The committed devnet token artifact is what scripts/gen-devnet-token.mjs makes from the Solidity source today. */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileTestToken, render } from '../../scripts/gen-devnet-token.mjs'

describe('devnet test token', () => {
  it('is in sync with test/fixtures/contracts/TestToken.sol', () => {
    const committed = fs.readFileSync(new URL('../../src/devnet/test-token.generated.ts', import.meta.url), 'utf8')
    expect(committed).toBe(render(compileTestToken()))
  })
})
