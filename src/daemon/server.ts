/**
 * The Unix-socket transport: newline-delimited JSON-RPC 2.0 with a frame limit. It frames, checks the envelope and
 * the handshake, and hands everything else to `dispatch`. A misbehaving client gets an error and, for an oversized
 * frame, a closed connection; other clients never notice.
 */
import net from 'node:net'
import { ERROR_CODES, toWaiaasError, WaiaasError } from '../lib/errors.js'
import { encodeFrame, FrameReader, type WireAuth, type WireResponse } from '../lib/wire.js'
import type { DaemonContext } from './context.js'
import { dispatch } from './dispatch.js'

type Id = number | string | null

function errorResponse(id: Id, err: WaiaasError): WireResponse {
  return { jsonrpc: '2.0', id, error: { code: ERROR_CODES[err.code].rpc, message: err.message, data: err.toPayload() } }
}

function isId(v: unknown): v is number | string {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 128)
}

function readAuth(v: unknown): WireAuth | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return undefined
  const a = v as Record<string, unknown>
  const out: WireAuth = {}
  if (typeof a.password === 'string') out.password = a.password
  if (typeof a.token === 'string') out.token = a.token
  return out
}

export interface SocketServer {
  server: net.Server
  /** Stops accepting, lets in-flight calls finish (bounded), then closes every connection. Idempotent. */
  close(): Promise<void>
}

/**
 * `ready`: settles once the daemon's start-up after the socket (the HTTP plugins) is done; calls wait for it, so a
 * client that connects as soon as the socket appears never sees a half-started daemon (an enabled REST plugin that is
 * not serving yet).
 */
export function createSocketServer(ctx: DaemonContext, opts: { maxFrameBytes: number; ready?: Promise<void> }): SocketServer {
  const log = ctx.log.child('socket')
  // Known without awaiting once settled: a call after start-up costs no extra microtask.
  let started = opts.ready === undefined
  void opts.ready?.then(() => (started = true))
  /** Each open connection, with what aborts its calls that wait (event.wait) when it closes or the server does. */
  const sockets = new Map<net.Socket, AbortController>()
  let inflight = 0
  let idle: (() => void) | undefined
  let closing: Promise<void> | undefined

  const server = net.createServer((socket) => {
    if (closing !== undefined) return void socket.destroy()
    const gone = new AbortController()
    sockets.set(socket, gone)
    let greeted = false
    // Frames of one connection are handled in order, so the handshake always completes before what follows it.
    let chain: Promise<void> = Promise.resolve()
    const send = (msg: WireResponse): void => {
      if (!socket.destroyed) socket.write(encodeFrame(msg))
    }
    const handle = async (line: string): Promise<void> => {
      let msg: unknown
      try {
        msg = JSON.parse(line)
      } catch {
        return send(errorResponse(null, new WaiaasError('RPC_PARSE_ERROR', 'Frame is not valid JSON')))
      }
      const req = msg as Record<string, unknown>
      const id: Id = msg !== null && typeof msg === 'object' && isId(req.id) ? req.id : null
      if (msg === null || typeof msg !== 'object' || Array.isArray(msg) || req.jsonrpc !== '2.0' || typeof req.method !== 'string' || id === null) {
        return send(errorResponse(id, new WaiaasError('RPC_INVALID_REQUEST', 'Not a JSON-RPC 2.0 request with an id and a method')))
      }
      if (!greeted && req.method !== 'system.hello') {
        return send(errorResponse(id, new WaiaasError('HANDSHAKE_REQUIRED', 'The first call on a connection must be system.hello')))
      }
      const t0 = performance.now()
      inflight++
      try {
        if (!started) await opts.ready
        const result = await dispatch(ctx, req.method, req.params, readAuth(req.auth), 'socket', undefined, false, gone.signal)
        if (req.method === 'system.hello') greeted = true
        send({ jsonrpc: '2.0', id, result })
        log.debug('call', { method: req.method, ms: +(performance.now() - t0).toFixed(2) })
      } catch (err) {
        const e = toWaiaasError(err)
        send(errorResponse(id, e))
        log.info('call failed', { method: req.method.slice(0, 64), code: e.code, ms: +(performance.now() - t0).toFixed(2) })
      } finally {
        inflight--
        if (inflight === 0) idle?.()
      }
    }
    const reader = new FrameReader(
      opts.maxFrameBytes,
      (line) => {
        chain = chain.then(() => handle(line))
      },
      () => {
        log.warn('frame too large; closing connection', { max: opts.maxFrameBytes })
        send(errorResponse(null, new WaiaasError('RPC_FRAME_TOO_LARGE', `Frame exceeds ${opts.maxFrameBytes} bytes`, { details: { maxBytes: opts.maxFrameBytes } })))
        socket.end()
        setTimeout(() => socket.destroy(), 1000).unref()
      },
    )
    socket.on('data', (chunk: Buffer) => reader.push(chunk))
    socket.on('error', (err) => log.debug('connection error', { error: err.message }))
    socket.on('close', () => {
      gone.abort()
      sockets.delete(socket)
    })
  })

  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      // Calls that wait for events answer now rather than holding up the drain.
      for (const gone of sockets.values()) gone.abort()
      if (inflight > 0) {
        await Promise.race([new Promise<void>((resolve) => (idle = resolve)), new Promise((resolve) => setTimeout(resolve, 10_000).unref())])
      }
      for (const s of sockets.keys()) {
        s.end()
        setTimeout(() => s.destroy(), 500).unref()
      }
      await stopped
    })()
    return closing
  }

  return { server, close }
}
