/**
 * The socket protocol against a real in-process daemon: handshake, framing limits, malformed input and auth,
 * and that one misbehaving client never disturbs another.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import { createSocketServer } from '../../src/daemon/server.js'
import { ERROR_CODES } from '../../src/lib/errors.js'
import { PROTOCOL_VERSION } from '../../src/lib/wire.js'
import { VERSION } from '../../src/lib/version.js'
import { tempHome } from '../helpers/cli.js'
import { productionKdf } from '../helpers/kdf.js'
import { RawSocket } from '../helpers/raw-socket.js'

const MAX = 64 * 1024
const PASSWORD = 'correct horse battery staple'
let home: ReturnType<typeof tempHome>
let daemon: DaemonHandle

async function greeted(): Promise<RawSocket> {
  const s = await RawSocket.connect(daemon.paths.socket)
  const r = await s.call(0, 'system.hello', { protocol: PROTOCOL_VERSION, version: VERSION })
  expect(r.result.version).toBe(VERSION)
  return s
}

// vault.init reports the production KDF cost here.
productionKdf()

beforeAll(async () => {
  home = tempHome()
  daemon = await startDaemon({ home: home.dataDir, env: { autoProvision: false }, maxFrameBytes: MAX })
})

afterAll(async () => {
  await daemon?.close()
  home?.cleanup()
})

describe('socket protocol', () => {
  it('creates a 0700 data dir and a 0600 socket and pid file', () => {
    expect(fs.statSync(home.dataDir).mode & 0o777).toBe(0o700)
    expect(fs.statSync(daemon.paths.socket).mode & 0o777).toBe(0o600)
    expect(fs.statSync(daemon.paths.pidFile).mode & 0o777).toBe(0o600)
    expect(fs.statSync(daemon.paths.db).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(daemon.paths.pidFile, 'utf8')).pid).toBe(process.pid)
  })

  it('requires the handshake first', async () => {
    const s = await RawSocket.connect(daemon.paths.socket)
    const r = await s.call(1, 'system.status')
    expect(r.error.data.code).toBe('HANDSHAKE_REQUIRED')
    expect(r.id).toBe(1)
    const h = await s.call(2, 'system.hello', { protocol: PROTOCOL_VERSION, version: VERSION })
    expect(h.result).toMatchObject({ protocol: PROTOCOL_VERSION, version: VERSION, pid: process.pid, managed: false })
    const st = await s.call(3, 'system.status')
    expect(st.result).toMatchObject({ initialized: false, locked: true, walletCount: 0 })
    s.close()
  })

  it('answers malformed JSON with a parse error and keeps the connection', async () => {
    const s = await greeted()
    s.send('{"jsonrpc": "2.0", "id": 1, "method": \n')
    const r = await s.next()
    expect(r.id).toBeNull()
    expect(r.error.code).toBe(-32700)
    expect(r.error.data.code).toBe('RPC_PARSE_ERROR')
    expect((await s.call(2, 'system.status')).result.pid).toBe(process.pid)
    s.close()
  })

  it('rejects requests that are not JSON-RPC 2.0', async () => {
    const s = await greeted()
    for (const bad of ['[1,2,3]', '"text"', '{"id":1,"method":"system.status"}', '{"jsonrpc":"2.0","method":"system.status"}', '{"jsonrpc":"2.0","id":1,"method":7}']) {
      s.send(`${bad}\n`)
      const r = await s.next()
      expect(r.error.code).toBe(ERROR_CODES.RPC_INVALID_REQUEST.rpc)
      expect(r.error.data.code).toBe('RPC_INVALID_REQUEST')
    }
    s.close()
  })

  it('rejects unknown methods, including prototype names', async () => {
    const s = await greeted()
    for (const [i, m] of ['wallet.steal', '__proto__', 'constructor', 'toString'].entries()) {
      const r = await s.call(10 + i, m)
      expect(r.error.code).toBe(-32601)
      expect(r.error.data.code).toBe('RPC_METHOD_NOT_FOUND')
    }
    s.close()
  })

  it('rejects invalid params with the path of each problem and without echoing values', async () => {
    const s = await greeted()
    const r = await s.call(1, 'wallet.list', { chain: 'bitcoin-secret-value' })
    expect(r.error.code).toBe(-32602)
    expect(r.error.data.code).toBe('INPUT_INVALID')
    expect(r.error.data.details.issues[0].path).toBe('chain')
    expect(JSON.stringify(r)).not.toContain('bitcoin-secret-value')
    const r2 = await s.call(2, 'audit.list', { limit: 0 })
    expect(r2.error.data.code).toBe('INPUT_INVALID')
    s.close()
  })

  it('refuses operator methods without the master password, before doing anything', async () => {
    const s = await greeted()
    const r = await s.call(1, 'wallet.create', { chain: 'evm' })
    expect(r.error.data.code).toBe('AUTH_REQUIRED')
    expect(r.error.code).toBe(ERROR_CODES.AUTH_REQUIRED.rpc)
    expect((await s.call(2, 'system.status')).result.walletCount).toBe(0)
    s.close()
  })

  it('closes a connection that sends an oversized frame while other clients keep being served', async () => {
    const other = await greeted()
    const s = await greeted()
    s.send('{"jsonrpc":"2.0","id":1,"method":"system.status","params":{"pad":"')
    s.send('x'.repeat(MAX + 10))
    const r = await s.next()
    expect(r.error.data.code).toBe('RPC_FRAME_TOO_LARGE')
    expect(r.error.data.details.maxBytes).toBe(MAX)
    await s.closed
    expect((await other.call(5, 'system.status')).result.pid).toBe(process.pid)
    const fresh = await greeted()
    expect((await fresh.call(1, 'system.status')).result.initialized).toBe(false)
    other.close()
    fresh.close()
  })

  it('accepts a frame just under the limit and frames split across writes', async () => {
    const s = await greeted()
    const line = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'wallet.list', params: {} })
    for (const ch of line) s.send(ch)
    s.send('\n')
    expect((await s.next()).result.wallets).toEqual([])
    const padded = JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'system.status', params: {}, pad: 'y'.repeat(MAX - 200) })
    expect(Buffer.byteLength(padded)).toBeLessThan(MAX)
    s.send(`${padded}\n`)
    expect((await s.next()).id).toBe(10)
    s.close()
  })

  it('answers pipelined requests in order on one connection', async () => {
    const s = await greeted()
    s.send(
      [1, 2, 3]
        .map((id) => JSON.stringify({ jsonrpc: '2.0', id, method: id === 2 ? 'nope' : 'system.status', params: {} }))
        .join('\n') + '\n',
    )
    const ids = [(await s.next()).id, (await s.next()).id, (await s.next()).id]
    expect(ids).toEqual([1, 2, 3])
    s.close()
  })

  it('initialises, refuses a second init, and checks the operator password', async () => {
    const s = await greeted()
    expect((await s.call(1, 'vault.init', { password: 'short' })).error.data.code).toBe('INPUT_WEAK_PASSWORD')
    const init = await s.call(2, 'vault.init', { password: PASSWORD })
    expect(init.result).toMatchObject({ initialized: true, autoProvisioned: false, kdf: { name: 'scrypt', r: 8, p: 1 } })
    expect(init.result.kdf.N).toBeGreaterThanOrEqual(2 ** 17)
    expect((await s.call(3, 'vault.init', { password: PASSWORD })).error.data.code).toBe('ALREADY_INITIALIZED')
    const bad = await s.call(4, 'wallet.create', { chain: 'evm' }, { password: 'not the password' })
    expect(bad.error.data.code).toBe('AUTH_BAD_PASSWORD')
    const good = await s.call(5, 'wallet.create', { chain: 'evm', name: 'first' }, { password: PASSWORD })
    expect(good.result).toMatchObject({ name: 'first', chain: 'evm', source: 'generated' })
    expect(good.result.address).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(JSON.stringify(good.result)).not.toMatch(/sealed|ciphertext|"ct"/)
    s.close()
  })

  it('holds every call, the handshake included, until start-up after the socket is done', async () => {
    // A `ready` that says when a call waits on it: the server subscribes once when created, then once per held call.
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    let waits = 0
    let held: () => void = () => {}
    const waiting = new Promise<void>((resolve) => (held = resolve))
    const ready = {
      then(onOk: () => unknown, onErr?: (e: unknown) => unknown) {
        if (++waits === 2) held()
        return gate.then(onOk, onErr)
      },
    } as unknown as Promise<void>
    const path = `${home.dataDir}/gated.sock`
    const server = createSocketServer(daemon.ctx, { maxFrameBytes: MAX, ready })
    await new Promise<void>((resolve) => server.server.listen(path, resolve))
    try {
      const s = await RawSocket.connect(path)
      let answered = false
      const reply = s.call(1, 'system.hello', { protocol: PROTOCOL_VERSION, version: VERSION }).then((r) => ((answered = true), r))
      // Whichever comes first: the call held at the gate, or (the bug) an answer from a daemon not yet started.
      await Promise.race([waiting, reply])
      expect(answered).toBe(false)
      release()
      expect((await reply).result.version).toBe(VERSION)
      // Once started, calls go straight through.
      expect((await s.call(2, 'system.status')).result).toMatchObject({ initialized: true })
      expect(waits).toBe(2)
      s.close()
    } finally {
      await server.close()
    }
  })
})
