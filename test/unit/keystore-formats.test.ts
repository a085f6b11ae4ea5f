import { Wallet, encryptKeystoreJson, getBytes } from 'ethers'
import { HDKey } from 'micro-key-producer/slip10.js'
import { base58 } from '@scure/base'
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { catchErr, catchAsync } from '../helpers/errors.js'
import { productionKdf } from '../helpers/kdf.js'
import { WaiaasError } from '../../src/lib/errors.js'
import {
  generateKey,
  keyFromKeystoreV3,
  keyFromMnemonic,
  keyFromPrivateKeyText,
  keyFromSolanaKeypairJson,
  keyFromSolanaSecret,
  keyFromSolanaSecretBase58,
  keyToKeystoreV3,
  keyToSolanaKeypairJson,
} from '../../src/daemon/keystore/keys.js'

const JUNK = 'test test test test test test test test test test test junk'
// anvil/hardhat account 0
const ANVIL0_PK = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const ANVIL0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'



/** Everything an error could leak: message, details, hint, and its JSON form. */
const surface = (err: WaiaasError): string => JSON.stringify({ m: err.message, d: err.details, h: err.hint, j: err })

describe('generateKey', () => {
  it('makes distinct EVM and Solana keys of the documented shapes', () => {
    const e = generateKey('evm')
    expect(e.privateKey).toHaveLength(32)
    expect(e.address).toBe(new Wallet('0x' + e.privateKey.toString('hex')).address)
    expect(e.publicKey).toMatch(/^0x0[23][0-9a-f]{64}$/)
    expect(generateKey('evm').address).not.toBe(e.address)

    const s = generateKey('solana')
    expect(s.privateKey).toHaveLength(32)
    expect(base58.decode(s.address)).toHaveLength(32)
    expect(s.publicKey).toBe(s.address)
    expect(generateKey('solana').address).not.toBe(s.address)
  })
})

describe('private key text', () => {
  it('accepts 64 hex with or without 0x and surrounding whitespace', () => {
    expect(keyFromPrivateKeyText(ANVIL0_PK).address).toBe(ANVIL0)
    const km = keyFromPrivateKeyText(`  0x${ANVIL0_PK}\n`)
    expect(km.address).toBe(ANVIL0)
    expect(km.privateKey.toString('hex')).toBe(ANVIL0_PK)
  })

  it('rejects wrong lengths, non-hex and out-of-range scalars without echoing the input', () => {
    for (const bad of [ANVIL0_PK.slice(0, 62), ANVIL0_PK + 'ab', 'zz' + ANVIL0_PK.slice(2), '', '0'.repeat(64), 'f'.repeat(64)]) {
      const err = catchErr(() => keyFromPrivateKeyText(bad))
      expect(err.code).toBe('INPUT_INVALID_KEY_FILE')
      if (bad.length > 0) expect(surface(err)).not.toContain(bad)
      expect(surface(err)).not.toContain(ANVIL0_PK.slice(0, 16))
    }
  })
})

describe('mnemonic', () => {
  it('derives the well-known EVM accounts on m/44\'/60\'/0\'/0/i', () => {
    const a0 = keyFromMnemonic('evm', JUNK, 0)
    expect(a0.address).toBe(ANVIL0)
    expect(a0.derivationPath).toBe("m/44'/60'/0'/0/0")
    expect(a0.privateKey.toString('hex')).toBe(ANVIL0_PK)
    const a1 = keyFromMnemonic('evm', JUNK, 1)
    expect(a1.address).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
    expect(a1.derivationPath).toBe("m/44'/60'/0'/0/1")
  })

  it('micro-key-producer SLIP-0010 ed25519 matches test vector 1 (m/0H)', () => {
    const node = HDKey.fromMasterSeed(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'))
    expect(Buffer.from(node.privateKey).toString('hex')).toBe('2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7')
    const child = node.derive("m/0'")
    expect(Buffer.from(child.privateKey).toString('hex')).toBe('68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3')
    expect(Buffer.from(child.chainCode).toString('hex')).toBe('8b59aa11380b624e81507a27fedda59fea6d0b779a778918a2fd3590e16e9c69')
  })

  it("derives Solana on m/44'/501'/i'/0' to the known address", () => {
    const s0 = keyFromMnemonic('solana', JUNK, 0)
    expect(s0.derivationPath).toBe("m/44'/501'/0'/0'")
    expect(s0.privateKey).toHaveLength(32)
    expect(base58.decode(s0.address)).toHaveLength(32)
    expect(keyFromMnemonic('solana', `  ${JUNK}  `, 0).address).toBe(s0.address)
    // Published by several independent projects for this phrase and path (see report).
    expect(s0.address).toBe('oeYf6KAJkLYhBuR8CiGc6L4D4Xtfepr85fuDgA9kq96')
    const s1 = keyFromMnemonic('solana', JUNK, 1)
    expect(s1.derivationPath).toBe("m/44'/501'/1'/0'")
    expect(s1.address).not.toBe(s0.address)
  })

  it('rejects invalid phrases (INPUT_INVALID_KEY_FILE, no echo) and bad indexes', () => {
    const badPhrase = 'test test test test test test test test test test test test'
    const err = catchErr(() => keyFromMnemonic('evm', badPhrase, 0))
    expect(err.code).toBe('INPUT_INVALID_KEY_FILE')
    expect(surface(err)).not.toContain('test test')
    expect(catchErr(() => keyFromMnemonic('solana', 'not a mnemonic', 0)).code).toBe('INPUT_INVALID_KEY_FILE')
    for (const i of [-1, 1.5, 2 ** 31, Number.NaN]) expect(catchErr(() => keyFromMnemonic('evm', JUNK, i)).code).toBe('INPUT_INVALID')
    expect(keyFromMnemonic('evm', JUNK, 2 ** 31 - 1).derivationPath).toBe(`m/44'/60'/0'/0/${2 ** 31 - 1}`)
  })
})

describe('keystore v3', () => {
  // The export's production scrypt cost is asserted here.
  productionKdf()

  it('imports an ethers keystore, rejects a wrong password and garbage', async () => {
    const w = Wallet.createRandom()
    const json = await encryptKeystoreJson({ address: w.address, privateKey: w.privateKey }, 'file-pw', { scrypt: { N: 1 << 12 } })
    const km = await keyFromKeystoreV3(json, 'file-pw')
    expect(km.address).toBe(w.address)
    expect('0x' + km.privateKey.toString('hex')).toBe(w.privateKey)

    const bad = await catchAsync(keyFromKeystoreV3(json, 'not-the-pw'))
    expect(bad.code).toBe('AUTH_BAD_PASSWORD')
    expect(bad.details).toEqual({ file: 'keystore' })
    expect(bad.message).toMatch(/keystore/i)
    expect(surface(bad)).not.toContain('not-the-pw')

    for (const garbage of ['{not json', '[]', '{"version":3}', '{"hello":"world"}', JSON.stringify({ ...JSON.parse(json), version: 2 })]) {
      const err = await catchAsync(keyFromKeystoreV3(garbage, 'file-pw'))
      expect(err.code).toBe('INPUT_INVALID_KEY_FILE')
      expect(surface(err)).not.toContain('not json')
    }
  })

  it('refuses keystores that demand excessive scrypt work before running it', async () => {
    const w = Wallet.createRandom()
    const parsed = JSON.parse(await encryptKeystoreJson({ address: w.address, privateKey: w.privateKey }, 'pw', { scrypt: { N: 1 << 10 } }))
    parsed.Crypto.kdfparams.n = 2 ** 24
    expect((await catchAsync(keyFromKeystoreV3(JSON.stringify(parsed), 'pw'))).code).toBe('INPUT_INVALID_KEY_FILE')
  })

  it('exports a keystore ethers decrypts to the same address (scrypt N=2^17)', async () => {
    const km = keyFromPrivateKeyText(ANVIL0_PK)
    const json = await keyToKeystoreV3(km, 'export-pw')
    // the spec's spelling (Foundry's cast refuses ethers' `Crypto` with "missing field `crypto`")
    expect(Object.keys(JSON.parse(json))).toEqual(expect.arrayContaining(['address', 'id', 'version', 'crypto']))
    expect(JSON.parse(json)).not.toHaveProperty('Crypto')
    expect(JSON.parse(json).crypto.kdfparams.n).toBe(2 ** 17)
    expect(json).not.toContain(ANVIL0_PK)
    const w = await Wallet.fromEncryptedJson(json, 'export-pw')
    expect(w.address).toBe(ANVIL0)
    expect(getBytes(w.privateKey)).toEqual(new Uint8Array(km.privateKey))
    expect((await catchAsync(keyToKeystoreV3(generateKey('solana'), 'pw'))).code).toBe('INPUT_INVALID')
  })
})

describe('solana keypair json', () => {
  it('round-trips byte for byte', () => {
    const km = generateKey('solana')
    const text = keyToSolanaKeypairJson(km)
    expect(text).toMatch(/^\[\d+(,\d+){63}\]$/)
    const back = keyFromSolanaKeypairJson(text)
    expect(back.address).toBe(km.address)
    expect(back.privateKey.equals(km.privateKey)).toBe(true)
    expect(keyToSolanaKeypairJson(back)).toBe(text)
    const bytes = JSON.parse(text) as number[]
    expect(Buffer.from(bytes.slice(32)).equals(Buffer.from(base58.decode(km.address)))).toBe(true)
  })

  it('matches the mnemonic-derived Solana key', () => {
    const km = keyFromMnemonic('solana', JUNK, 0)
    expect(keyFromSolanaKeypairJson(keyToSolanaKeypairJson(km)).address).toBe(km.address)
  })

  it('rejects truncated, out-of-range, non-JSON and mismatched files without leaking bytes', () => {
    const text = keyToSolanaKeypairJson(generateKey('solana'))
    const bytes = JSON.parse(text) as number[]
    const other = JSON.parse(keyToSolanaKeypairJson(generateKey('solana'))) as number[]
    const cases: Record<string, string> = {
      truncated: JSON.stringify(bytes.slice(0, 63)),
      outOfRange: JSON.stringify([300, ...bytes.slice(1)]),
      negative: JSON.stringify([...bytes.slice(0, 63), -1]),
      fraction: JSON.stringify([1.5, ...bytes.slice(1)]),
      notJson: text.slice(0, 40),
      object: '{"a":1}',
      mismatch: JSON.stringify([...bytes.slice(0, 32), ...other.slice(32)]),
    }
    const messages = new Set<string>()
    for (const [name, input] of Object.entries(cases)) {
      const err = catchErr(() => keyFromSolanaKeypairJson(input))
      expect(err.code, name).toBe('INPUT_INVALID_KEY_FILE')
      expect(surface(err), name).not.toContain(input)
      expect(surface(err), name).not.toContain(bytes.slice(0, 4).join(','))
      messages.add(err.message)
    }
    expect(messages.size).toBeGreaterThanOrEqual(5)
    expect(catchErr(() => keyFromSolanaKeypairJson(cases['truncated'] ?? '')).message).toMatch(/63/)
    expect(catchErr(() => keyFromSolanaKeypairJson(cases['mismatch'] ?? '')).message).toMatch(/does not match/)
  })
})

describe('solana base58 secret key (Phantom export)', () => {
  it('imports the 64-byte base58 text web3.js makes, with or without surrounding whitespace, to the same key', () => {
    const kp = Keypair.generate()
    const text = base58.encode(kp.secretKey)
    const km = keyFromSolanaSecretBase58(`  ${text}\n`)
    expect(km.address).toBe(kp.publicKey.toBase58())
    expect(new Uint8Array(km.privateKey)).toEqual(kp.secretKey.slice(0, 32))
    expect(km.derivationPath).toBeUndefined()
    // keyFromSolanaSecret takes either shape wallets export.
    expect(keyFromSolanaSecret(text).address).toBe(kp.publicKey.toBase58())
    expect(keyFromSolanaSecret(JSON.stringify(Array.from(kp.secretKey))).address).toBe(kp.publicKey.toBase58())
  })

  it('refuses a bare 32-byte value (an address looks the same), other lengths, a mismatched half and non-base58, without echoing', () => {
    const kp = Keypair.generate()
    const other = Keypair.generate()
    const full = base58.encode(kp.secretKey)
    const cases: Record<string, [input: string, details: Record<string, unknown>]> = {
      seedOnly: [base58.encode(kp.secretKey.slice(0, 32)), { format: 'solana-base58', length: 32 }],
      address: [kp.publicKey.toBase58(), { format: 'solana-base58', length: 32 }],
      short: [base58.encode(kp.secretKey.slice(0, 63)), { format: 'solana-base58', length: 63 }],
      mismatch: [base58.encode(Buffer.concat([kp.secretKey.slice(0, 32), other.secretKey.slice(32)])), { format: 'solana-base58' }],
      notBase58: [`${full.slice(0, 40)}0OIl${full.slice(44)}`, { format: 'solana-base58' }],
      empty: ['', { format: 'solana-base58' }],
    }
    const messages = new Set<string>()
    for (const [name, [input, details]] of Object.entries(cases)) {
      const err = catchErr(() => keyFromSolanaSecretBase58(input))
      expect(err.code, name).toBe('INPUT_INVALID_KEY_FILE')
      expect(err.details, name).toEqual(details)
      if (input.length > 0) expect(surface(err), name).not.toContain(input.slice(0, 12))
      expect(surface(err), name).not.toContain(full.slice(0, 12))
      messages.add(err.message)
    }
    expect(messages.size).toBe(4) // 32 bytes, wrong length, mismatch, not base58
    expect(catchErr(() => keyFromSolanaSecretBase58(cases['mismatch']![0])).message).toMatch(/does not match/)
  })
})

