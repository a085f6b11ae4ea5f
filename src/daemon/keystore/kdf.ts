/**
 * Password stretching for the master password: scrypt from node:crypto, run with the callback API so the work
 * happens on libuv's threadpool and never blocks the daemon's event loop. Parameters travel with the data.
 */
import { randomBytes, scrypt } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import type { KdfParams } from './kdf-params.js'

export type { KdfParams } from './kdf-params.js'

const DEFAULT_N = 2 ** 17
const MIN_N = 2 ** 14
const MAX_N = 2 ** 22
const SALT_BYTES = 16

/**
 * The test suite's cost, N = 2^10 (~1 MiB, ~2 ms): only with WAIAAS_TEST_HOOKS=1 and WAIAAS_TEST_KDF=fast, read when
 * parameters are made or checked, so a suite that creates ~75 vaults does not pay ~0.7 s of CPU for each derivation.
 * A daemon without both variables refuses such a vault (its N is below MIN_N), so a data directory the tests made can
 * never be run in earnest. The production cost is asserted by the tests that run without the switch
 * (test/unit/keystore.test.ts and the first `waiaas init` of test/e2e/lifecycle.test.ts).
 */
export const TEST_N = 2 ** 10

/** True when the test suite asked for its cheap KDF cost (see TEST_N). */
export function testKdfCost(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.WAIAAS_TEST_HOOKS === '1' && env.WAIAAS_TEST_KDF === 'fast'
}

/** Fresh parameters with a new random salt: N = 2^17, r = 8, p = 1 (~128 MiB, a few hundred ms); TEST_N under the test switch. */
export function newKdfParams(): KdfParams {
  const N = testKdfCost() ? TEST_N : DEFAULT_N
  return { name: 'scrypt', N, r: 8, p: 1, keyLen: 32, salt: randomBytes(SALT_BYTES).toString('base64') }
}

function malformed(field: string): WaiaasError {
  return new WaiaasError('INTERNAL', `Stored KDF parameters are malformed (${field})`, { details: { field } })
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0
}

/** Checks a stored record and returns the decoded salt; throws INTERNAL naming the bad field. */
function validate(params: KdfParams): Buffer {
  if (typeof params !== 'object' || params === null) throw malformed('params')
  if (params.name !== 'scrypt') throw malformed('name')
  if (!isPowerOfTwo(params.N) || params.N < (testKdfCost() ? TEST_N : MIN_N) || params.N > MAX_N) throw malformed('N')
  if (!Number.isSafeInteger(params.r) || params.r < 1 || params.r > 32) throw malformed('r')
  if (!Number.isSafeInteger(params.p) || params.p < 1 || params.p > 16) throw malformed('p')
  if (params.keyLen !== 32) throw malformed('keyLen')
  if (typeof params.salt !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(params.salt)) throw malformed('salt')
  const salt = Buffer.from(params.salt, 'base64')
  if (salt.length < SALT_BYTES) throw malformed('salt')
  return salt
}

/** Derives a 32-byte key from `password` (NFKC-normalized, UTF-8) with the stored scrypt parameters. */
export async function deriveKey(password: string, params: KdfParams): Promise<Buffer> {
  const salt = validate(params)
  const pw = Buffer.from(password.normalize('NFKC'), 'utf8')
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      // maxmem: scrypt needs 128*N*r bytes (plus a little); allow twice that.
      scrypt(pw, salt, params.keyLen, { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 }, (err, key) => {
        if (err) reject(new WaiaasError('INTERNAL', 'Key derivation failed', { cause: err }))
        else resolve(key)
      })
    })
  } finally {
    pw.fill(0)
  }
}
