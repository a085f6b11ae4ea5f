import fc from 'fast-check'
import { SigningKey } from 'ethers'
import { describe, expect, it } from 'vitest'
import { signDigest } from '../../src/daemon/chains/evm/signing.js'

// secp256k1 group order; a private key is any scalar in [1, n-1].
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const hex32 = (n: bigint): string => n.toString(16).padStart(64, '0')

describe('signDigest (libsecp256k1) is ethers SigningKey.sign, byte for byte', () => {
  it('for random keys and digests, including the edges of the key range', () => {
    const key = fc.oneof(fc.bigInt({ min: 1n, max: N - 1n }), fc.constantFrom(1n, 2n, N - 1n, N - 2n))
    const digest = fc.uint8Array({ minLength: 32, maxLength: 32 })
    fc.assert(
      fc.property(key, digest, (k, d) => {
        const keyHex = `0x${hex32(k)}`
        const digestHex = `0x${Buffer.from(d).toString('hex')}`
        expect(signDigest(Buffer.from(hex32(k), 'hex'), digestHex)).toBe(new SigningKey(keyHex).sign(digestHex).serialized)
      }),
      { numRuns: 300 },
    )
  })

  it('refuses a key that is not a scalar in range, naming the field', () => {
    for (const bad of [Buffer.alloc(32), Buffer.from(hex32(N), 'hex'), Buffer.alloc(31, 1)]) {
      let caught: unknown
      try {
        signDigest(bad, `0x${'11'.repeat(32)}`)
      } catch (err) {
        caught = err
      }
      expect(caught).toMatchObject({ code: 'INPUT_INVALID', details: { field: 'key' } })
    }
  })
})
