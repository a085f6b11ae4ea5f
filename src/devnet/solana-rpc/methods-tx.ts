/** Transaction methods: send, simulate, statuses, getTransaction and getSignaturesForAddress. */
import { configAt, encodeAccount, pubkeyParam, stringParam, withContext } from './encoding.js'
import { INVALID_PARAMS, RpcError } from './rpc-error.js'
import { transactionJson } from './tx-json.js'
import { decodeBytes, parseWireTx } from './wire.js'
import type { Handler } from './methods.js'

/** Statuses older than this many slots are only found with searchTransactionHistory (the status cache's reach). */
const STATUS_CACHE_SLOTS = 300

export const txMethods: Record<string, Handler> = {
  sendTransaction: (chain, params) => {
    const cfg = configAt(params, 1)
    const wire = parseWireTx(decodeBytes(params[0], cfg['encoding']))
    return chain.send(wire, { skipPreflight: cfg['skipPreflight'] === true })
  },

  simulateTransaction: (chain, params) => {
    const cfg = configAt(params, 1)
    const sigVerify = cfg['sigVerify'] === true
    const replaceRecentBlockhash = cfg['replaceRecentBlockhash'] === true
    if (sigVerify && replaceRecentBlockhash) throw new RpcError(INVALID_PARAMS, 'sigVerify may not be used with replaceRecentBlockhash')
    const wire = parseWireTx(decodeBytes(params[0], cfg['encoding']))
    const sim = chain.simulate(wire, { sigVerify, replaceRecentBlockhash })
    let accounts: Array<object | null> | null = null
    const wanted = cfg['accounts'] as { addresses?: unknown; encoding?: unknown } | undefined
    if (wanted !== undefined && wanted !== null && Array.isArray(wanted.addresses)) {
      const acfg = { encoding: wanted.encoding ?? 'base64' }
      accounts = wanted.addresses.map((a: unknown) => {
        const key = pubkeyParam(a)
        const post = sim.err === null ? (sim.postAccounts.get(key) ?? chain.account(key)) : null
        return post === null ? null : encodeAccount(chain, post, acfg)
      })
    }
    const value: Record<string, unknown> = {
      accounts, err: sim.err?.json ?? null, innerInstructions: null, logs: sim.logs, returnData: sim.returnData, unitsConsumed: sim.unitsConsumed,
      replacementBlockhash: replaceRecentBlockhash ? chain.latestBlockhash() : null,
    }
    return withContext(chain, value)
  },

  getSignatureStatuses: (chain, params) => {
    const sigs = params[0]
    if (!Array.isArray(sigs)) throw new RpcError(INVALID_PARAMS, 'Invalid params: expected an array of signatures')
    if (sigs.length > 256) throw new RpcError(INVALID_PARAMS, 'Too many inputs provided; max 256')
    const search = configAt(params, 1)['searchTransactionHistory'] === true
    return withContext(chain, sigs.map((s: unknown) => {
      const rec = chain.history.get(stringParam(s, 'signature'))
      if (rec === undefined || (!search && chain.slot - rec.slot > STATUS_CACHE_SLOTS)) return null
      // One local node: a landed transaction is final at once.
      return { slot: rec.slot, confirmations: null, err: rec.err, status: rec.err === null ? { Ok: null } : { Err: rec.err }, confirmationStatus: 'finalized' }
    }))
  },

  getTransaction: (chain, params) => {
    const cfg = configAt(params, 1)
    const rec = chain.history.get(stringParam(params[0], 'signature'))
    return rec === undefined ? null : transactionJson(rec, cfg['encoding'], cfg['maxSupportedTransactionVersion'])
  },

  getSignaturesForAddress: (chain, params) => {
    const address = pubkeyParam(params[0])
    const cfg = configAt(params, 1)
    const opt = (k: string): string | undefined => (cfg[k] === undefined || cfg[k] === null ? undefined : stringParam(cfg[k], k))
    const q: { limit?: number; before?: string; until?: string } = {}
    if (typeof cfg['limit'] === 'number') q.limit = cfg['limit']
    const before = opt('before')
    const until = opt('until')
    if (before !== undefined) q.before = before
    if (until !== undefined) q.until = until
    return chain.history.forAddress(address, q).map((rec) => ({
      signature: rec.signature, slot: rec.slot, err: rec.err, memo: null, blockTime: rec.blockTime, confirmationStatus: 'finalized',
    }))
  },
}
