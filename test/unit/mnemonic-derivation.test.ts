/**
 * Mnemonic imports against published vectors: the BIP-39 reference vectors (passphrase "TREZOR") checked on every
 * path a user may ask for, each expected address computed from the vector's published seed or root xprv by other
 * libraries (@scure/bip32 for EVM, ed25519-hd-key for Solana's SLIP-0010, web3.js for solana-keygen's no-path key),
 * never by the code under test; the addresses published for "abandon … about"; and the path grammar.
 */
import { HDKey } from '@scure/bip32'
import { Keypair } from '@solana/web3.js'
import { derivePath } from 'ed25519-hd-key'
import { computeAddress, hexlify } from 'ethers'
import { describe, expect, it } from 'vitest'
import vectors from '../fixtures/bip39-trezor-vectors.json' with { type: 'json' }
import { parseDerivationPath } from '../../src/daemon/keystore/derivation-path.js'
import { keyFromMnemonic } from '../../src/daemon/keystore/keys.js'
import { catchErr } from '../helpers/errors.js'

const ABOUT = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
// Published for "abandon … about" without a passphrase by many wallets and test suites (see the report):
/** MetaMask / ethers, m/44'/60'/0'/0/0 */
const ABOUT_EVM0 = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94'
/** Phantom, m/44'/501'/0'/0' */
const ABOUT_PHANTOM0 = 'HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk'
/** solana-keygen without a path (`solana-keygen recover prompt://`): the seed's first 32 bytes */
const ABOUT_KEYGEN = 'EHqmfkN89RJ7Y33CXM6uCzhVeuywHoJXZZLszBHHZy7o'

const evmFromXprv = (xprv: string, path: string): string => computeAddress(hexlify(HDKey.fromExtendedKey(xprv).derive(path).publicKey!))
const solanaSlip10 = (seedHex: string, path: string): string => Keypair.fromSeed(derivePath(path, seedHex).key).publicKey.toBase58()
const solanaKeygen = (seedHex: string): string => Keypair.fromSeed(Buffer.from(seedHex, 'hex').subarray(0, 32)).publicKey.toBase58()

describe('BIP-39 reference vectors with the passphrase "TREZOR"', () => {
  const passphrase = vectors.passphrase
  const cases = vectors.english.map(([, mnemonic, seed, xprv]) => ({ mnemonic: mnemonic!, seed: seed!, xprv: xprv! }))

  it('the fixture is the published one: each seed gives its published root xprv', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6)
    for (const c of cases) expect(HDKey.fromMasterSeed(Buffer.from(c.seed, 'hex')).privateExtendedKey).toBe(c.xprv)
  })

  it('EVM: the standard path, an index and a custom path give the addresses derived from the published root', () => {
    for (const c of cases) {
      const at = (index: number, derivationPath?: string) => keyFromMnemonic('evm', c.mnemonic, index, { passphrase, derivationPath })
      expect(at(0).address, c.mnemonic).toBe(evmFromXprv(c.xprv, "m/44'/60'/0'/0/0"))
      const custom = at(0, "m/44'/60'/2'/1/7")
      expect(custom).toMatchObject({ address: evmFromXprv(c.xprv, "m/44'/60'/2'/1/7"), derivationPath: "m/44'/60'/2'/1/7" })
    }
    const [c] = cases
    expect(keyFromMnemonic('evm', c!.mnemonic, 3, { passphrase }).address).toBe(evmFromXprv(c!.xprv, "m/44'/60'/0'/0/3"))
    // Without the passphrase it is another wallet.
    expect(keyFromMnemonic('evm', c!.mnemonic, 0).address).not.toBe(evmFromXprv(c!.xprv, "m/44'/60'/0'/0/0"))
  })

  it("Solana: Phantom's path, solana-keygen's no-path key and a custom hardened path match the published seed", () => {
    for (const c of cases) {
      const at = (index: number, derivationPath?: string) => keyFromMnemonic('solana', c.mnemonic, index, { passphrase, derivationPath })
      expect(at(0), c.mnemonic).toMatchObject({ address: solanaSlip10(c.seed, "m/44'/501'/0'/0'"), derivationPath: "m/44'/501'/0'/0'" })
      expect(at(0, 'none'), c.mnemonic).toMatchObject({ address: solanaKeygen(c.seed), derivationPath: 'none' })
    }
    const [c] = cases
    const at = (index: number, derivationPath?: string) => keyFromMnemonic('solana', c!.mnemonic, index, { passphrase, derivationPath })
    expect(at(5).address).toBe(solanaSlip10(c!.seed, "m/44'/501'/5'/0'"))
    expect(at(0, "m/44'/501'/1'").address).toBe(solanaSlip10(c!.seed, "m/44'/501'/1'"))
    expect(keyFromMnemonic('solana', c!.mnemonic, 0, { derivationPath: 'none' }).address).not.toBe(solanaKeygen(c!.seed))
  })
})

describe('"abandon … about" without a passphrase: the published addresses', () => {
  it('EVM m/44\'/60\'/0\'/0/0, Phantom m/44\'/501\'/0\'/0\' and solana-keygen without a path', () => {
    expect(keyFromMnemonic('evm', ABOUT, 0).address).toBe(ABOUT_EVM0)
    expect(keyFromMnemonic('evm', ABOUT, 0, { derivationPath: "m/44h/60h/0h/0/0" }).address).toBe(ABOUT_EVM0)
    expect(keyFromMnemonic('solana', ABOUT, 0).address).toBe(ABOUT_PHANTOM0)
    expect(keyFromMnemonic('solana', ABOUT, 0, { derivationPath: "m/44'/501'/0'/0'" }).address).toBe(ABOUT_PHANTOM0)
    const keygen = keyFromMnemonic('solana', ABOUT, 0, { derivationPath: 'none' })
    expect(keygen.address).toBe(ABOUT_KEYGEN)
    expect(keygen.privateKey).toHaveLength(32)
  })

  it('normalises the passphrase (NFKD), as BIP-39 says', () => {
    const composed = keyFromMnemonic('evm', ABOUT, 0, { passphrase: 'caf\u00e9' }).address
    expect(keyFromMnemonic('evm', ABOUT, 0, { passphrase: 'cafe\u0301' }).address).toBe(composed)
    expect(composed).not.toBe(ABOUT_EVM0)
    // A lone surrogate (possible in JSON over the socket, not in a UTF-8 file) is not text: INPUT_INVALID, not a crash.
    expect(catchErr(() => keyFromMnemonic('solana', ABOUT, 0, { passphrase: 'a\ud800b' })).details).toEqual({ field: 'passphrase' })
  })
})

describe('derivation paths', () => {
  it("writes paths back in one spelling: ' for h and H", () => {
    expect(parseDerivationPath('evm', " m/44h/60H/0'/0/12 ")).toBe("m/44'/60'/0'/0/12")
    expect(parseDerivationPath('evm', 'm')).toBe('m')
    expect(parseDerivationPath('solana', "m/44h/501h/0h/0h")).toBe("m/44'/501'/0'/0'")
    expect(parseDerivationPath('solana', 'NONE')).toBe('none')
    expect(parseDerivationPath('evm', `m/${2 ** 31 - 1}'`)).toBe(`m/${2 ** 31 - 1}'`)
  })

  it('refuses malformed paths, indexes of 2^31 and more, soft Solana steps and `none` on EVM (INPUT_INVALID, field derivationPath)', () => {
    const reasons: Record<string, [chain: 'evm' | 'solana', path: string]> = {
      noRoot: ['evm', "44'/60'/0'/0/0"],
      trailing: ['evm', "m/44'/"],
      empty: ['evm', 'm//0'],
      negative: ['evm', 'm/-1'],
      doubleMark: ['evm', "m/1''"],
      letters: ['evm', 'm/abc'],
      blank: ['solana', '   '],
      bareRootSolana: ['solana', 'm'],
    }
    for (const [name, [chain, path]] of Object.entries(reasons)) {
      const err = catchErr(() => parseDerivationPath(chain, path))
      expect(err.code, name).toBe('INPUT_INVALID')
      expect(err.details, name).toMatchObject({ field: 'derivationPath', chain, reason: 'malformed' })
    }
    expect(catchErr(() => parseDerivationPath('evm', `m/${2 ** 31}`)).details).toMatchObject({ reason: 'index-range' })
    const soft = catchErr(() => parseDerivationPath('solana', "m/44'/501'/0'/0"))
    expect(soft.details).toMatchObject({ field: 'derivationPath', reason: 'not-hardened', path: "m/44'/501'/0'/0" })
    expect(soft.hint).toContain("m/44'/501'/0'/0'")
    expect(catchErr(() => parseDerivationPath('evm', 'none')).details).toMatchObject({ field: 'derivationPath', reason: 'none-on-evm' })
    // keyFromMnemonic checks the path before it touches the phrase.
    expect(catchErr(() => keyFromMnemonic('solana', ABOUT, 0, { derivationPath: "m/44'/501'/0'/0" })).code).toBe('INPUT_INVALID')
  })
})
