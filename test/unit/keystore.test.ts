import { describe, expect, it } from 'vitest'
import { productionKdf } from '../helpers/kdf.js'
import { WaiaasError } from '../../src/lib/errors.js'
import { AeadError, open, seal, wipe } from '../../src/daemon/keystore/aead.js'
import { TEST_N, deriveKey, newKdfParams, type KdfParams } from '../../src/daemon/keystore/kdf.js'
import {
  createVault,
  openPrivateKey,
  rewrapDataKey,
  sealPrivateKey,
  unwrapDataKey,
  walletAad,
} from '../../src/daemon/keystore/vault.js'

const key = Buffer.alloc(32, 7)
const aad = Buffer.from('aad-1')

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    if (typeof p === 'function') p()
    else await p
  } catch (err) {
    return err instanceof WaiaasError ? err.code : `not-waiaas:${String(err)}`
  }
  return undefined
}

// This file asserts the production KDF cost, which the rest of the suite replaces by a cheap one.
productionKdf()

describe('aead', () => {
  it('round-trips and uses a fresh IV each time', () => {
    const pt = Buffer.from('hello keys')
    const a = seal(key, pt, aad)
    const b = seal(key, pt, aad)
    expect(open(key, a, aad).equals(pt)).toBe(true)
    expect(a.iv).not.toBe(b.iv)
    expect(a.ct).not.toBe(b.ct)
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12)
  })

  it('fails with another AAD, another key, or a flipped byte', () => {
    const s = seal(key, Buffer.from('secret'), aad)
    expect(() => open(key, s, Buffer.from('aad-2'))).toThrow(AeadError)
    expect(() => open(Buffer.alloc(32, 8), s, aad)).toThrow(AeadError)
    const ct = Buffer.from(s.ct, 'base64')
    ct[0] = (ct[0] ?? 0) ^ 1
    expect(() => open(key, { ...s, ct: ct.toString('base64') }, aad)).toThrow(AeadError)
    const tag = Buffer.from(s.tag, 'base64')
    tag[15] = (tag[15] ?? 0) ^ 0x80
    expect(() => open(key, { ...s, tag: tag.toString('base64') }, aad)).toThrow(AeadError)
  })

  it('wipe zeroes buffers and skips undefined', () => {
    const a = Buffer.from([1, 2, 3])
    const b = new Uint8Array([4, 5])
    wipe(a, undefined, b)
    expect([...a, ...b]).toEqual([0, 0, 0, 0, 0])
  })
})

describe('kdf', () => {
  it('new params are scrypt N=2^17 r=8 p=1 with a 16-byte random salt', () => {
    const a = newKdfParams()
    const b = newKdfParams()
    expect(a).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1, keyLen: 32 })
    expect(Buffer.from(a.salt, 'base64')).toHaveLength(16)
    expect(a.salt).not.toBe(b.salt)
  })

  it('derives deterministically, NFKC-normalizes, and differs by salt (cheap N)', async () => {
    const p: KdfParams = { ...newKdfParams(), N: 2 ** 14 }
    const k1 = await deriveKey('pass\u00e9word', p) // precomposed é
    const k2 = await deriveKey('passe\u0301word', p) // e + combining acute: same after NFKC
    const k3 = await deriveKey('pass\u00e9word', { ...p, salt: newKdfParams().salt })
    expect(k1).toHaveLength(32)
    expect(k1.equals(k2)).toBe(true)
    expect(k1.equals(k3)).toBe(false)
  })

  it('rejects malformed records with INTERNAL before deriving', async () => {
    const good = newKdfParams()
    const bad: unknown[] = [
      { ...good, name: 'argon2id' },
      { ...good, N: 2 ** 13 },
      { ...good, N: 3 * 2 ** 15 },
      { ...good, r: 0 },
      { ...good, p: 1000 },
      { ...good, salt: Buffer.alloc(8).toString('base64') },
      { ...good, salt: 'not base64!' },
    ]
    for (const params of bad) expect(await codeOf(deriveKey('pw', params as KdfParams))).toBe('INTERNAL')
  })
})

describe("the test suite's KDF cost", () => {
  const withSwitch = (env: Record<string, string>, fn: () => Promise<void>) => async () => {
    const saved = { hooks: process.env.WAIAAS_TEST_HOOKS, kdf: process.env.WAIAAS_TEST_KDF }
    delete process.env.WAIAAS_TEST_HOOKS
    delete process.env.WAIAAS_TEST_KDF
    Object.assign(process.env, env)
    try {
      await fn()
    } finally {
      for (const [k, v] of [['WAIAAS_TEST_HOOKS', saved.hooks], ['WAIAAS_TEST_KDF', saved.kdf]] as const) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  }

  it('needs both WAIAAS_TEST_HOOKS=1 and WAIAAS_TEST_KDF=fast', withSwitch({ WAIAAS_TEST_KDF: 'fast' }, async () => {
    expect(newKdfParams().N).toBe(2 ** 17)
    process.env.WAIAAS_TEST_HOOKS = '1'
    expect(newKdfParams().N).toBe(TEST_N)
    process.env.WAIAAS_TEST_KDF = 'yes'
    expect(newKdfParams().N).toBe(2 ** 17)
  }))

  it('a vault made at the test cost is refused without the switch', async () => {
    let record: Awaited<ReturnType<typeof createVault>>['record'] | undefined
    await withSwitch({ WAIAAS_TEST_HOOKS: '1', WAIAAS_TEST_KDF: 'fast' }, async () => {
      record = (await createVault('correct horse battery staple')).record
      expect(record.kdf.N).toBe(TEST_N)
      expect((await unwrapDataKey(record, 'correct horse battery staple'))).toHaveLength(32)
    })()
    expect(await codeOf(unwrapDataKey(record!, 'correct horse battery staple'))).toBe('INTERNAL')
  })
})

describe('vault', () => {
  it('creates, unwraps, rejects a wrong password, and rewraps the same data key', async () => {
    const { record, dataKey } = await createVault('correct horse battery staple')
    expect(record.version).toBe(1)
    expect(record.kdf.N).toBeGreaterThanOrEqual(2 ** 17)
    expect(dataKey).toHaveLength(32)
    expect(JSON.stringify(record)).not.toContain(dataKey.toString('base64'))

    const again = await unwrapDataKey(record, 'correct horse battery staple')
    expect(again.equals(dataKey)).toBe(true)

    let caught: unknown
    try {
      await unwrapDataKey(record, 'wrong password')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(WaiaasError)
    expect((caught as WaiaasError).code).toBe('AUTH_BAD_PASSWORD')

    const rewrapped = await rewrapDataKey(dataKey, 'a brand new password')
    expect(rewrapped.kdf.salt).not.toBe(record.kdf.salt)
    expect(rewrapped.kdf.N).toBeGreaterThanOrEqual(2 ** 17)
    expect(await codeOf(unwrapDataKey(rewrapped, 'correct horse battery staple'))).toBe('AUTH_BAD_PASSWORD')
    const fromNew = await unwrapDataKey(rewrapped, 'a brand new password')
    expect(fromNew.equals(dataKey)).toBe(true)
  })

  it('binds a sealed private key to the wallet id and address', async () => {
    const dataKey = Buffer.alloc(32, 42)
    const pk = Buffer.alloc(32, 9)
    const sealed = sealPrivateKey(dataKey, 'w1', '0xabc', pk)
    expect(openPrivateKey(dataKey, 'w1', '0xabc', sealed).equals(pk)).toBe(true)
    expect(await codeOf(() => openPrivateKey(dataKey, 'w2', '0xabc', sealed))).toBe('INTERNAL')
    expect(await codeOf(() => openPrivateKey(dataKey, 'w1', '0xabd', sealed))).toBe('INTERNAL')
    expect(await codeOf(() => openPrivateKey(Buffer.alloc(32, 43), 'w1', '0xabc', sealed))).toBe('INTERNAL')
    expect(walletAad('w1', '0xabc').toString()).toBe('waiaas:wallet-key:v1:w1:0xabc')
  })
})
