/** The committed batcher artifact is what scripts/gen-batcher.mjs makes from the Solidity source today. */
import fs from 'node:fs'
import { keccak256 } from 'ethers'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileBatcher, render } from '../../scripts/gen-batcher.mjs'
import { BATCHER_CODE_HASH, BATCHER_RUNTIME } from '../../src/daemon/chains/evm/batcher.generated.js'

describe('batcher artifact', () => {
  it('is in sync with test/fixtures/contracts/Disperse.sol, and its code hash is the runtime code\'s', () => {
    const committed = fs.readFileSync(new URL('../../src/daemon/chains/evm/batcher.generated.ts', import.meta.url), 'utf8')
    expect(committed).toBe(render(compileBatcher()))
    expect(keccak256(BATCHER_RUNTIME)).toBe(BATCHER_CODE_HASH)
  })
})
