/**
 * Encrypted backups: made while sends and signing requests are in flight, restored into a fresh data directory where the same
 * password unlocks the same keys; every damaged, truncated, wrong-password, newer-schema file is refused before the
 * data directory is touched (checked byte for byte), and scheduled backups keep only their own newest files.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { JsonRpcProvider, Wallet as EthersWallet, verifyMessage } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBackup, writeBackup, type BackupMeta } from '../../src/daemon/backup/format.js'
import { restoreBackup, verifyBackupFile } from '../../src/daemon/backup/restore.js'
import { pruneScheduled, runScheduledBackup } from '../../src/daemon/backup/schedule.js'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import { SCHEMA_VERSION } from '../../src/daemon/store/db.js'
import type { DaemonClient } from '../../src/cli/client.js'
import type { Output } from '../../src/lib/contract/index.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { resolvePaths } from '../../src/lib/paths.js'
import { tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon()
const auth = { password: PASSWORD }
const work = tempHome('waiaas-bk-')
afterAll(() => work.cleanup())

const codeOf = async (p: Promise<unknown>): Promise<string> => (await catchAsync(p)).code

/** sha256 of every file under `dir` (relative path → hash), to prove a refused restore changed nothing. */
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    out[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex')
  }
  return out
}

let evmAddress = ''
let solAddress = ''
let token = ''
let pendingId = ''
let sendIds: string[] = []
let backupFile = ''
let made: Output<'backup.create'>

beforeAll(async () => {
  const c = t.client
  evmAddress = (await c.call('wallet.create', { chain: 'evm', name: 'bot' }, auth)).address
  solAddress = (await c.call('wallet.create', { chain: 'solana', name: 'sol' }, auth)).address
  await c.call('wallet.create', { chain: 'evm', name: 'guarded' }, auth)
  await c.call('policy.add', { global: true, type: 'SIGNING_RULES', rules: { allow_personal_sign: true } }, auth)
  await c.call('policy.add', { wallet: 'guarded', type: 'SIGNING_RULES', rules: { allow_personal_sign: true, tier: 'APPROVAL' } }, auth)
  token = (await c.call('session.create', { wallets: ['bot'], ttlSeconds: 3600 }, auth)).token
  const pending = await c.call('sign.message', { wallet: 'guarded', message: 'needs approval' }, auth)
  expect(pending.state).toBe('awaiting_approval')
  pendingId = pending.id

  // Sends on the local chain and twenty signing requests in flight while the snapshot is taken.
  await c.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
  const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [evmAddress, '0x56bc75e2d63100000'])
  provider.destroy()
  await c.call('policy.add', { wallet: 'bot', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, auth)
  const sends = Array.from({ length: 5 }, () => c.call('tx.send', { wallet: 'bot', network: 'evm-local', to: EthersWallet.createRandom().address, amount: '0.001' }, { token }))
  const inFlight = Array.from({ length: 20 }, (_, i) => c.call('sign.message', { wallet: 'bot', message: `m${i}` }, { token }))
  const out = path.join(work.root, 'main.wbak')
  made = await c.call('backup.create', { out }, auth)
  const signed = await Promise.all(inFlight)
  expect(signed.every((r) => r.state === 'signed')).toBe(true)
  sendIds = (await Promise.all(sends)).map((r) => r.id)
  for (const id of sendIds) expect((await c.call('tx.wait', { id, timeoutMs: 20_000 })).state).toBe('confirmed')
  backupFile = out
}, 60_000)

describe('backup create', () => {
  it('writes one 0600 file whose metadata matches the data', async () => {
    expect(made.walletCount).toBe(3)
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600)
    const { meta, files } = await readBackup(fs.readFileSync(backupFile), PASSWORD)
    expect(meta.schemaVersion).toBe(SCHEMA_VERSION)
    expect(meta.dataDirName).toBe(path.basename(t.daemon.paths.dataDir))
    expect([...files.keys()]).toEqual(['waiaas.db'])
    // No secret in the clear: the password does not appear, and the header is not the payload.
    expect(fs.readFileSync(backupFile).includes(Buffer.from(PASSWORD))).toBe(false)
    expect(fs.readFileSync(backupFile).includes(Buffer.from('SQLite format 3'))).toBe(false)
  })

  it('defaults to <data dir>/backups (0700) and refuses an existing --out', async () => {
    const r = await t.client.call('backup.create', {}, auth)
    expect(path.dirname(r.file)).toBe(t.daemon.paths.backups)
    expect(path.basename(r.file)).toMatch(/^waiaas-\d{8}T\d{6}Z(-\d+)?\.wbak$/)
    expect(fs.statSync(t.daemon.paths.backups).mode & 0o777).toBe(0o700)
    expect(await codeOf(t.client.call('backup.create', { out: backupFile }, auth))).toBe('INPUT_FILE_EXISTS')
    expect(await codeOf(t.client.call('backup.create', {}))).toBe('AUTH_REQUIRED')
  })

  it('refuses an --out that is a symbolic link (the daemon checks too, not only the CLI), leaving its target as it was', async () => {
    const target = path.join(path.dirname(backupFile), 'link-target.txt')
    fs.writeFileSync(target, 'untouched', { mode: 0o644 })
    const link = path.join(path.dirname(backupFile), 'backup-link.wbak')
    fs.symlinkSync(target, link)
    expect(await codeOf(t.client.call('backup.create', { out: link }, auth))).toBe('INPUT_FILE_SYMLINK')
    const dangling = path.join(path.dirname(backupFile), 'dangling.wbak')
    fs.symlinkSync(path.join(path.dirname(backupFile), 'nowhere.wbak'), dangling)
    expect(await codeOf(t.client.call('backup.create', { out: dangling }, auth))).toBe('INPUT_FILE_SYMLINK')
    expect(fs.existsSync(path.join(path.dirname(backupFile), 'nowhere.wbak'))).toBe(false)
    expect(fs.readFileSync(target, 'utf8')).toBe('untouched')
    expect(fs.statSync(target).mode & 0o777).toBe(0o644)
  })
})

describe('restore into a fresh data directory', () => {
  const fresh = tempHome('waiaas-bkr-')
  let daemon: DaemonHandle | undefined
  let client: DaemonClient | undefined
  afterAll(async () => {
    client?.close()
    await daemon?.close()
    fresh.cleanup()
  })

  it('restores, and the daemon on it has the same wallets, policies, sessions, pending request and audit chain', async () => {
    const paths = resolvePaths(fresh.dataDir)
    const r = await restoreBackup(paths, backupFile, PASSWORD)
    expect(r.previousDataDir).toBeNull()
    expect(r.schemaVersion).toBe(SCHEMA_VERSION)
    daemon = await startDaemon({ home: fresh.dataDir, env: { autoProvision: false } })
    client = await connectExisting(daemon.paths)
    await client.call('vault.unlock', { password: PASSWORD })

    const wallets = (await client.call('wallet.list', {})).wallets.map((w) => w.address).sort()
    expect(wallets).toEqual((await t.client.call('wallet.list', {})).wallets.map((w) => w.address).sort())
    expect(wallets).toContain(evmAddress)
    expect(wallets).toContain(solAddress)

    // The session token made before the backup still works, and the key signs as the same address.
    const s = await client.call('sign.message', { wallet: 'bot', message: 'after restore' }, { token })
    expect(s.state).toBe('signed')
    expect(verifyMessage('after restore', s.signature ?? '')).toBe(evmAddress)

    const policies = (await client.call('policy.list', {})).policies.map((p) => p.type).sort()
    expect(policies).toEqual(['SIGNING_RULES', 'SIGNING_RULES', 'SPENDING_LIMIT'])
    // A send the snapshot caught in any state goes on from there on the same chain and ends confirmed, never twice.
    for (const id of sendIds) {
      const caught = await client.call('tx.show', { id }).catch(() => undefined)
      if (caught !== undefined) expect((await client.call('tx.wait', { id, timeoutMs: 20_000 })).state).toBe('confirmed')
    }
    const chain = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    expect(await chain.getTransactionCount(evmAddress)).toBe(sendIds.length)
    chain.destroy()
    expect((await client.call('tx.show', { id: pendingId })).state).toBe('awaiting_approval')
    const approved = await client.call('tx.approve', { id: pendingId }, auth)
    expect(['approved', 'signed']).toContain(approved.state)

    const v = await client.call('audit.verify', {})
    expect(v.valid).toBe(true)
    expect(v.headSeq).toBeGreaterThanOrEqual(made.auditHead.seq)
    const restoredHead = (await client.call('audit.list', { limit: 1000 })).entries.find((e) => e.seq === made.auditHead.seq)
    expect(restoredHead?.hash).toBe(made.auditHead.hash)
  })

  it('refuses while the daemon runs on the data directory, touching nothing', async () => {
    const before = hashTree(fresh.dataDir)
    expect(await codeOf(restoreBackup(resolvePaths(fresh.dataDir), backupFile, PASSWORD))).toBe('BACKUP_DAEMON_RUNNING')
    // The running daemon writes nothing by itself while idle; the database files are what matter.
    const after = hashTree(fresh.dataDir)
    expect(after['waiaas.db']).toBe(before['waiaas.db'])
  })

  it('refuses damaged, truncated, wrong-password and newer-schema backups, leaving the data directory byte-identical', async () => {
    client?.close()
    client = undefined
    await daemon?.close()
    daemon = undefined
    const paths = resolvePaths(fresh.dataDir)
    const before = hashTree(fresh.dataDir)
    expect(Object.keys(before)).toContain('waiaas.db')

    const good = fs.readFileSync(backupFile)
    const variants: [string, Buffer, string][] = []
    for (const at of [0, 9, 20, 60, Math.floor(good.length / 2), good.length - 17, good.length - 1]) {
      const b = Buffer.from(good)
      b[at] = (b[at] ?? 0) ^ 0x01
      variants.push([`flip@${at}`, b, 'flip'])
    }
    variants.push(['truncated', good.subarray(0, good.length - 100), 'BACKUP_INVALID'])
    variants.push(['truncated-header', good.subarray(0, 30), 'BACKUP_INVALID'])
    variants.push(['empty', Buffer.alloc(0), 'BACKUP_INVALID'])

    const meta: BackupMeta = { ...(await readBackup(good, PASSWORD)).meta }
    const db = (await readBackup(good, PASSWORD)).files.get('waiaas.db') as Buffer
    const newer = await writeBackup(PASSWORD, { ...meta, schemaVersion: SCHEMA_VERSION + 1 }, new Map([['waiaas.db', db]]))
    variants.push(['newer-schema', newer, 'BACKUP_SCHEMA_TOO_NEW'])

    for (const [name, bytes, expected] of variants) {
      const f = path.join(work.root, `${name}.wbak`)
      fs.writeFileSync(f, bytes, { mode: 0o600 })
      const code = await codeOf(restoreBackup(paths, f, PASSWORD))
      // A flipped bit in the password check reads as a wrong password; anywhere else as a damaged file.
      if (expected === 'flip') expect(['BACKUP_INVALID', 'BACKUP_BAD_PASSWORD'], name).toContain(code)
      else expect(code, name).toBe(expected)
      expect(hashTree(fresh.dataDir), name).toEqual(before)
    }
    expect(await codeOf(restoreBackup(paths, backupFile, 'wrong password entirely'))).toBe('BACKUP_BAD_PASSWORD')
    expect(await codeOf(restoreBackup(paths, path.join(work.root, 'missing.wbak'), PASSWORD))).toBe('INPUT_FILE_UNREADABLE')
    expect(hashTree(fresh.dataDir)).toEqual(before)
  }, 120_000)

  it('restores over existing data, keeping the old files aside', async () => {
    const paths = resolvePaths(fresh.dataDir)
    const oldDb = fs.readFileSync(paths.db)
    const r = await restoreBackup(paths, backupFile, PASSWORD)
    expect(r.previousDataDir).not.toBeNull()
    expect(fs.readFileSync(path.join(r.previousDataDir ?? '', 'waiaas.db')).equals(oldDb)).toBe(true)
    expect((await verifyBackupFile(backupFile, PASSWORD)).meta.walletCount).toBe(3)
  })
})

describe('scheduled backups', () => {
  it('backs up under the configured password and keeps only the newest K of its own files', async () => {
    const dir = t.daemon.paths.backups
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    const manual = path.join(dir, 'waiaas-20000101T000000Z.wbak')
    fs.writeFileSync(manual, 'not ours to prune', { mode: 0o600 })
    const made: string[] = []
    for (let i = 0; i < 3; i++) {
      const r = await runScheduledBackup(t.daemon.ctx, { env: { autoProvision: false, masterPassword: PASSWORD }, keep: 2, now: new Date(Date.UTC(2030, 0, 1 + i)) })
      made.push(r?.file ?? '')
    }
    const auto = fs.readdirSync(dir).filter((n) => n.startsWith('waiaas-auto-')).sort()
    expect(auto).toEqual([path.basename(made[1] ?? ''), path.basename(made[2] ?? '')])
    expect(fs.existsSync(manual)).toBe(true)
    expect((await verifyBackupFile(made[2] ?? '', PASSWORD)).meta.walletCount).toBe(3)
    expect(pruneScheduled(dir, 0).length).toBe(2)
    expect(fs.existsSync(manual)).toBe(true)
  }, 60_000)

  it('skips without a password source, and with a wrong one', async () => {
    expect(await runScheduledBackup(t.daemon.ctx, { env: { autoProvision: false }, keep: 2 })).toBeNull()
    expect(await runScheduledBackup(t.daemon.ctx, { env: { autoProvision: false, masterPassword: 'not the password at all' }, keep: 2 })).toBeNull()
  })
})
