/**
 * The socket's wire format: newline-delimited JSON-RPC 2.0, one object per line, at most MAX_FRAME_BYTES a line.
 * Shared by the daemon's server and the CLI's client so both ends frame and limit the same way.
 */
import type { ErrorPayload } from './errors.js'

/** Bumped when the wire protocol changes incompatibly. */
export const PROTOCOL_VERSION = 1

/** Maximum size of one newline-delimited frame on the socket. */
export const MAX_FRAME_BYTES = 1024 * 1024

/** Credentials presented with a request. Never logged. */
export interface WireAuth {
  password?: string
  token?: string
}

export interface WireRequest {
  jsonrpc: '2.0'
  id: number | string
  method: string
  params?: unknown
  auth?: WireAuth
}

export interface WireError {
  code: number
  message: string
  data: ErrorPayload
}

export type WireResponse =
  | { jsonrpc: '2.0'; id: number | string | null; result: unknown }
  | { jsonrpc: '2.0'; id: number | string | null; error: WireError }

const bigintAsString = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v)

/**
 * Serialises one frame; bigints travel as decimal strings. Plain JSON.stringify first: a replacer runs for every
 * value and costs several times more, and JSON.stringify throws (TypeError) on the rare message holding a bigint.
 */
export function encodeFrame(msg: unknown): string {
  try {
    return `${JSON.stringify(msg)}\n`
  } catch (err) {
    if (!(err instanceof TypeError)) throw err
    return `${JSON.stringify(msg, bigintAsString)}\n`
  }
}

/**
 * Splits a byte stream into lines without ever buffering more than `maxBytes` of one line. When a line grows past
 * the limit, `onOverflow` is called once and the reader stops accepting data: a stream cannot be resynchronised
 * inside an oversized frame, so the connection must be closed.
 */
export class FrameReader {
  private parts: Buffer[] = []
  private size = 0
  private overflowed = false

  constructor(
    private readonly maxBytes: number,
    private readonly onFrame: (line: string) => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.overflowed) return
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(0x0a, start)
      if (nl === -1) break
      const piece = chunk.subarray(start, nl)
      if (this.size + piece.length > this.maxBytes) return this.overflow()
      let line: string
      if (this.parts.length === 0) {
        line = piece.toString('utf8') // the common case: the whole line arrived in one chunk
      } else {
        this.parts.push(piece)
        line = Buffer.concat(this.parts).toString('utf8')
        this.parts = []
        this.size = 0
      }
      start = nl + 1
      if (line.trim() !== '') this.onFrame(line)
      if (this.overflowed) return
    }
    const rest = chunk.subarray(start)
    if (rest.length === 0) return
    if (this.size + rest.length > this.maxBytes) return this.overflow()
    this.parts.push(rest)
    this.size += rest.length
  }

  private overflow(): void {
    this.overflowed = true
    this.parts = []
    this.size = 0
    this.onOverflow()
  }
}
