/**
 * A recorded transaction in getTransaction's encodings: `json` (compiled message), `jsonParsed` (account metas and
 * parsed system/spl-token transfers, other instructions partially decoded) and `base64`/`base58`.
 */
import { base58 } from '@scure/base'
import type { TxRecord } from './history.js'
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM, tokenAmount } from './parsed-token.js'
import { INVALID_PARAMS, RpcError } from './rpc-error.js'

const SYSTEM_PROGRAM = '11111111111111111111111111111111'

function parseInstruction(programId: string, accounts: string[], data: Uint8Array): object | null {
  const d = Buffer.from(data)
  if (programId === SYSTEM_PROGRAM && d.length === 12 && d.readUInt32LE(0) === 2) {
    return { program: 'system', programId, parsed: { type: 'transfer', info: { source: accounts[0], destination: accounts[1], lamports: Number(d.readBigUInt64LE(4)) } }, stackHeight: null }
  }
  if (programId !== TOKEN_PROGRAM && programId !== TOKEN_2022_PROGRAM) return null
  const program = programId === TOKEN_PROGRAM ? 'spl-token' : 'spl-token-2022'
  if (d[0] === 3 && d.length === 9) {
    const info = { source: accounts[0], destination: accounts[1], authority: accounts[2], amount: d.readBigUInt64LE(1).toString() }
    return { program, programId, parsed: { type: 'transfer', info }, stackHeight: null }
  }
  if (d[0] === 12 && d.length === 10) {
    const info = { source: accounts[0], mint: accounts[1], destination: accounts[2], authority: accounts[3], tokenAmount: tokenAmount(d.readBigUInt64LE(1), d[9] ?? 0) }
    return { program, programId, parsed: { type: 'transferChecked', info }, stackHeight: null }
  }
  return null
}

function messageJson(rec: TxRecord, parsed: boolean): object {
  const msg = rec.wire.tx.message
  const keys = rec.wire.accountKeys
  const header = msg.header
  const lookups = msg.version === 0
    ? { addressTableLookups: msg.addressTableLookups.map((l) => ({ accountKey: l.accountKey.toBase58(), writableIndexes: l.writableIndexes, readonlyIndexes: l.readonlyIndexes })) }
    : {}
  if (!parsed) {
    const instructions = msg.compiledInstructions.map((ix) => ({ programIdIndex: ix.programIdIndex, accounts: ix.accountKeyIndexes, data: base58.encode(ix.data), stackHeight: null }))
    return { accountKeys: keys, header, recentBlockhash: msg.recentBlockhash, instructions, ...lookups }
  }
  const accountKeys = keys.map((pubkey, i) => ({ pubkey, signer: msg.isAccountSigner(i), source: 'transaction', writable: msg.isAccountWritable(i) }))
  const instructions = msg.compiledInstructions.map((ix) => {
    const programId = keys[ix.programIdIndex] ?? ''
    const accounts = ix.accountKeyIndexes.map((i) => keys[i] ?? '')
    return parseInstruction(programId, accounts, ix.data) ?? { programId, accounts, data: base58.encode(ix.data), stackHeight: null }
  })
  return { accountKeys, recentBlockhash: msg.recentBlockhash, instructions, ...lookups }
}

/** getTransaction's result for a recorded transaction. */
export function transactionJson(rec: TxRecord, encoding: unknown, maxSupportedVersion: unknown): object {
  const version = rec.wire.tx.version
  if (version !== 'legacy' && (typeof maxSupportedVersion !== 'number' || maxSupportedVersion < version)) {
    throw new RpcError(-32015, `Transaction version (${version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${version}`)
  }
  const enc = encoding ?? 'json'
  let transaction: unknown
  if (enc === 'json' || enc === 'jsonParsed') transaction = { message: messageJson(rec, enc === 'jsonParsed'), signatures: rec.wire.tx.signatures.map((s) => base58.encode(s)) }
  else if (enc === 'base64') transaction = [Buffer.from(rec.wire.raw).toString('base64'), 'base64']
  else if (enc === 'base58') transaction = [base58.encode(rec.wire.raw), 'base58']
  else throw new RpcError(INVALID_PARAMS, `Invalid params: unsupported encoding ${String(enc)}`)
  const meta = {
    computeUnitsConsumed: rec.unitsConsumed,
    err: rec.err,
    fee: rec.fee,
    innerInstructions: [],
    loadedAddresses: { readonly: [], writable: [] },
    logMessages: rec.logs,
    postBalances: rec.postBalances,
    postTokenBalances: rec.postTokenBalances,
    preBalances: rec.preBalances,
    preTokenBalances: rec.preTokenBalances,
    rewards: [],
    status: rec.err === null ? { Ok: null } : { Err: rec.err },
  }
  const out: Record<string, unknown> = { blockTime: rec.blockTime, meta, slot: rec.slot, transaction }
  if (maxSupportedVersion !== undefined && maxSupportedVersion !== null) out['version'] = version
  return out
}
