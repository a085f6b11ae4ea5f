/** src/sdk/methods.generated.ts is what scripts/gen-sdk.mjs renders from the contract now: fails when stale. */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { contract } from '../../src/lib/contract/index.js'
import { SDK_METHODS, SDK_NAMESPACES } from '../../src/sdk/methods.generated.js'
// @ts-expect-error -- a plain .mjs script without types
import { renderSdkMethods } from '../../scripts/gen-sdk-render.mjs'

describe('the SDK method table', () => {
  it('is up to date with the contract (run `npm run build && node scripts/gen-sdk.mjs`)', () => {
    const onDisk = fs.readFileSync(new URL('../../src/sdk/methods.generated.ts', import.meta.url), 'utf8')
    expect(onDisk).toBe((renderSdkMethods as (c: unknown) => string)(contract))
  })

  it('has every contract method under its namespace, and REST exactly where the contract says', () => {
    expect(Object.keys(SDK_METHODS)).toEqual(Object.keys(contract))
    const flat = Object.entries(SDK_NAMESPACES).flatMap(([ns, verbs]) => verbs.map((v) => `${ns}.${v}`))
    expect(flat.sort()).toEqual(Object.keys(contract).sort())
    expect(SDK_METHODS['tx.send'].rest).toBe(true)
    expect(SDK_METHODS['wallet.export'].rest).toBe((contract['wallet.export'].transports ?? ['rest']).includes('rest'))
  })
})
