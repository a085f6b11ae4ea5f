/**
 * Chain key material and the key formats people already have: raw EVM private keys, Web3 Secret Storage v3,
 * BIP-39 mnemonics with an optional passphrase (EVM m/44'/60'/0'/0/i, Solana m/44'/501'/i'/0' via SLIP-0010, any
 * other path, or solana-keygen's no-path default), solana-keygen keypair JSON and base58 secret keys (Phantom).
 * Private keys stay in Buffers; intermediates created here are wiped. Error messages never quote the input.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { base58 } from '@scure/base'
import { HDNodeWallet, Mnemonic, SigningKey, computeAddress, getBytes } from 'ethers'
import { HDKey } from 'micro-key-producer/slip10.js'
import { WaiaasError } from '../../lib/errors.js'
import { packagePath } from '../../lib/package.js'
import { wipe } from './aead.js'
import { NO_DERIVATION, parseDerivationPath, standardPath } from './derivation-path.js'
import { TEST_N, testKdfCost } from './kdf.js'
import type { KeystoreJob, KeystoreResult } from './keystore-worker.js'

export type Chain = 'evm' | 'solana'

export interface KeyMaterial {
  chain: Chain
  /** evm: 32-byte secp256k1 scalar; solana: 32-byte ed25519 seed */
  privateKey: Buffer
  /** evm: EIP-55 checksummed; solana: base58 of the 32-byte public key */
  address: string
  /** evm: 0x compressed hex; solana: same as address */
  publicKey: string
  derivationPath?: string
}

/** scrypt N for keystore v3 exports: ethers' default, 2^17. */
const KEYSTORE_SCRYPT_N = 2 ** 17
/** Imported keystores may not ask for more than this much scrypt memory (128*N*r bytes) or PBKDF2 work. */
const KEYSTORE_MAX_SCRYPT_MEM = 2 ** 30
const KEYSTORE_MAX_PBKDF2_ROUNDS = 10_000_000

const keyFileError = (message: string, details: Record<string, unknown> = {}): WaiaasError =>
  new WaiaasError('INPUT_INVALID_KEY_FILE', message, { details })

// ---------------------------------------------------------------------------------------------- EVM

function evmFromPrivateKey(privateKey: Buffer, derivationPath?: string): KeyMaterial {
  let publicKey: string
  try {
    publicKey = SigningKey.computePublicKey(privateKey, true)
  } catch {
    throw keyFileError('Not a valid secp256k1 private key (must be 32 bytes between 1 and the curve order)')
  }
  const km: KeyMaterial = { chain: 'evm', privateKey, address: computeAddress(publicKey), publicKey }
  if (derivationPath !== undefined) km.derivationPath = derivationPath
  return km
}

// ------------------------------------------------------------------------------------------- Solana

/** PKCS#8 DER prefix of an ed25519 private key (RFC 8410); the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** The raw 32-byte ed25519 public key of `seed`, computed by node:crypto. */
function ed25519PublicKey(seed: Buffer): Buffer {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed])
  try {
    const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' })
    if (typeof jwk.x !== 'string') throw new WaiaasError('INTERNAL', 'ed25519 public key export failed')
    return Buffer.from(jwk.x, 'base64url')
  } finally {
    wipe(der)
  }
}

function solanaFromSeed(seed: Buffer, derivationPath?: string): KeyMaterial {
  if (seed.length !== 32) throw new WaiaasError('INTERNAL', 'ed25519 seed must be 32 bytes')
  const address = base58.encode(ed25519PublicKey(seed))
  const km: KeyMaterial = { chain: 'solana', privateKey: seed, address, publicKey: address }
  if (derivationPath !== undefined) km.derivationPath = derivationPath
  return km
}

// ------------------------------------------------------------------------------------------ generate

/** A fresh random key for `chain`. */
export function generateKey(chain: Chain): KeyMaterial {
  if (chain === 'evm') {
    // A random 32-byte string is a valid scalar except with probability ~2^-128; retry rather than assume.
    for (;;) {
      const sk = randomBytes(32)
      try {
        return evmFromPrivateKey(sk)
      } catch {
        wipe(sk)
      }
    }
  }
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })
  if (typeof jwk.d !== 'string' || typeof jwk.x !== 'string') throw new WaiaasError('INTERNAL', 'ed25519 key export failed')
  const seed = Buffer.from(jwk.d, 'base64url')
  const address = base58.encode(Buffer.from(jwk.x, 'base64url'))
  return { chain: 'solana', privateKey: seed, address, publicKey: address }
}

// ------------------------------------------------------------------------------- private key text

/** An EVM private key file: 64 hex characters, with or without 0x, surrounding whitespace ignored. */
export function keyFromPrivateKeyText(text: string): KeyMaterial {
  const trimmed = typeof text === 'string' ? text.trim() : ''
  const hex = trimmed.startsWith('0x') || trimmed.startsWith('0X') ? trimmed.slice(2) : trimmed
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw keyFileError('Not an EVM private key: expected 64 hexadecimal characters, optionally prefixed with 0x', {
      format: 'private-key',
      length: hex.length,
    })
  }
  const privateKey = Buffer.from(hex, 'hex')
  try {
    return evmFromPrivateKey(privateKey)
  } catch (err) {
    wipe(privateKey)
    throw err
  }
}

// ---------------------------------------------------------------------------------- keystore v3

/*
 * Where the keystore work runs:
 * - built (dist/, or the bundle in dist/bundle/): a worker_threads Worker on the compiled `keystore-worker.js`, so
 *   ethers' pure-JS scrypt runs off the event loop. tsc puts it beside this module (dist/daemon/keystore/); the bundle
 *   keeps it at the same path under dist/bundle/, while this module's code may sit in a shared chunk elsewhere. A
 *   build without its worker fails the job: it never falls back to blocking the event loop.
 * - vitest (TypeScript sources, no compiled sibling; a Node 20 Worker cannot load .ts): the same `runKeystoreJob` is
 *   imported and run in-process.
 */
const FROM_SOURCES = import.meta.url.endsWith('.ts')
const WORKER_URL = ((): URL => {
  const here = fileURLToPath(import.meta.url)
  const bundle = packagePath('dist', 'bundle')
  if (here.startsWith(bundle + path.sep)) return pathToFileURL(path.join(bundle, 'daemon', 'keystore', 'keystore-worker.js'))
  return new URL('./keystore-worker.js', import.meta.url)
})()

function runInWorker(job: KeystoreJob): Promise<KeystoreResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: job })
    let settled = false
    worker.once('message', (result: KeystoreResult) => {
      settled = true
      resolve(result)
    })
    worker.once('error', (err) => {
      settled = true
      reject(new WaiaasError('INTERNAL', 'Keystore worker failed', { cause: err }))
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new WaiaasError('INTERNAL', 'Keystore worker exited without a result', { details: { exitCode: code } }))
    })
  })
}

async function runKeystore(job: KeystoreJob): Promise<KeystoreResult> {
  if (FROM_SOURCES) {
    const { runKeystoreJob } = await import('./keystore-worker.js')
    return runKeystoreJob(job)
  }
  const worker = fileURLToPath(WORKER_URL)
  if (!existsSync(worker)) throw new WaiaasError('INTERNAL', 'The keystore worker is missing from this build', { details: { worker } })
  return runInWorker(job)
}

const notKeystore = (why: string): WaiaasError =>
  keyFileError(`Not a Web3 Secret Storage (keystore v3) file: ${why}`, { format: 'keystore-v3' })

/** Cheap checks before any KDF work: JSON, version 3, and KDF parameters within limits (no denial of service). */
function precheckKeystore(json: string): void {
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    throw notKeystore('it is not JSON')
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw notKeystore('it is not a JSON object')
  const rec = data as Record<string, unknown>
  if (Number(rec['version']) !== 3) throw notKeystore('version is not 3')
  const crypto = (rec['crypto'] ?? rec['Crypto']) as Record<string, unknown> | undefined
  if (typeof crypto !== 'object' || crypto === null) throw notKeystore('the crypto section is missing')
  const kdf = String(crypto['kdf'] ?? '').toLowerCase()
  const params = (crypto['kdfparams'] ?? {}) as Record<string, unknown>
  if (kdf === 'scrypt') {
    const n = Number(params['n'])
    const r = Number(params['r'])
    const p = Number(params['p'])
    if (![n, r, p].every((v) => Number.isSafeInteger(v) && v > 0)) throw notKeystore('scrypt parameters are invalid')
    if (128 * n * r > KEYSTORE_MAX_SCRYPT_MEM || p > 16) {
      throw keyFileError('The keystore asks for more scrypt work than waiaas allows', { format: 'keystore-v3', n, r, p })
    }
  } else if (kdf === 'pbkdf2') {
    const c = Number(params['c'])
    if (!Number.isSafeInteger(c) || c <= 0) throw notKeystore('pbkdf2 parameters are invalid')
    if (c > KEYSTORE_MAX_PBKDF2_ROUNDS) {
      throw keyFileError('The keystore asks for more pbkdf2 work than waiaas allows', { format: 'keystore-v3', c })
    }
  } else {
    throw notKeystore('the key derivation function is not scrypt or pbkdf2')
  }
}

/** Decrypts a keystore v3 file with its own password (not the master password). */
export async function keyFromKeystoreV3(json: string, password: string): Promise<KeyMaterial> {
  if (typeof json !== 'string') throw notKeystore('it is not text')
  precheckKeystore(json)
  const result = await runKeystore({ kind: 'waiaas-keystore-job', op: 'decrypt', json, password })
  if (!result.ok) {
    if (result.reason === 'bad-password') {
      throw new WaiaasError('AUTH_BAD_PASSWORD', "Wrong password for the keystore file (the keystore's own password, not the master password)", {
        details: { file: 'keystore' },
        hint: 'Give the password the keystore file was encrypted with.',
      })
    }
    if (result.reason === 'invalid') throw notKeystore('it could not be decoded')
    throw new WaiaasError('INTERNAL', 'Keystore decryption failed')
  }
  if (result.op !== 'decrypt') throw new WaiaasError('INTERNAL', 'Keystore worker answered the wrong operation')
  const privateKey = Buffer.from(result.privateKey)
  wipe(result.privateKey)
  try {
    return evmFromPrivateKey(privateKey)
  } catch (err) {
    wipe(privateKey)
    throw err
  }
}

/** Encrypts an EVM key as keystore v3 (scrypt N = 2^17; TEST_N under the test suite's switch, see kdf.ts), readable by ethers, geth and MetaMask. */
export async function keyToKeystoreV3(km: KeyMaterial, password: string): Promise<string> {
  if (km.chain !== 'evm') {
    throw new WaiaasError('INPUT_INVALID', 'Keystore v3 export is only for EVM wallets', { details: { chain: km.chain } })
  }
  const privateKey = new Uint8Array(km.privateKey)
  try {
    const result = await runKeystore({ kind: 'waiaas-keystore-job', op: 'encrypt', privateKey, password, scryptN: testKdfCost() ? TEST_N : KEYSTORE_SCRYPT_N })
    if (!result.ok || result.op !== 'encrypt') throw new WaiaasError('INTERNAL', 'Keystore encryption failed')
    return result.json
  } finally {
    wipe(privateKey)
  }
}

// -------------------------------------------------------------------------------------- mnemonic

const MAX_INDEX = 2 ** 31 - 1

/** How a mnemonic becomes a key: a BIP-39 passphrase (the "25th word") and a path other than account `index`'s. */
export interface MnemonicOptions {
  /** A BIP-32 path, or `none` (Solana: solana-keygen's default, the seed's first 32 bytes); see parseDerivationPath. */
  derivationPath?: string | undefined
  passphrase?: string | undefined
}

/**
 * Derives a key from a BIP-39 phrase and optional passphrase: on `opts.derivationPath` when given, else on the chain's
 * standard path for account `index` (EVM m/44'/60'/0'/0/i, Solana m/44'/501'/i'/0').
 */
export function keyFromMnemonic(chain: Chain, phrase: string, index: number, opts: MnemonicOptions = {}): KeyMaterial {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX) {
    throw new WaiaasError('INPUT_INVALID', `Account index must be an integer from 0 to ${MAX_INDEX}`, { details: { field: 'index' } })
  }
  const path = opts.derivationPath === undefined ? standardPath(chain, index) : parseDerivationPath(chain, opts.derivationPath)
  let mnemonic: Mnemonic
  try {
    mnemonic = Mnemonic.fromPhrase(typeof phrase === 'string' ? phrase.trim() : '', opts.passphrase ?? '')
  } catch {
    throw keyFileError('Not a valid BIP-39 mnemonic (check the word count, the spelling and the word order)', { format: 'mnemonic' })
  }
  let seed: Uint8Array
  try {
    // The passphrase is NFKD-normalised here, as BIP-39 says; text that is not valid Unicode cannot be.
    seed = getBytes(mnemonic.computeSeed())
  } catch {
    throw new WaiaasError('INPUT_INVALID', 'The BIP-39 passphrase is not valid Unicode text', { details: { field: 'passphrase' } })
  }
  try {
    if (chain === 'evm') {
      const node = HDNodeWallet.fromSeed(seed).derivePath(path)
      return evmFromPrivateKey(Buffer.from(getBytes(node.privateKey)), path)
    }
    // solana-keygen without a path: ed25519 from the seed's first 32 bytes (solana-sdk keypair_from_seed).
    if (path === NO_DERIVATION) return solanaFromSeed(Buffer.from(seed.subarray(0, 32)), path)
    const node = HDKey.fromMasterSeed(seed).derive(path)
    const km = solanaFromSeed(Buffer.from(node.privateKey), path)
    wipe(node.privateKey, node.chainCode)
    return km
  } finally {
    wipe(seed)
  }
}

// -------------------------------------------------------------------------- solana keypair JSON

/** solana-keygen's keypair file: a JSON array of 64 bytes, the 32-byte seed then the 32-byte public key. */
export function keyFromSolanaKeypairJson(text: string): KeyMaterial {
  const fail = (why: string, details: Record<string, unknown> = {}): WaiaasError =>
    keyFileError(`Not a Solana keypair file: ${why}`, { format: 'solana-keypair', ...details })
  let data: unknown
  try {
    data = JSON.parse(typeof text === 'string' ? text : '')
  } catch {
    throw fail('it is not JSON')
  }
  if (!Array.isArray(data)) throw fail('expected a JSON array of 64 numbers')
  if (data.length !== 64) throw fail(`expected 64 numbers, found ${data.length}`, { length: data.length })
  const bytes = Buffer.alloc(64)
  try {
    for (let i = 0; i < 64; i++) {
      const v: unknown = data[i]
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw fail(`entry ${i} is not an integer from 0 to 255`, { position: i })
      }
      bytes[i] = v
    }
    const seed = Buffer.from(bytes.subarray(0, 32))
    const km = solanaFromSeed(seed)
    if (!base58.decode(km.address).every((b, i) => b === bytes[32 + i])) {
      wipe(seed)
      throw fail('the public key (last 32 numbers) does not match the secret key (first 32)')
    }
    return km
  } finally {
    wipe(bytes)
    data.fill(0)
  }
}

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/

/**
 * A Solana secret key as base58 text: the 64 bytes (seed then public key) that Phantom, Solflare and Backpack export
 * as "private key". The public half must match the seed. A bare 32-byte value is refused: it is as likely an address
 * as a seed, and a wallet made from an address would hold a key anyone who knows that address can compute.
 */
export function keyFromSolanaSecretBase58(text: string): KeyMaterial {
  const trimmed = typeof text === 'string' ? text.trim() : ''
  const fail = (why: string, details: Record<string, unknown> = {}): WaiaasError =>
    keyFileError(`Not a Solana secret key: ${why}`, { format: 'solana-base58', ...details })
  if (!BASE58.test(trimmed)) throw fail("expected base58 text (Phantom's private key export) or solana-keygen's JSON array")
  let bytes: Buffer
  try {
    bytes = Buffer.from(base58.decode(trimmed))
  } catch {
    throw fail('it does not decode as base58')
  }
  try {
    if (bytes.length === 32) {
      throw new WaiaasError('INPUT_INVALID_KEY_FILE', 'A 32-byte base58 value may be an address as well as a seed, so it is not taken as a key', {
        details: { format: 'solana-base58', length: 32 },
        hint: 'Give the 64-byte secret key Phantom exports as "private key", the keypair JSON file of solana-keygen, or the mnemonic.',
      })
    }
    if (bytes.length !== 64) throw fail(`it decodes to ${bytes.length} bytes, not 64`, { length: bytes.length })
    const seed = Buffer.from(bytes.subarray(0, 32))
    const km = solanaFromSeed(seed)
    if (!base58.decode(km.address).every((b, i) => b === bytes[32 + i])) {
      wipe(seed)
      throw fail('its public key (the last 32 bytes) does not match its secret (the first 32)')
    }
    return km
  } finally {
    wipe(bytes)
  }
}

/** A Solana secret key in either shape wallets export: solana-keygen's JSON array, or base58 text (Phantom). */
export function keyFromSolanaSecret(text: string): KeyMaterial {
  return typeof text === 'string' && text.trimStart().startsWith('[') ? keyFromSolanaKeypairJson(text) : keyFromSolanaSecretBase58(text)
}

/** Byte-exact solana-keygen output: `[n,n,…]`, no spaces, no trailing newline. */
export function keyToSolanaKeypairJson(km: KeyMaterial): string {
  if (km.chain !== 'solana') {
    throw new WaiaasError('INPUT_INVALID', 'Solana keypair export is only for Solana wallets', { details: { chain: km.chain } })
  }
  const pub = ed25519PublicKey(km.privateKey)
  if (base58.encode(pub) !== km.address) throw new WaiaasError('INTERNAL', 'Key material does not match its address')
  const bytes = Buffer.concat([km.privateKey, pub])
  try {
    return JSON.stringify(Array.from(bytes))
  } finally {
    wipe(bytes)
  }
}
