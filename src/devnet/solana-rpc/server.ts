/**
 * A local Solana JSON-RPC node backed by litesvm: HTTP JSON-RPC 2.0 (single and batch) on PORT, and Solana PubSub
 * over WebSocket on PORT+1 — the port @solana/web3.js derives from the HTTP URL, so `new Connection(url)` works
 * without a `wsEndpoint` — and also on PORT itself (an upgrade on the HTTP server). Loopback only by default.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LiteSVM } from 'litesvm'
import { LocalChain } from './chain.js'
import { callMethod } from './methods.js'
import { PubSub } from './pubsub.js'
import { ChainStore } from './snapshot.js'
import { INVALID_REQUEST, PARSE_ERROR, RpcError } from './rpc-error.js'

export interface SolanaRpcHandle {
  url: string
  wsUrl: string
  port: number
  svm: LiteSVM
  /** The slot counter, blockhash queue and ledger around `svm`. */
  chain: LocalChain
  /** Produces `slots` empty blocks (moves blockhash expiry forward). */
  warp(slots: number): void
  /**
   * With a state file: `restored` (the chain goes on from it and its journal), `new` (there was none), or `reset`
   * (there was one but it could not be read; moved aside as `*.unreadable`, this is a new chain). Without one: `new`.
   */
  state: 'new' | 'restored' | 'reset'
  stop(): Promise<void>
}

export interface SolanaRpcOptions {
  /** HTTP port; the WebSocket also listens on port+1. 0 or absent: a free pair chosen by the kernel. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /**
   * Keep the chain in this file and its journal (`<file>.journal`): restored at start, every landed transaction
   * journaled before the RPC answers, the file rewritten at start, at stop and every 1000 journal lines. Without it
   * the chain lives in memory only.
   */
  stateFile?: string
  /** Told when the state file could not be written (the chain goes on in memory). */
  onPersistError?: (err: unknown) => void
}

/** Largest request body accepted (a transaction is at most 1232 bytes; batches stay far below this). */
export const MAX_BODY_BYTES = 1024 * 1024

interface JsonRpcRequest {
  jsonrpc?: unknown
  id?: unknown
  method?: unknown
  params?: unknown
}

function answer(chain: LocalChain, req: unknown): object {
  const r = (req ?? {}) as JsonRpcRequest
  const id = typeof r === 'object' && r.id !== undefined ? r.id : null
  try {
    if (typeof req !== 'object' || req === null || Array.isArray(req) || typeof r.method !== 'string') throw new RpcError(INVALID_REQUEST, 'Invalid request')
    return { jsonrpc: '2.0', result: callMethod(chain, r.method, r.params), id }
  } catch (err) {
    const e = err instanceof RpcError ? err : new RpcError(-32603, 'Internal error')
    return { jsonrpc: '2.0', error: e.toJSON(), id }
  }
}

function handleBody(chain: LocalChain, body: string): object {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return { jsonrpc: '2.0', error: { code: PARSE_ERROR, message: 'Parse error' }, id: null }
  }
  if (!Array.isArray(parsed)) return answer(chain, parsed)
  if (parsed.length === 0) return { jsonrpc: '2.0', error: { code: INVALID_REQUEST, message: 'Invalid request' }, id: null }
  return parsed.map((req) => answer(chain, req))
}

function httpHandler(chain: LocalChain): http.RequestListener {
  return (req, res) => {
    const reply = (status: number, body: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method !== 'POST') {
      reply(405, { jsonrpc: '2.0', error: { code: INVALID_REQUEST, message: 'Use POST with a JSON-RPC 2.0 body' }, id: null })
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reply(413, { jsonrpc: '2.0', error: { code: INVALID_REQUEST, message: `Request body larger than ${MAX_BODY_BYTES} bytes` }, id: null })
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES) reply(200, handleBody(chain, Buffer.concat(chunks).toString('utf8')))
    })
  }
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

const close = (server: http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/** Starts the node; resolves once both ports listen. */
export async function startSolanaRpc(opts: SolanaRpcOptions = {}): Promise<SolanaRpcHandle> {
  const host = opts.host ?? '127.0.0.1'
  const { chain, state, store } = openChain(opts.stateFile)
  const pubsub = new PubSub(chain)
  const rpc = http.createServer(httpHandler(chain))
  const ws = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' })
    res.end('WebSocket only; JSON-RPC over HTTP is on the port below this one\n')
  })
  for (const server of [rpc, ws]) {
    server.on('upgrade', (req, socket, head) => pubsub.wss.handleUpgrade(req, socket, head, (client) => pubsub.wss.emit('connection', client, req)))
  }
  let port = 0
  for (let attempt = 0; ; attempt++) {
    port = await listen(rpc, opts.port ?? 0, host)
    try {
      await listen(ws, port + 1, host)
      break
    } catch (err) {
      await close(rpc)
      // A kernel-chosen port whose neighbour is taken: try another pair. An explicit port is the caller's choice.
      if (opts.port !== undefined && opts.port !== 0) throw err
      if (attempt >= 20) throw err
    }
  }
  store?.open(chain, state, opts.onPersistError ?? (() => undefined))
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port + 1}`,
    port,
    svm: chain.svm,
    chain,
    warp: (slots) => chain.advance(slots),
    state,
    async stop() {
      pubsub.close()
      await Promise.all([close(rpc), close(ws)])
      store?.close(chain)
    },
  }
}

/** A new chain, or the one kept in `stateFile` (nothing is written until the node is up: see ChainStore.open). */
function openChain(stateFile: string | undefined): { chain: LocalChain; state: SolanaRpcHandle['state']; store: ChainStore | undefined } {
  const chain = new LocalChain()
  if (stateFile === undefined) return { chain, state: 'new', store: undefined }
  const store = new ChainStore(stateFile)
  const loaded = store.load(chain)
  // a chain that could not be read whole may hold half of it: start over
  return { chain: loaded === 'reset' ? new LocalChain() : chain, state: loaded, store }
}
