/**
 * Every file the CLI or the daemon writes goes through one writer that never follows a symbolic link: for each path a
 * user can name (--out of approval-message, session create, wallet export, backup create; mcp setup --config; the
 * service unit) and the files waiaas keeps itself (config.json, daemon.log, the MCP token folder, quickset's token
 * file), a link planted there is refused with INPUT_FILE_SYMLINK (exit 8), and the file it points to keeps its
 * content and mode. Before, `tx approval-message --out` wrote through the link, and opening daemon.log chmod-ed
 * and appended to whatever it pointed at.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, fails, modeOf, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'
import { localChain } from '../helpers/chains.js'

const VICTIM_TEXT = 'the file a link points at: never written by waiaas\n'
const OWNER = '0x1111111111111111111111111111111111111111'

describe('no write through a symbolic link', () => {
  const home = tempHome('wof-')
  const pw = home.file('pw.txt', MASTER_PASSWORD)
  const exportPw = home.file('export-pw.txt', 'an export password long enough')
  const env = { WAIAAS_MASTER_PASSWORD_FILE: pw, HOME: path.join(home.root, 'home') }
  const cli = runner(home.dataDir, env)
  const victims = path.join(home.root, 'victims')
  let n = 0
  let requestId = ''

  /** A file with known content and mode 0644, and a fresh symbolic link to it; both paths. */
  function plant(linkPath?: string): { victim: string; link: string } {
    n++
    const victim = path.join(victims, `victim-${n}.txt`)
    fs.writeFileSync(victim, VICTIM_TEXT, { mode: 0o644 })
    fs.chmodSync(victim, 0o644)
    const link = linkPath ?? path.join(home.root, `link-${n}`)
    fs.mkdirSync(path.dirname(link), { recursive: true })
    fs.symlinkSync(victim, link)
    return { victim, link }
  }

  function untouched(p: { victim: string; link: string }): void {
    expect(fs.readFileSync(p.victim, 'utf8')).toBe(VICTIM_TEXT)
    expect(modeOf(p.victim)).toBe(0o644)
    expect(fs.lstatSync(p.link).isSymbolicLink()).toBe(true) // not replaced either
  }

  const sessionCount = async (): Promise<number> => (ok(await cli.run(['session', 'list'])).sessions as unknown[]).length

  beforeAll(async () => {
    fs.mkdirSync(victims, { mode: 0o700 })
    fs.mkdirSync(env.HOME, { mode: 0o700 })
    ok(await cli.run(['init']))
    ok(await cli.run(['network', 'set', 'evm-local', '--rpc-url', localChain().evmRpcUrl]))
    const pay = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'pay']))
    const sink = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'sink']))
    await fetch(localChain().evmRpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_setBalance', params: [pay.address, '0xde0b6b3a7640000'] }),
    })
    ok(await cli.run(['policy', 'add', '--wallet', 'pay', '--type', 'SPENDING_LIMIT', '--rules', JSON.stringify({ instant_max: '0.001', delay_max: '0.002' })]))
    ok(await cli.run(['wallet', 'owner', 'pay', OWNER]))
    // Above every tier: the request waits for the owner's approval, so it has an approval message.
    const sent = ok(await cli.run(['send', '--wallet', 'pay', '--network', 'evm-local', '--to', sink.address, '--amount', '0.5']))
    expect(sent.state).toBe('awaiting_approval')
    requestId = sent.id
  }, 90_000)

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('tx approval-message --out: a plain new file works; a link is refused, with and without --yes', async () => {
    const good = path.join(home.root, 'approve.txt')
    const m = ok(await cli.run(['tx', 'approval-message', requestId, '--out', good]))
    expect(fs.readFileSync(good, 'utf8')).toBe(m.message)
    expect(modeOf(good)).toBe(0o600)

    const p = plant()
    const e = fails(await cli.run(['tx', 'approval-message', requestId, '--out', p.link]), 'INPUT_FILE_SYMLINK', 8)
    expect(e.details).toMatchObject({ path: p.link, target: p.victim })
    fails(await cli.run(['tx', 'approval-message', requestId, '--out', p.link, '--yes']), 'INPUT_FILE_SYMLINK', 8)
    untouched(p)
    // a dangling link is not followed to create its target either
    const dangling = path.join(home.root, 'dangling')
    const nowhere = path.join(victims, 'never-created.txt')
    fs.symlinkSync(nowhere, dangling)
    fails(await cli.run(['tx', 'approval-message', requestId, '--out', dangling, '--yes']), 'INPUT_FILE_SYMLINK', 8)
    expect(fs.existsSync(nowhere)).toBe(false)
  })

  it('session create --out: refused before a session exists', async () => {
    const before = await sessionCount()
    const p = plant()
    fails(await cli.run(['session', 'create', '--wallet', 'pay', '--out', p.link]), 'INPUT_FILE_SYMLINK', 8)
    untouched(p)
    expect(await sessionCount()).toBe(before)
  })

  it('wallet export --out --yes: refused before the key leaves the daemon', async () => {
    const exportsBefore = (ok(await cli.run(['audit', 'list'])).entries as { action: string }[]).filter((e) => e.action === 'wallet.export').length
    const p = plant()
    fails(await cli.run(['wallet', 'export', 'pay', '--out', p.link, '--export-password-file', exportPw, '--yes']), 'INPUT_FILE_SYMLINK', 8)
    untouched(p)
    const exportsAfter = (ok(await cli.run(['audit', 'list'])).entries as { action: string }[]).filter((e) => e.action === 'wallet.export').length
    expect(exportsAfter).toBe(exportsBefore)
  })

  it('backup create --out: refused', async () => {
    const p = plant()
    fails(await cli.run(['backup', 'create', '--out', p.link]), 'INPUT_FILE_SYMLINK', 8)
    untouched(p)
  })

  it('mcp setup --config: a linked client config is refused before a session or token exists, and the hint names the target', async () => {
    const before = await sessionCount()
    const p = plant(path.join(env.HOME, '.cursor', 'mcp.json'))
    fs.writeFileSync(p.victim, '{"mcpServers":{}}\n')
    const e = fails(await cli.run(['mcp', 'setup', '--client', 'cursor', '--wallet', 'pay']), 'INPUT_FILE_SYMLINK', 8)
    expect(e.hint).toContain(`--config ${fs.realpathSync(p.victim)}`)
    expect(fs.readFileSync(p.victim, 'utf8')).toBe('{"mcpServers":{}}\n')
    expect(modeOf(p.victim)).toBe(0o644)
    expect(fs.lstatSync(p.link).isSymbolicLink()).toBe(true)
    expect(await sessionCount()).toBe(before)
    expect(fs.existsSync(path.join(home.dataDir, 'mcp', 'cursor.token'))).toBe(false)
    // naming the target itself is a deliberate choice, and works
    ok(await cli.run(['mcp', 'setup', '--client', 'cursor', '--wallet', 'pay', '--config', p.victim]))
    expect(JSON.parse(fs.readFileSync(p.victim, 'utf8')).mcpServers.waiaas.args).toContain('mcp')
  })

  it("mcp setup: a link in place of the data directory's mcp/ folder is refused (the token would leave the private folder)", async () => {
    fs.rmSync(path.join(home.dataDir, 'mcp'), { recursive: true, force: true })
    const elsewhere = path.join(victims, 'elsewhere')
    fs.mkdirSync(elsewhere, { mode: 0o700 })
    fs.symlinkSync(elsewhere, path.join(home.dataDir, 'mcp'))
    const before = await sessionCount()
    fails(await cli.run(['mcp', 'setup', '--client', 'claude-code', '--wallet', 'pay', '--print']), 'INPUT_FILE_SYMLINK', 8)
    expect(fs.readdirSync(elsewhere)).toEqual([])
    expect(await sessionCount()).toBe(before)
    fs.rmSync(path.join(home.dataDir, 'mcp'))
  })

  it('daemon install --yes: a linked unit file is refused', async () => {
    const p = plant(path.join(env.HOME, '.config', 'systemd', 'user', 'waiaas.service'))
    fails(await cli.run(['daemon', 'install', '--systemd', '--password-file', pw, '--yes']), 'INPUT_FILE_SYMLINK', 8)
    untouched(p)
  })

  it('quickset: a linked token file is refused before any wallet is created', async () => {
    const before = ok(await cli.run(['wallet', 'list']))
    const p = plant(path.join(home.dataDir, 'quickset-agent.token'))
    fails(await cli.run(['quickset', '--testnet']), 'INPUT_FILE_SYMLINK', 8)
    untouched(p)
    expect(ok(await cli.run(['wallet', 'list']))).toEqual(before)
    fs.rmSync(p.link)
  })

  it('config set: a linked config.json is refused', async () => {
    const p = plant(path.join(home.dataDir, 'config.json'))
    fs.writeFileSync(p.victim, '{}\n')
    fails(await cli.run(['config', 'set', 'log.level', 'debug']), 'INPUT_FILE_SYMLINK', 8)
    expect(fs.readFileSync(p.victim, 'utf8')).toBe('{}\n')
    expect(modeOf(p.victim)).toBe(0o644)
    fs.rmSync(p.link)
  })

  it("a linked daemon.log stops the daemon's start; the file it points to is neither appended to nor chmod-ed", async () => {
    ok(await cli.run(['daemon', 'stop']))
    const log = path.join(home.dataDir, 'daemon.log')
    fs.rmSync(log, { force: true })
    const p = plant(log)
    fails(await cli.run(['wallet', 'list']), 'INPUT_FILE_SYMLINK', 8)
    untouched(p)
    fs.rmSync(log)
    ok(await cli.run(['wallet', 'list'])) // with the link gone it starts as usual
  })
})
