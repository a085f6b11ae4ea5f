/**
 * The one place where EVM node and ethers errors become WaiaasErrors. Everything the EVM adapter catches from the
 * network goes through `toChainError`, which keeps the original as `cause` and never puts an RPC URL's credentials
 * (or anything else from the request) into the message or details.
 */
import { WaiaasError, type ErrorCode } from '../../../lib/errors.js'

/**
 * Reduces every URL in `text` to scheme, host and port: credentials hide in `user:pass@`, but hosted RPC providers
 * also put API keys in the path (`/v3/KEY`) or the query string, so those go too.
 */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)(?:[^\s/@"'?#]*@)?([^\s/"'?#]*)([^\s"']*)/gi, (_m, scheme: string, host: string, rest: string) =>
    `${scheme}${host}${rest === '' || rest === '/' ? rest : '/***'}`,
  )
}

interface Fields {
  code?: unknown
  shortMessage?: unknown
  message?: unknown
  reason?: unknown
  data?: unknown
  error?: unknown
  info?: unknown
  cause?: unknown
  response?: unknown
  revert?: unknown
}

const asObj = (v: unknown): Fields | undefined => (typeof v === 'object' && v !== null ? (v as Fields) : undefined)
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

/** Every message and code found in the error and the errors it wraps (ethers nests the node's answer in info.error). */
function collect(err: unknown): { codes: string[]; messages: string[]; status: number | undefined } {
  const codes: string[] = []
  const messages: string[] = []
  let status: number | undefined
  const seen = new Set<unknown>()
  const walk = (e: unknown, depth: number): void => {
    const o = asObj(e)
    if (o === undefined || seen.has(o) || depth > 6) return
    seen.add(o)
    if (typeof o.code === 'string' || typeof o.code === 'number') codes.push(String(o.code))
    // ethers' `message` repeats its whole info object (request URL included); its shortMessage is the summary.
    messages.push(str(o.shortMessage) !== '' ? str(o.shortMessage) : str(o.message))
    const resp = asObj(o.response) as { statusCode?: unknown } | undefined
    if (typeof resp?.statusCode === 'number') status = resp.statusCode
    const info = asObj(o.info) as { responseStatus?: unknown; error?: unknown } | undefined
    const rs = str(info?.responseStatus)
    if (/^\d{3}\b/.test(rs)) status = Number(rs.slice(0, 3))
    walk(o.error, depth + 1)
    walk(info?.error, depth + 1)
    walk(o.cause, depth + 1)
  }
  walk(err, 0)
  return { codes, messages: messages.filter((m) => m !== ''), status }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'TIMEOUT'])

/** The revert reason ethers decoded (Error(string), Panic, or a custom error's name), when there is one. */
function revertReason(err: unknown): { reason: string; data?: string; decoded: boolean } {
  let found: { reason: string; data?: string; decoded: boolean } | undefined
  const walk = (e: unknown, depth: number): void => {
    const o = asObj(e)
    if (o === undefined || found !== undefined || depth > 6) return
    if (o.code === 'CALL_EXCEPTION') {
      const data = typeof o.data === 'string' && o.data !== '0x' ? o.data : undefined
      const revert = asObj(o.revert) as { name?: unknown; args?: unknown } | undefined
      let reason = str(o.reason)
      if (reason === '' && typeof revert?.name === 'string') reason = `${revert.name}(${Array.isArray(revert.args) ? revert.args.map(String).join(', ') : ''})`
      const decoded = reason !== '' || data !== undefined
      if (reason === '') reason = data === undefined ? 'execution reverted' : 'execution reverted with custom error'
      found = data === undefined ? { reason, decoded } : { reason, data, decoded }
      return
    }
    walk(o.error, depth + 1)
    walk((asObj(o.info) as { error?: unknown } | undefined)?.error, depth + 1)
    walk(o.cause, depth + 1)
  }
  walk(err, 0)
  return found ?? { reason: 'execution reverted', decoded: false }
}

export interface ChainErrorContext {
  /** What we were doing, e.g. "estimate gas", "broadcast". */
  op: string
  network: string
  details?: Record<string, unknown>
}

/** Maps any error thrown while talking to an EVM node to a WaiaasError with a stable CHAIN_* code. */
export function toChainError(err: unknown, ctx: ChainErrorContext): WaiaasError {
  if (err instanceof WaiaasError) return err
  const { codes, messages, status } = collect(err)
  const text = messages.join(' | ')
  const has = (re: RegExp): boolean => re.test(text)
  // The innermost message is the node's own words; the outer ones are ethers' summaries of it.
  const first = redactUrls(messages[messages.length - 1] ?? String(err)).slice(0, 300)
  const base = { network: ctx.network, op: ctx.op, ...ctx.details }
  const make = (code: ErrorCode, message: string, extra: Record<string, unknown> = {}): WaiaasError =>
    new WaiaasError(code, redactUrls(message), { details: { ...base, ...extra }, cause: err })

  const revert = revertReason(err)
  const reverted = (r: typeof revert): WaiaasError =>
    make('CHAIN_REVERTED', `The contract reverted during ${ctx.op}: ${r.reason}`, r.data === undefined ? { reason: r.reason } : { reason: r.reason, data: r.data })
  // A decoded revert reason is the contract's own text and may contain any words, so it is checked first.
  if (codes.includes('CALL_EXCEPTION') && revert.decoded) return reverted(revert)
  if (status === 429 || has(/rate limit|too many requests|exceeded .*(capacity|limit)/i) || codes.includes('-32005'))
    return make('CHAIN_RATE_LIMITED', `The ${ctx.network} RPC endpoint is rate limiting (${ctx.op})`, { reason: first })
  if (codes.some((c) => UNREACHABLE_CODES.has(c)) || has(/ECONNREFUSED|socket hang up|fetch failed|request timeout/i))
    return make('CHAIN_RPC_UNREACHABLE', `The ${ctx.network} RPC endpoint is unreachable (${ctx.op})`, { reason: first })
  if (codes.includes('INSUFFICIENT_FUNDS') || has(/insufficient funds|gas required exceeds allowance/i))
    return make('CHAIN_INSUFFICIENT_FUNDS', `Insufficient funds for ${ctx.op} on ${ctx.network}`, { reason: first })
  if (codes.includes('NONCE_EXPIRED') || has(/nonce too low|nonce has already been used/i))
    return make('CHAIN_NONCE_TOO_LOW', `Nonce too low for ${ctx.op} on ${ctx.network}`, { reason: first })
  // No decoded reason: the node's own words ("execution reverted", "out of gas", …) are the best we have.
  if (codes.includes('CALL_EXCEPTION') || has(/execution reverted|revert/i)) return reverted({ ...revert, reason: first })
  if (codes.includes('SERVER_ERROR') && status !== undefined && status >= 500)
    return make('CHAIN_RPC_UNREACHABLE', `The ${ctx.network} RPC endpoint answered HTTP ${status} (${ctx.op})`, { reason: first, status })
  return make('CHAIN_ERROR', `The ${ctx.network} node rejected ${ctx.op}: ${first}`, { reason: first })
}

