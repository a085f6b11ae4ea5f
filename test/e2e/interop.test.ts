/**
 * Interoperability with the formats people already have, through bin/run.js: keystore v3 both ways with ethers,
 * BIP-39 mnemonics on the standard paths, other paths, solana-keygen's no-path default and with a passphrase (the
 * published addresses of "abandon … about" and a BIP-39 reference vector), solana-keygen keypair JSON byte for byte,
 * Phantom's base58 secret key, and duplicate detection.
 */
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { base58 } from '@scure/base'
import { HDKey } from '@scure/bip32'
import { Keypair } from '@solana/web3.js'
import { derivePath } from 'ed25519-hd-key'
import { Wallet as EthersWallet, computeAddress, encryptKeystoreJson, hexlify } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, fails, modeOf, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'
import vectors from '../fixtures/bip39-trezor-vectors.json' with { type: 'json' }

const JUNK = 'test test test test test test test test test test test junk'
const ANVIL0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const ANVIL1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const JUNK_SOL0 = 'oeYf6KAJkLYhBuR8CiGc6L4D4Xtfepr85fuDgA9kq96'
const KEYSTORE_PASSWORD = 'keystore password from ethers'
const ABOUT = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
// Published for "abandon … about" (no passphrase): MetaMask m/44'/60'/0'/0/0, Phantom m/44'/501'/0'/0', and
// solana-keygen without a path (`solana-keygen recover prompt://`, the seed's first 32 bytes).
const ABOUT_EVM0 = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94'
const ABOUT_PHANTOM0 = 'HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk'
const ABOUT_KEYGEN = 'EHqmfkN89RJ7Y33CXM6uCzhVeuywHoJXZZLszBHHZy7o'

/** Foundry's `cast` from the @foundry-rs/cast npm package (the platform package holds the binary), with its output. */
function cast(args: string[], env: Record<string, string> = {}): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const pkg = `@foundry-rs/cast-${process.platform}-${arch}`
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'bin', 'cast')
  return execFileSync(bin, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, encoding: 'utf8', timeout: 60_000 })
}

/** A solana-keygen style keypair: the 32-byte ed25519 seed then the 32-byte public key, made with node:crypto. */
function solanaKeypair(): { bytes: number[]; address: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url')
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url')
  return { bytes: [...seed, ...pub], address: base58.encode(pub) }
}

describe('interoperability', () => {
  const home = tempHome('wi-')
  const cli = runner(home.dataDir)
  const pw = home.file('master.txt', MASTER_PASSWORD)
  const exportPw = home.file('export-pw.txt', 'export password for ethers')
  const ksPw = home.file('ks-pw.txt', KEYSTORE_PASSWORD)
  const mnemonic = home.file('words.txt', `${JUNK}\n`)

  beforeAll(async () => {
    ok(await cli.run(['init', '--password-file', pw]))
  })

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('an exported keystore decrypts with ethers.Wallet.fromEncryptedJson to the same address', async () => {
    const w = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', pw]))
    const out = path.join(home.root, 'export.json')
    ok(await cli.run(['wallet', 'export', w.id, '--out', out, '--export-password-file', exportPw, '--password-file', pw, '--yes']))
    expect(modeOf(out)).toBe(0o600)
    const decrypted = await EthersWallet.fromEncryptedJson(fs.readFileSync(out, 'utf8'), 'export password for ethers')
    expect(decrypted.address).toBe(w.address)
    expect(decrypted.signingKey.compressedPublicKey).toBe(w.publicKey)
  })

  it("an exported keystore is read by Foundry's cast (the spec's `crypto` key) to the same address", async () => {
    const w = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', pw]))
    const out = path.join(home.root, 'export-for-cast.json')
    ok(await cli.run(['wallet', 'export', w.id, '--out', out, '--export-password-file', exportPw, '--password-file', pw, '--yes']))
    const file = JSON.parse(fs.readFileSync(out, 'utf8'))
    expect(file).toHaveProperty('crypto')
    expect(file).not.toHaveProperty('Crypto')
    // cast reads the password from a file here (the keystore's own password, not the master password)
    expect(cast(['wallet', 'address', '--keystore', out, '--password-file', exportPw]).trim()).toBe(w.address)
  })

  it('a keystore made by `cast wallet new` imports with the same address', async () => {
    const dir = path.join(home.root, 'cast-keystores')
    fs.mkdirSync(dir, { mode: 0o700 })
    const said = cast(['wallet', 'new', dir, 'from-cast'], { CAST_PASSWORD: KEYSTORE_PASSWORD })
    const address = /Address:\s+(0x[0-9a-fA-F]{40})/.exec(said)?.[1]
    expect(address, said).toBeDefined()
    const file = path.join(dir, 'from-cast')
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveProperty('crypto')
    const w = ok(await cli.run(['wallet', 'import', '--keystore-file', file, '--keystore-password-file', ksPw, '--name', 'from-cast', '--password-file', pw]))
    expect(w).toMatchObject({ chain: 'evm', address, source: 'keystore', name: 'from-cast' })
    // and the key is the same one, not just the address field: cast signs with it, and the signature recovers to it
    const sig = cast(['wallet', 'sign', '--keystore', file, '--password-file', ksPw, 'hello']).trim()
    expect(cast(['wallet', 'verify', '--address', w.address, 'hello', sig])).toContain('Validation succeeded')
  })

  it('an exported Solana keypair is read by @solana/web3.js Keypair.fromSecretKey to the same address', async () => {
    const w = ok(await cli.run(['wallet', 'create', '--chain', 'solana', '--password-file', pw]))
    const out = path.join(home.root, 'sol-export.json')
    ok(await cli.run(['wallet', 'export', w.id, '--out', out, '--password-file', pw, '--yes']))
    const bytes = Uint8Array.from(JSON.parse(fs.readFileSync(out, 'utf8')) as number[])
    expect(bytes.length).toBe(64)
    // fromSecretKey checks that the public half matches the secret half
    expect(Keypair.fromSecretKey(bytes).publicKey.toBase58()).toBe(w.address)
  })

  it('a keystore made by ethers imports with the same address', async () => {
    const source = EthersWallet.createRandom()
    const json = await encryptKeystoreJson({ address: source.address, privateKey: source.privateKey }, KEYSTORE_PASSWORD, { scrypt: { N: 2 ** 10 } })
    const file = home.file('ethers-keystore.json', json)
    const w = ok(await cli.run(['wallet', 'import', '--keystore-file', file, '--keystore-password-file', ksPw, '--name', 'from-ethers', '--password-file', pw]))
    expect(w).toMatchObject({ chain: 'evm', address: source.address, source: 'keystore', name: 'from-ethers' })

    // the full-strength default of ethers (scrypt N = 2^17) too
    const source2 = EthersWallet.createRandom()
    const file2 = home.file('ethers-keystore-2.json', await source2.encrypt(KEYSTORE_PASSWORD))
    const w2 = ok(await cli.run(['wallet', 'import', '--keystore-file', file2, '--keystore-password-file', ksPw, '--password-file', pw]))
    expect(w2.address).toBe(source2.address)
  })

  it('a keystore with the wrong keystore password is refused and nothing is stored', async () => {
    const source = EthersWallet.createRandom()
    const json = await encryptKeystoreJson({ address: source.address, privateKey: source.privateKey }, KEYSTORE_PASSWORD, { scrypt: { N: 2 ** 10 } })
    const file = home.file('ethers-keystore-3.json', json)
    const wrong = home.file('ks-wrong.txt', 'not the keystore password')
    const before = ok(await cli.run(['wallet', 'list']))
    fails(await cli.run(['wallet', 'import', '--keystore-file', file, '--keystore-password-file', wrong, '--password-file', pw]), 'AUTH_BAD_PASSWORD', 6)
    expect(ok(await cli.run(['wallet', 'list']))).toEqual(before)
  })

  it('the mnemonic "test … junk" gives the well-known EVM addresses on m/44\'/60\'/0\'/0/i', async () => {
    const w0 = ok(await cli.run(['wallet', 'import', '--mnemonic-file', mnemonic, '--chain', 'evm', '--index', '0', '--password-file', pw]))
    expect(w0).toMatchObject({ chain: 'evm', address: ANVIL0, source: 'mnemonic', derivationPath: "m/44'/60'/0'/0/0" })
    const w1 = ok(await cli.run(['wallet', 'import', '--mnemonic-file', mnemonic, '--chain', 'evm', '--index', '1', '--password-file', pw]))
    expect(w1).toMatchObject({ address: ANVIL1, derivationPath: "m/44'/60'/0'/0/1" })
  })

  it('the mnemonic "test … junk" gives the well-known Solana address on m/44\'/501\'/0\'/0\'', async () => {
    const w = ok(await cli.run(['wallet', 'import', '--mnemonic-file', mnemonic, '--chain', 'solana', '--password-file', pw]))
    expect(w).toMatchObject({ chain: 'solana', address: JUNK_SOL0, publicKey: JUNK_SOL0, source: 'mnemonic', derivationPath: "m/44'/501'/0'/0'" })
  })

  it('a mnemonic without --chain is a usage error', async () => {
    fails(await cli.run(['wallet', 'import', '--mnemonic-file', mnemonic, '--password-file', pw]), 'USAGE', 2)
  })

  it('"abandon … about" gives the published MetaMask, Phantom and solana-keygen (no path) addresses', async () => {
    const words = home.file('about.txt', `${ABOUT}\n`)
    const evm = ok(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'evm', '--password-file', pw]))
    expect(evm).toMatchObject({ address: ABOUT_EVM0, derivationPath: "m/44'/60'/0'/0/0" })
    const phantom = ok(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'solana', '--password-file', pw]))
    expect(phantom).toMatchObject({ address: ABOUT_PHANTOM0, derivationPath: "m/44'/501'/0'/0'" })
    const keygen = ok(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'solana', '--derivation-path', 'none', '--name', 'from-keygen', '--password-file', pw]))
    expect(keygen).toMatchObject({ name: 'from-keygen', address: ABOUT_KEYGEN, source: 'mnemonic', derivationPath: 'none' })
  })

  it('a BIP-39 passphrase from --passphrase-file on a --derivation-path: the reference vector\'s published seed', async () => {
    // The vector "legal winner … yellow" with passphrase "TREZOR"; expected addresses from its published root xprv
    // (@scure/bip32) and seed (ed25519-hd-key, web3.js), not from waiaas code.
    const [, mnemonic, seed, xprv] = vectors.english[1]!
    const words = home.file('legal.txt', `${mnemonic}\n`)
    const passphrase = home.file('passphrase.txt', `${vectors.passphrase}\n`)
    const path1 = "m/44'/60'/1'/0/2"
    const evm = ok(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'evm', '--derivation-path', "m/44h/60h/1h/0/2", '--passphrase-file', passphrase, '--password-file', pw]))
    expect(evm).toMatchObject({ address: computeAddress(hexlify(HDKey.fromExtendedKey(xprv!).derive(path1).publicKey!)), derivationPath: path1 })
    const sol = ok(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'solana', '--derivation-path', 'none', '--passphrase-file', passphrase, '--password-file', pw]))
    expect(sol.address).toBe(Keypair.fromSeed(Buffer.from(seed!, 'hex').subarray(0, 32)).publicKey.toBase58())
    const phantom = ok(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'solana', '--index', '2', '--passphrase-file', passphrase, '--password-file', pw]))
    expect(phantom).toMatchObject({ address: Keypair.fromSeed(derivePath("m/44'/501'/2'/0'", seed!).key).publicKey.toBase58(), derivationPath: "m/44'/501'/2'/0'" })
    // Neither the phrase nor the passphrase was ever printed.
    for (const out of cli.transcript) {
      expect(out).not.toContain('legal winner')
      expect(out).not.toContain(vectors.passphrase)
    }
  })

  it('path and passphrase mistakes are refused: a soft Solana step, none on EVM, flags that need a mnemonic or contradict', async () => {
    const words = home.file('about2.txt', `${ABOUT}\n`)
    const passphrase = home.file('passphrase2.txt', 'p\n')
    const soft = fails(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'solana', '--derivation-path', "m/44'/501'/7'/0", '--password-file', pw]), 'INPUT_INVALID', 2)
    expect(soft.details).toMatchObject({ field: 'derivationPath', reason: 'not-hardened' })
    expect(soft.hint).toContain("m/44'/501'/7'/0'")
    const none = fails(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'evm', '--derivation-path', 'none', '--password-file', pw]), 'INPUT_INVALID', 2)
    expect(none.details).toMatchObject({ field: 'derivationPath', reason: 'none-on-evm' })
    // Flags that belong to a mnemonic, or that contradict each other, are usage errors.
    fails(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'evm', '--index', '1', '--derivation-path', "m/44'/60'/0'/0/1", '--password-file', pw]), 'USAGE', 2)
    const pk = home.file('pk.txt', '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d\n')
    fails(await cli.run(['wallet', 'import', '--private-key-file', pk, '--passphrase-file', passphrase, '--password-file', pw]), 'USAGE', 2)
  })

  it("Phantom's base58 secret key imports with --private-key-file (the chain told by its shape); a bare 32-byte value is refused", async () => {
    const kp = Keypair.generate()
    const secret = base58.encode(kp.secretKey)
    const file = home.file('phantom.txt', `${secret}\n`)
    const w = ok(await cli.run(['wallet', 'import', '--private-key-file', file, '--name', 'from-phantom', '--password-file', pw]))
    expect(w).toMatchObject({ chain: 'solana', address: kp.publicKey.toBase58(), source: 'private-key', derivationPath: null })
    // The same key as solana-keygen's JSON is the same wallet.
    const json = home.file('phantom.json', JSON.stringify(Array.from(kp.secretKey)))
    expect(fails(await cli.run(['wallet', 'import', '--keypair-file', json, '--password-file', pw]), 'WALLET_DUPLICATE', 8).details.walletId).toBe(w.id)

    const other = Keypair.generate()
    const short = home.file('seed32.txt', base58.encode(other.secretKey.subarray(0, 32)))
    const before = ok(await cli.run(['wallet', 'list']))
    const e = fails(await cli.run(['wallet', 'import', '--private-key-file', short, '--chain', 'solana', '--password-file', pw]), 'INPUT_INVALID_KEY_FILE', 2)
    expect(e.details).toEqual({ format: 'solana-base58', length: 32 })
    expect(ok(await cli.run(['wallet', 'list']))).toEqual(before)
    for (const out of cli.transcript) expect(out).not.toContain(secret.slice(0, 16))
  })

  it('a Solana keypair file imports and exports back byte for byte', async () => {
    const kp = solanaKeypair()
    const text = JSON.stringify(kp.bytes)
    const file = home.file('id.json', text)
    const w = ok(await cli.run(['wallet', 'import', '--keypair-file', file, '--name', 'sol-kp', '--password-file', pw]))
    expect(w).toMatchObject({ chain: 'solana', address: kp.address, source: 'keypair', name: 'sol-kp' })

    const out = path.join(home.root, 'id-exported.json')
    ok(await cli.run(['wallet', 'export', 'sol-kp', '--out', out, '--password-file', pw, '--yes']))
    expect(modeOf(out)).toBe(0o600)
    expect(fs.readFileSync(out).equals(Buffer.from(text))).toBe(true)
  })

  it('importing the same key twice is WALLET_DUPLICATE naming the first wallet, and stores nothing', async () => {
    const kp = solanaKeypair()
    const file = home.file('dup.json', JSON.stringify(kp.bytes))
    const first = ok(await cli.run(['wallet', 'import', '--keypair-file', file, '--password-file', pw]))
    const before = ok(await cli.run(['wallet', 'list']))

    const e = fails(await cli.run(['wallet', 'import', '--keypair-file', file, '--name', 'another-name', '--password-file', pw]), 'WALLET_DUPLICATE', 8)
    expect(e.details.walletId).toBe(first.id)

    // the same EVM key by two routes: mnemonic index 0 was imported above, now its raw private key
    const anvil0 = (before.wallets as any[]).find((w) => w.address === ANVIL0)
    expect(anvil0).toBeDefined()
    const pk = home.file('anvil0.key', '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n')
    const e2 = fails(await cli.run(['wallet', 'import', '--private-key-file', pk, '--password-file', pw]), 'WALLET_DUPLICATE', 8)
    expect(e2.details.walletId).toBe(anvil0.id)

    expect(ok(await cli.run(['wallet', 'list']))).toEqual(before)
  })
})
