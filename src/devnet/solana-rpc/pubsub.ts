/**
 * Solana's PubSub over WebSocket: signatureSubscribe (one notification when the signature lands, then the
 * subscription ends, like a node), accountSubscribe, slotSubscribe, rootSubscribe and their unsubscribes.
 */
import { WebSocketServer, type WebSocket } from 'ws'
import type { LocalChain } from './chain.js'
import { configAt, encodeAccount, pubkeyParam, stringParam } from './encoding.js'
import type { TxRecord } from './history.js'
import { INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, RpcError } from './rpc-error.js'

type Sub =
  | { kind: 'signature'; ws: WebSocket; signature: string }
  | { kind: 'account'; ws: WebSocket; address: string; config: Record<string, unknown> }
  | { kind: 'slot' | 'root'; ws: WebSocket }

const MAX_MESSAGE_BYTES = 64 * 1024
/** Delay before notifying a subscription to a signature that had already landed (about one slot). */
const ALREADY_LANDED_DELAY_MS = 100

export class PubSub {
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  private readonly subs = new Map<number, Sub>()
  private nextId = 0
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly onSlot = (slot: number): void => this.slotChanged(slot)
  private readonly onLanded = (rec: TxRecord): void => this.landed(rec)

  constructor(private readonly chain: LocalChain) {
    chain.on('slot', this.onSlot)
    chain.on('landed', this.onLanded)
    this.wss.on('connection', (ws) => {
      ws.on('message', (data) => this.message(ws, data.toString()))
      ws.on('close', () => {
        for (const [id, s] of this.subs) if (s.ws === ws) this.subs.delete(id)
      })
    })
  }

  close(): void {
    this.chain.off('slot', this.onSlot)
    this.chain.off('landed', this.onLanded)
    for (const ws of this.wss.clients) ws.terminate()
    this.wss.close()
    this.subs.clear()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  private send(ws: WebSocket, msg: object): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg))
  }

  private notify(id: number, sub: Sub, method: string, result: unknown): void {
    this.send(sub.ws, { jsonrpc: '2.0', method, params: { result, subscription: id } })
  }

  private message(ws: WebSocket, text: string): void {
    let req: { id?: unknown; method?: unknown; params?: unknown }
    try {
      req = JSON.parse(text) as typeof req
    } catch {
      this.send(ws, { jsonrpc: '2.0', error: { code: PARSE_ERROR, message: 'Parse error' }, id: null })
      return
    }
    const id = req.id ?? null
    try {
      if (req === null || typeof req !== 'object' || typeof req.method !== 'string') throw new RpcError(INVALID_REQUEST, 'Invalid request')
      const params = Array.isArray(req.params) ? (req.params as unknown[]) : []
      const result = this.call(ws, req.method, params)
      this.send(ws, { jsonrpc: '2.0', result, id })
      if (req.method === 'signatureSubscribe' && typeof result === 'number') {
        // A node reports an already-landed signature with its next block, not in the subscribe reply; clients
        // (web3.js confirmTransaction) meanwhile ask getSignatureStatuses. Give them that head start.
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          this.signatureAlreadyLanded(result)
        }, ALREADY_LANDED_DELAY_MS)
        this.timers.add(timer)
      }
    } catch (err) {
      const e = err instanceof RpcError ? err : new RpcError(INVALID_PARAMS, (err as Error).message)
      this.send(ws, { jsonrpc: '2.0', error: e.toJSON(), id })
    }
  }

  private call(ws: WebSocket, method: string, params: unknown[]): unknown {
    const add = (sub: Sub): number => {
      const id = this.nextId++
      this.subs.set(id, sub)
      return id
    }
    switch (method) {
      case 'signatureSubscribe':
        return add({ kind: 'signature', ws, signature: stringParam(params[0], 'signature') })
      case 'accountSubscribe':
        return add({ kind: 'account', ws, address: pubkeyParam(params[0]), config: configAt(params, 1) })
      case 'slotSubscribe':
        return add({ kind: 'slot', ws })
      case 'rootSubscribe':
        return add({ kind: 'root', ws })
      case 'signatureUnsubscribe':
      case 'accountUnsubscribe':
      case 'slotUnsubscribe':
      case 'rootUnsubscribe': {
        const id = params[0]
        const sub = typeof id === 'number' ? this.subs.get(id) : undefined
        if (sub === undefined || sub.ws !== ws || `${sub.kind}Unsubscribe` !== method) throw new RpcError(INVALID_PARAMS, 'Invalid subscription id.')
        this.subs.delete(id as number)
        return true
      }
      default:
        throw new RpcError(METHOD_NOT_FOUND, `Method not found: ${method}`)
    }
  }

  private signatureAlreadyLanded(id: number): void {
    const sub = this.subs.get(id)
    if (sub?.kind !== 'signature') return
    const rec = this.chain.history.get(sub.signature)
    if (rec !== undefined) this.fireSignature(id, sub, rec)
  }

  private fireSignature(id: number, sub: Sub, rec: TxRecord): void {
    this.subs.delete(id)
    this.notify(id, sub, 'signatureNotification', { context: { slot: rec.slot }, value: { err: rec.err } })
  }

  private landed(rec: TxRecord): void {
    const touched = new Set(rec.wire.accountKeys)
    for (const [id, sub] of this.subs) {
      if (sub.kind === 'signature' && sub.signature === rec.signature) this.fireSignature(id, sub, rec)
      if (sub.kind === 'account' && touched.has(sub.address)) {
        const a = this.chain.account(sub.address)
        if (a !== null) this.notify(id, sub, 'accountNotification', { context: { slot: rec.slot }, value: encodeAccount(this.chain, a, sub.config) })
      }
    }
  }

  private slotChanged(slot: number): void {
    for (const [id, sub] of this.subs) {
      if (sub.kind === 'slot') this.notify(id, sub, 'slotNotification', { parent: slot - 1, root: slot, slot })
      if (sub.kind === 'root') this.notify(id, sub, 'rootNotification', slot)
    }
  }
}
