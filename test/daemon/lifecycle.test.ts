/**
 * Claiming and releasing the data directory: stale sockets and pid files are cleaned, live ones never stolen,
 * insecure directories refused, long paths handled, and a CLI meeting another version does the right thing.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import { WaiaasError } from '../../src/lib/errors.js'
import { connectDaemon, connectExisting } from '../../src/cli/launcher.js'
import { resolvePaths, socketIsFallback, MAX_SOCKET_PATH_BYTES } from '../../src/lib/paths.js'
import { tempHome } from '../helpers/cli.js'

const env = { autoProvision: false } as const
const homes: ReturnType<typeof tempHome>[] = []
const daemons: DaemonHandle[] = []

function home(): ReturnType<typeof tempHome> {
  const h = tempHome()
  homes.push(h)
  return h
}

async function start(dataDir: string, extra: Partial<Parameters<typeof startDaemon>[0]> = {}): Promise<DaemonHandle> {
  const d = await startDaemon({ home: dataDir, env, ...extra })
  daemons.push(d)
  return d
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof WaiaasError) return err.code
    throw err
  }
  throw new Error('expected a rejection')
}

afterEach(async () => {
  for (const d of daemons.splice(0)) await d.close()
  for (const h of homes.splice(0)) h.cleanup()
})

describe('daemon lifecycle', () => {
  it('removes a leftover socket and pid file of a dead process', async () => {
    const h = home()
    fs.mkdirSync(h.dataDir, { mode: 0o700 })
    const paths = resolvePaths(h.dataDir)
    // A socket file nobody listens on, as a killed daemon leaves it.
    const ghost = net.createServer()
    await new Promise<void>((resolve) => ghost.listen(paths.socket, resolve))
    const fd = (ghost as unknown as { _handle: { fd: number } })._handle.fd
    expect(fd).toBeGreaterThan(0)
    await new Promise<void>((resolve) => {
      // Close the handle without unlinking, as SIGKILL would: rename the file away and back around close.
      fs.renameSync(paths.socket, `${paths.socket}.keep`)
      ghost.close(() => resolve())
    })
    fs.renameSync(`${paths.socket}.keep`, paths.socket)
    expect(fs.statSync(paths.socket).isSocket()).toBe(true)
    fs.writeFileSync(paths.pidFile, JSON.stringify({ pid: 2 ** 22 + 12345, version: '0.0.0', socket: paths.socket, startedAt: '' }), { mode: 0o600 })

    const d = await start(h.dataDir)
    expect(JSON.parse(fs.readFileSync(paths.pidFile, 'utf8')).pid).toBe(process.pid)
    const client = await connectExisting(paths)
    expect((await client.call('system.status', {})).pid).toBe(process.pid)
    client.close()
    await d.close()
    expect(fs.existsSync(paths.socket)).toBe(false)
    expect(fs.existsSync(paths.pidFile)).toBe(false)
  })

  it('never steals the socket of a live daemon', async () => {
    const h = home()
    const first = await start(h.dataDir)
    expect(await codeOf(startDaemon({ home: h.dataDir, env }))).toBe('DAEMON_ALREADY_RUNNING')
    // The failed second start must not have removed anything of the first.
    expect(fs.existsSync(first.paths.socket)).toBe(true)
    expect(JSON.parse(fs.readFileSync(first.paths.pidFile, 'utf8')).pid).toBe(process.pid)
    const client = await connectExisting(first.paths)
    expect((await client.call('system.status', {})).walletCount).toBe(0)
    client.close()
  })

  it('treats a garbage pid file as stale', async () => {
    const h = home()
    fs.mkdirSync(h.dataDir, { mode: 0o700 })
    fs.writeFileSync(path.join(h.dataDir, 'daemon.pid'), 'not json at all', { mode: 0o600 })
    const d = await start(h.dataDir)
    expect(JSON.parse(fs.readFileSync(d.paths.pidFile, 'utf8')).pid).toBe(process.pid)
  })

  it('refuses a data directory that others can read, and says how to fix it', async () => {
    const h = home()
    fs.mkdirSync(h.dataDir, { mode: 0o700 })
    fs.chmodSync(h.dataDir, 0o755)
    const err = await startDaemon({ home: h.dataDir, env }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(WaiaasError)
    expect((err as WaiaasError).code).toBe('DATA_DIR_INSECURE')
    expect((err as WaiaasError).hint).toContain('chmod 700')
    expect(fs.readdirSync(h.dataDir)).toEqual([])
    fs.chmodSync(h.dataDir, 0o770)
    expect(await codeOf(startDaemon({ home: h.dataDir, env }))).toBe('DATA_DIR_INSECURE')
  })

  it('moves the socket out of a data directory whose path is too long', async () => {
    const h = home()
    const deep = path.join(h.root, 'a'.repeat(60), 'b'.repeat(60))
    const paths = resolvePaths(deep)
    expect(Buffer.byteLength(path.join(deep, 'waiaas.sock'))).toBeGreaterThan(MAX_SOCKET_PATH_BYTES)
    expect(socketIsFallback(paths)).toBe(true)
    expect(Buffer.byteLength(paths.socket)).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES)
    const d = await start(deep)
    expect(d.paths.socket).toBe(paths.socket)
    expect(fs.statSync(path.dirname(paths.socket)).mode & 0o777).toBe(0o700)
    const client = await connectExisting(paths)
    expect((await client.call('system.status', {})).dataDir).toBe(deep)
    client.close()
    // Another data directory gets another fallback socket.
    expect(resolvePaths(`${deep}x`).socket).not.toBe(paths.socket)
  })

  it('rejects an explicit socket path that is too long', () => {
    expect(() => resolvePaths('/tmp/x', { socketPath: `/tmp/${'s'.repeat(120)}.sock` })).toThrow(/WAIAAS_SOCKET_PATH/)
  })

  it('does not restart a supervised daemon of another version', async () => {
    const h = home()
    await start(h.dataDir, { version: '0.0.1-old', managed: false })
    const paths = resolvePaths(h.dataDir)
    const err = await connectDaemon(paths).then(
      () => undefined,
      (e: unknown) => e as WaiaasError,
    )
    expect(err?.code).toBe('DAEMON_VERSION_MISMATCH')
    expect(err?.details).toMatchObject({ daemonVersion: '0.0.1-old', managed: false })
    // Still running and untouched.
    expect(fs.existsSync(paths.socket)).toBe(true)
  })

  it('stops a CLI-started daemon of another version and starts the matching one', async () => {
    const h = home()
    const old = await start(h.dataDir, { version: '0.0.1-old', managed: true })
    const paths = resolvePaths(h.dataDir)
    const client = await connectDaemon(paths)
    try {
      await old.closed // the old one was asked to shut down
      const s = await client.call('system.status', {})
      expect(s.version).not.toBe('0.0.1-old')
      expect(s.pid).not.toBe(process.pid)
      expect(s.managed).toBe(true)
      await client.call('system.shutdown', {})
    } finally {
      client.close()
    }
  })
})
