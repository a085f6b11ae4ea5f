/**
 * The CLI's side of the socket: one connection, typed calls derived from the contract, errors rebuilt as
 * WaiaasError. Imports the contract as types only, so a command that talks to the daemon never loads zod.
 */
import net from 'node:net'
import type { Input, MethodName, Output } from '../lib/contract/index.js'
import { WaiaasError, type ErrorPayload } from '../lib/errors.js'
import { encodeFrame, FrameReader, type WireAuth } from '../lib/wire.js'

/** Responses may be larger than requests (listings), but never unbounded. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024

interface Pending {
  resolve(v: unknown): void
  reject(e: WaiaasError): void
}

export class DaemonClient {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private closedError: WaiaasError | undefined

  private constructor(
    private readonly socket: net.Socket,
    readonly socketPath: string,
  ) {
    const reader = new FrameReader(MAX_RESPONSE_BYTES, (line) => this.onFrame(line), () => this.fail(protocolError('response frame too large')))
    socket.on('data', (chunk: Buffer) => reader.push(chunk))
    socket.on('error', (err) => this.fail(unreachable(socketPath, err)))
    socket.on('close', () => this.fail(new WaiaasError('DAEMON_UNREACHABLE', 'The daemon closed the connection', { details: { socket: socketPath } })))
  }

  /** Opens a connection. Rejects with the raw errno error so the launcher can tell "absent" from "broken". */
  static open(socketPath: string, timeoutMs = 2000): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' }))
      }, timeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.removeAllListeners('error')
        resolve(new DaemonClient(socket, socketPath))
      })
      socket.once('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
    })
  }

  /** Calls one contract method. */
  call<M extends MethodName>(method: M, params: Input<M>, auth?: WireAuth): Promise<Output<M>> {
    if (this.closedError) return Promise.reject(this.closedError)
    const id = this.nextId++
    const req: Record<string, unknown> = { jsonrpc: '2.0', id, method, params }
    if (auth !== undefined) req.auth = auth
    return new Promise<Output<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.socket.write(encodeFrame(req))
    })
  }

  close(): void {
    this.closedError ??= new WaiaasError('DAEMON_UNREACHABLE', 'Connection closed', { details: { socket: this.socketPath } })
    this.socket.end()
    this.socket.destroy()
  }

  private onFrame(line: string): void {
    let msg: { id?: unknown; result?: unknown; error?: { data?: Partial<ErrorPayload>; message?: string } }
    try {
      msg = JSON.parse(line) as typeof msg
    } catch {
      return this.fail(protocolError('response is not JSON'))
    }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined
    if (p === undefined) {
      // An error without an id (parse error, frame too large) concerns the connection: fail everything waiting.
      if (msg.error !== undefined) this.fail(WaiaasError.fromPayload(msg.error.data ?? { message: msg.error.message ?? 'Daemon error' }))
      return
    }
    this.pending.delete(msg.id as number)
    if (msg.error !== undefined) p.reject(WaiaasError.fromPayload(msg.error.data ?? { message: msg.error.message ?? 'Daemon error' }))
    else p.resolve(msg.result)
  }

  private fail(err: WaiaasError): void {
    this.closedError ??= err
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }
}

function protocolError(why: string): WaiaasError {
  return new WaiaasError('DAEMON_PROTOCOL_ERROR', `Unexpected answer from the daemon: ${why}`)
}

/** The error for a daemon that cannot be reached, keeping the socket error as the cause. */
export function unreachable(socketPath: string, cause: unknown): WaiaasError {
  return new WaiaasError('DAEMON_UNREACHABLE', `Cannot reach the daemon at ${socketPath}`, {
    details: { socket: socketPath, errno: (cause as NodeJS.ErrnoException)?.code ?? null },
    cause,
  })
}
