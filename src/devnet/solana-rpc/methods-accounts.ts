/** Account, balance, token-account and airdrop methods. */
import { withContext, configAt, encodeAccount, pubkeyParam, numberParam } from './encoding.js'
import { INVALID_PARAMS, RpcError, invalidParams } from './rpc-error.js'
import { base58 } from '@scure/base'
import { decodeMint, decodeTokenAccount, isTokenProgram, tokenAmount, tokenKind } from './parsed-token.js'
import { asAddress } from './wire.js'
import { rawAccount, type LocalChain } from './chain.js'
import type { Handler } from './methods.js'

/** getProgramAccounts filters: `{ dataSize }` and `{ memcmp: { offset, bytes, encoding? } }`. */
function matchesFilters(data: Uint8Array, filters: unknown): boolean {
  if (filters === undefined || filters === null) return true
  if (!Array.isArray(filters)) throw new RpcError(INVALID_PARAMS, 'Invalid params: filters must be an array')
  return filters.every((f: unknown) => {
    if (f === null || typeof f !== 'object') throw new RpcError(INVALID_PARAMS, 'Invalid params: bad filter')
    if ('dataSize' in f) return data.length === f.dataSize
    if ('memcmp' in f && f.memcmp !== null && typeof f.memcmp === 'object') {
      const { offset, bytes, encoding } = f.memcmp as { offset?: unknown; bytes?: unknown; encoding?: unknown }
      if (typeof offset !== 'number' || typeof bytes !== 'string') throw new RpcError(INVALID_PARAMS, 'Invalid params: bad memcmp filter')
      const want = encoding === 'base64' ? Buffer.from(bytes, 'base64') : Buffer.from(base58.decode(bytes))
      return Buffer.from(data.subarray(offset, offset + want.length)).equals(want)
    }
    throw new RpcError(INVALID_PARAMS, 'Invalid params: unsupported filter')
  })
}

function tokenAccountsByOwner(chain: LocalChain, params: unknown[]): object {
  const owner = pubkeyParam(params[0])
  const filter = params[1]
  if (filter === null || typeof filter !== 'object') throw new RpcError(INVALID_PARAMS, 'Invalid params: expected { mint } or { programId }')
  const { mint: mintRaw, programId: programRaw } = filter as { mint?: unknown; programId?: unknown }
  let programs: string[]
  let mint: string | undefined
  if (mintRaw !== undefined) {
    mint = pubkeyParam(mintRaw)
    const m = chain.account(mint)
    if (m === null || tokenKind(m.owner, m.data) !== 'mint') throw invalidParams('could not find mint')
    programs = [m.owner]
  } else if (programRaw !== undefined) {
    const program = pubkeyParam(programRaw)
    if (!isTokenProgram(program)) throw invalidParams('unrecognized Token program id')
    programs = [program]
  } else {
    throw new RpcError(INVALID_PARAMS, 'Invalid params: expected { mint } or { programId }')
  }
  const cfg = configAt(params, 2)
  const value: Array<{ pubkey: string; account: object }> = []
  for (const program of programs) {
    for (const a of chain.svm.getProgramAccounts(asAddress(program))) {
      const raw = rawAccount(a)
      if (tokenKind(program, raw.data) !== 'account') continue
      const t = decodeTokenAccount(raw.data)
      if (t.owner !== owner || (mint !== undefined && t.mint !== mint)) continue
      value.push({ pubkey: a.address, account: encodeAccount(chain, raw, cfg) })
    }
  }
  return withContext(chain, value)
}

export const accountMethods: Record<string, Handler> = {
  getBalance: (chain, params) => withContext(chain, chain.account(pubkeyParam(params[0]))?.lamports ?? 0),
  getAccountInfo: (chain, params) => {
    const a = chain.account(pubkeyParam(params[0]))
    return withContext(chain, a === null ? null : encodeAccount(chain, a, configAt(params, 1)))
  },
  getMultipleAccounts: (chain, params) => {
    const keys = params[0]
    if (!Array.isArray(keys)) throw new RpcError(INVALID_PARAMS, 'Invalid params: expected an array of pubkeys')
    if (keys.length > 100) throw new RpcError(INVALID_PARAMS, 'Too many inputs provided; max 100')
    const cfg = configAt(params, 1)
    return withContext(chain, keys.map((k) => {
      const a = chain.account(pubkeyParam(k))
      return a === null ? null : encodeAccount(chain, a, cfg)
    }))
  },
  getTokenAccountsByOwner: tokenAccountsByOwner,
  getTokenAccountBalance: (chain, params) => {
    const a = chain.account(pubkeyParam(params[0]))
    if (a === null || tokenKind(a.owner, a.data) !== 'account') throw invalidParams('not a Token account')
    const t = decodeTokenAccount(a.data)
    const decimals = chain.mintDecimals(t.mint)
    if (decimals === null) throw invalidParams('Token mint could not be unpacked')
    return withContext(chain, tokenAmount(t.amount, decimals))
  },
  getTokenSupply: (chain, params) => {
    const a = chain.account(pubkeyParam(params[0]))
    if (a === null || tokenKind(a.owner, a.data) !== 'mint') throw invalidParams('not a Token mint')
    const m = decodeMint(a.data)
    return withContext(chain, tokenAmount(m.supply, m.decimals))
  },
  getProgramAccounts: (chain, params) => {
    const program = pubkeyParam(params[0])
    const cfg = configAt(params, 1)
    const value = chain.svm.getProgramAccounts(asAddress(program)).map((a) => ({ pubkey: a.address, raw: rawAccount(a) }))
      .filter((a) => matchesFilters(a.raw.data, cfg['filters']))
      .map((a) => ({ pubkey: a.pubkey, account: encodeAccount(chain, a.raw, cfg) }))
    return cfg['withContext'] === true ? withContext(chain, value) : value
  },
  requestAirdrop: (chain, params) => chain.airdrop(pubkeyParam(params[0]), numberParam(params[1], 'lamports')),
}
