/**
 * End to end through bin/run.js: init → create → list → show → export → import elsewhere → delete, with --json,
 * checking envelopes, exit codes, file modes and that no secret is ever printed.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Wallet as EthersWallet } from 'ethers'
import { afterAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, fails, modeOf, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'

const EXPORT_PASSWORD = 'export password 4 the keystore'

describe('wallet lifecycle', () => {
  const home = tempHome('wl-')
  const other = tempHome('wl2-')
  // The production KDF cost (N = 2^17) is asserted here, so this data dir runs without the suite's cheap one.
  const cli = runner(home.dataDir, { WAIAAS_TEST_KDF: '' })
  const cli2 = runner(other.dataDir)
  const pw = home.file('master.txt', `${MASTER_PASSWORD}\n`)
  const pw2 = other.file('master.txt', MASTER_PASSWORD)
  const exportPw = home.file('export-pw.txt', EXPORT_PASSWORD)
  const evmOut = path.join(home.root, 'evm-keystore.json')
  const solOut = path.join(home.root, 'sol-keypair.json')

  let evm: any
  let sol: any

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    await stopDaemonSurely(other.dataDir)
    home.cleanup()
    other.cleanup()
  })

  it('init creates a private data directory and reports the KDF', async () => {
    const d = ok(await cli.run(['init', '--password-file', pw]))
    expect(d.initialized).toBe(true)
    expect(d.autoProvisioned).toBe(false)
    expect(d.recoveryKeyFile).toBeNull()
    expect(d.kdf.name).toBe('scrypt')
    expect(d.kdf.N).toBeGreaterThanOrEqual(2 ** 17)
    expect(d.dataDir).toBe(home.dataDir)
    expect(modeOf(home.dataDir)).toBe(0o700)
    expect(fs.existsSync(path.join(home.dataDir, 'recovery.key'))).toBe(false)

    const s = ok(await cli.run(['status']))
    expect(s.initialized).toBe(true)
    expect(s.locked).toBe(false)
    expect(s.walletCount).toBe(0)

    fails(await cli.run(['init', '--password-file', pw]), 'ALREADY_INITIALIZED', 8)
  })

  it('creates an EVM and a Solana wallet', async () => {
    evm = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'treasury', '--password-file', pw]))
    expect(evm).toMatchObject({ name: 'treasury', chain: 'evm', source: 'generated', derivationPath: null })
    expect(evm.address).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(evm.id).toMatch(/^[0-9a-f-]{36}$/)

    sol = ok(await cli.run(['wallet', 'create', '--chain', 'solana', '--password-file', pw]))
    expect(sol).toMatchObject({ chain: 'solana', source: 'generated' })
    expect(sol.address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/)
    expect(sol.name.length).toBeGreaterThan(0)
    expect(sol.id).not.toBe(evm.id)
  })

  it('lists both wallets, and filters by chain', async () => {
    const all = ok(await cli.run(['wallet', 'list'])).wallets
    expect(all).toHaveLength(2)
    expect(all).toEqual(expect.arrayContaining([evm, sol]))

    const onlySol = ok(await cli.run(['wallet', 'list', '--chain', 'solana'])).wallets
    expect(onlySol).toEqual([sol])
    const onlyEvm = ok(await cli.run(['wallet', 'list', '--chain', 'evm'])).wallets
    expect(onlyEvm).toEqual([evm])
  })

  it('shows a wallet by id and by name; an unknown one is WALLET_NOT_FOUND', async () => {
    expect(ok(await cli.run(['wallet', 'show', evm.id]))).toEqual(evm)
    expect(ok(await cli.run(['wallet', 'show', 'treasury']))).toEqual(evm)
    expect(ok(await cli.run(['wallet', 'show', sol.name]))).toEqual(sol)
    expect(ok(await cli.run(['wallet', 'show', sol.id]))).toEqual(sol)
    fails(await cli.run(['wallet', 'show', 'no-such-wallet']), 'WALLET_NOT_FOUND', 7)
  })

  it('export without --yes asks for confirmation and writes nothing', async () => {
    fails(await cli.run(['wallet', 'export', 'treasury', '--out', evmOut, '--export-password-file', exportPw, '--password-file', pw]), 'CONFIRMATION_REQUIRED', 2)
    expect(fs.existsSync(evmOut)).toBe(false)
    fails(await cli.run(['wallet', 'export', sol.id, '--out', solOut, '--password-file', pw]), 'CONFIRMATION_REQUIRED', 2)
    expect(fs.existsSync(solOut)).toBe(false)
  })

  it('exports the EVM wallet as a keystore v3 and the Solana wallet as a keypair, to 0600 files', async () => {
    const e = ok(await cli.run(['wallet', 'export', 'treasury', '--out', evmOut, '--export-password-file', exportPw, '--password-file', pw, '--yes']))
    expect(e).toMatchObject({ format: 'keystore-v3', file: evmOut })
    expect(e.wallet).toEqual(evm)
    expect(modeOf(evmOut)).toBe(0o600)
    const ks = JSON.parse(fs.readFileSync(evmOut, 'utf8'))
    expect(ks.version).toBe(3)
    expect(ks.address.toLowerCase().replace(/^0x/, '')).toBe(evm.address.toLowerCase().slice(2))
    expect(ks.crypto?.kdf ?? ks.Crypto?.kdf).toBe('scrypt')

    const s = ok(await cli.run(['wallet', 'export', sol.name, '--out', solOut, '--password-file', pw, '--yes']))
    expect(s).toMatchObject({ format: 'solana-keypair', file: solOut })
    expect(s.wallet).toEqual(sol)
    expect(modeOf(solOut)).toBe(0o600)
    const bytes = JSON.parse(fs.readFileSync(solOut, 'utf8'))
    expect(Array.isArray(bytes)).toBe(true)
    expect(bytes).toHaveLength(64)
  })

  it('refuses to overwrite an existing export file without --yes', async () => {
    const before = fs.readFileSync(solOut, 'utf8')
    // --yes confirms both the export and the overwrite; without it the existing file must survive.
    fails(await cli.run(['wallet', 'export', sol.name, '--out', solOut, '--password-file', pw]), 'INPUT_FILE_EXISTS', 8)
    expect(fs.readFileSync(solOut, 'utf8')).toBe(before)
  })

  it('an EVM export password shorter than 12 characters is INPUT_WEAK_PASSWORD and writes nothing', async () => {
    const weak = home.file('weak-export.txt', 'short')
    const out = path.join(home.root, 'weak.json')
    fails(await cli.run(['wallet', 'export', 'treasury', '--out', out, '--export-password-file', weak, '--password-file', pw, '--yes']), 'INPUT_WEAK_PASSWORD', 2)
    expect(fs.existsSync(out)).toBe(false)
  })

  it('never prints the exported secrets on stdout or stderr, nor writes them to the daemon log', async () => {
    const keystoreText = fs.readFileSync(evmOut, 'utf8')
    const ks = JSON.parse(keystoreText)
    const keypairText = fs.readFileSync(solOut, 'utf8')
    const evmPriv = (await EthersWallet.fromEncryptedJson(keystoreText, EXPORT_PASSWORD)).privateKey.slice(2).toLowerCase()
    const solSeedHex = Buffer.from(JSON.parse(keypairText).slice(0, 32)).toString('hex')
    const secrets = [
      keypairText,
      keypairText.slice(1, 40), // the first numbers of the seed
      (ks.crypto ?? ks.Crypto).ciphertext,
      evmPriv,
      solSeedHex,
      MASTER_PASSWORD,
      EXPORT_PASSWORD,
    ]
    const log = fs.readFileSync(path.join(home.dataDir, 'daemon.log'), 'utf8')
    const outputs = cli.transcript.join('\n').toLowerCase()
    for (const s of secrets) {
      expect(outputs.includes(s.toLowerCase()), `a secret appeared in CLI output`).toBe(false)
      expect(log.toLowerCase().includes(s.toLowerCase()), `a secret appeared in the daemon log`).toBe(false)
    }
  })

  it('imports each export into a second data directory with the same address', async () => {
    ok(await cli2.run(['init', '--password-file', pw2]))
    const e = ok(await cli2.run(['wallet', 'import', '--keystore-file', evmOut, '--keystore-password-file', exportPw, '--name', 'treasury', '--password-file', pw2]))
    expect(e).toMatchObject({ chain: 'evm', address: evm.address, publicKey: evm.publicKey, source: 'keystore', name: 'treasury' })
    expect(e.id).not.toBe(evm.id)

    const s = ok(await cli2.run(['wallet', 'import', '--keypair-file', solOut, '--password-file', pw2]))
    expect(s).toMatchObject({ chain: 'solana', address: sol.address, publicKey: sol.publicKey, source: 'keypair' })

    const listed = ok(await cli2.run(['wallet', 'list'])).wallets.map((w: any) => w.address)
    expect(listed.sort()).toEqual([evm.address, sol.address].sort())
  })

  it('delete without --yes is CONFIRMATION_REQUIRED and deletes nothing', async () => {
    const before = ok(await cli.run(['wallet', 'list']))
    fails(await cli.run(['wallet', 'delete', 'treasury', '--password-file', pw]), 'CONFIRMATION_REQUIRED', 2)
    expect(ok(await cli.run(['wallet', 'list']))).toEqual(before)
    expect(ok(await cli.run(['wallet', 'show', evm.id]))).toEqual(evm)
  })

  it('delete --yes removes the wallet; it is gone from list and show', async () => {
    const d = ok(await cli.run(['wallet', 'delete', 'treasury', '--password-file', pw, '--yes']))
    expect(d.deleted).toEqual(evm)
    const after = ok(await cli.run(['wallet', 'list'])).wallets
    expect(after).toEqual([sol])
    fails(await cli.run(['wallet', 'show', evm.id]), 'WALLET_NOT_FOUND', 7)
    fails(await cli.run(['wallet', 'delete', evm.id, '--password-file', pw, '--yes']), 'WALLET_NOT_FOUND', 7)
  })

  it('status shows the wallet count', async () => {
    const s = ok(await cli.run(['status']))
    expect(s.walletCount).toBe(1)
    expect(s.dataDir).toBe(home.dataDir)
    expect(s.initialized).toBe(true)
    expect(typeof s.version).toBe('string')
  })

  it('every file in the data directory is private', async () => {
    for (const name of fs.readdirSync(home.dataDir)) {
      expect((modeOf(path.join(home.dataDir, name)) & 0o077), `${name} is private`).toBe(0)
    }
  })

  it('the audit chain verifies and records init, create, export and delete', async () => {
    const v = ok(await cli.run(['audit', 'verify']))
    expect(v.valid).toBe(true)
    expect(v.entries).toBeGreaterThanOrEqual(6)

    const entries = ok(await cli.run(['audit', 'list', '--limit', '1000'])).entries as any[]
    const actions = entries.map((e) => e.action)
    for (const a of ['vault.init', 'wallet.create', 'wallet.export', 'wallet.delete']) expect(actions).toContain(a)
    expect(entries.filter((e) => e.action === 'wallet.create' && e.outcome === 'ok')).toHaveLength(2)
    expect(entries.filter((e) => e.action === 'wallet.export' && e.outcome === 'ok').map((e) => e.target).sort()).toEqual([evm.id, sol.id].sort())
    expect(entries.find((e) => e.action === 'wallet.delete')?.target).toBe(evm.id)
    // newest first
    const seqs = entries.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a))

    const onlyExports = ok(await cli.run(['audit', 'list', '--action', 'wallet.export'])).entries as any[]
    expect(onlyExports).toHaveLength(2)
    expect(onlyExports.every((e) => e.action === 'wallet.export')).toBe(true)
    const limited = ok(await cli.run(['audit', 'list', '--limit', '1'])).entries as any[]
    expect(limited).toHaveLength(1)
    expect(limited[0].seq).toBe(seqs[0])
  })
})
