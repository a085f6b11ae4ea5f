/**
 * The one place where Solana node, @solana/web3.js and @solana/spl-token errors become WaiaasErrors. Everything the
 * Solana adapter catches from the network, and every failed simulation, goes through `toSolanaError`, which keeps
 * the original as `cause`, puts the program logs (bounded) in details, and never leaks RPC URL credentials.
 *
 * A transaction error `AccountNotFound` ("Attempt to debit an account but found no record of a prior credit") is
 * raised only for the fee payer (the one account debited before execution), so it means "this wallet holds no SOL"
 * and maps to CHAIN_INSUFFICIENT_FUNDS. CHAIN_ACCOUNT_NOT_FOUND is for accounts a read or an instruction needs
 * (a missing token account or mint).
 */
import { WaiaasError, type ErrorCode } from '../../../lib/errors.js'

/** A simulation or status that reported a transaction error (the node's JSON `err`) rather than throwing. */
export class SolanaTxFailure extends Error {
  override readonly name = 'SolanaTxFailure'
  constructor(
    readonly txErr: unknown,
    readonly logs: string[],
  ) {
    super(`transaction failed: ${JSON.stringify(txErr)}`)
  }
}

/** Reduces every URL in `text` to scheme, host and port: API keys hide in `user:pass@`, paths and query strings. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)(?:[^\s/@"'?#]*@)?([^\s/"'?#]*)([^\s"']*)/gi, (_m, scheme: string, host: string, rest: string) =>
    `${scheme}${host}${rest === '' || rest === '/' ? rest : '/***'}`,
  )
}

const MAX_LOG_LINES = 30
const MAX_LOG_CHARS = 300

/** The last lines of `logs`, each cut to a bounded length (the failing program logs last). */
export function boundLogs(logs: readonly string[]): string[] {
  return logs.slice(-MAX_LOG_LINES).map((l) => redactUrls(l.length > MAX_LOG_CHARS ? `${l.slice(0, MAX_LOG_CHARS)}…` : l))
}

interface Found {
  texts: string[]
  codes: string[]
  logs: string[]
  txErr: unknown
}

/** Every message, code, log line and transaction error in `err` and the errors it wraps. */
function collect(err: unknown): Found {
  const out: Found = { texts: [], codes: [], logs: [], txErr: undefined }
  const seen = new Set<unknown>()
  const walk = (e: unknown, depth: number): void => {
    if (typeof e !== 'object' || e === null || seen.has(e) || depth > 6) return
    seen.add(e)
    const o = e as Record<string, unknown>
    if (typeof o.message === 'string') out.texts.push(o.message)
    if (typeof o.name === 'string') out.texts.push(o.name)
    if (typeof o.code === 'string' || typeof o.code === 'number') out.codes.push(String(o.code))
    if (e instanceof SolanaTxFailure) out.txErr = e.txErr
    let logs: unknown
    try {
      logs = o.logs ?? o.transactionLogs
    } catch {
      logs = undefined
    }
    if (Array.isArray(logs)) out.logs.push(...logs.filter((l): l is string => typeof l === 'string'))
    const data = o.data as Record<string, unknown> | undefined
    if (data !== undefined && data !== null && typeof data === 'object') {
      if (Array.isArray(data.logs)) out.logs.push(...data.logs.filter((l): l is string => typeof l === 'string'))
      if (data.err !== undefined && data.err !== null && out.txErr === undefined) out.txErr = data.err
    }
    walk(o.cause, depth + 1)
    walk(o.error, depth + 1)
  }
  walk(err, 0)
  if (out.txErr === undefined && typeof err !== 'object') out.texts.push(String(err))
  return out
}

const UNREACHABLE = /fetch failed|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up|network error|other side closed|UND_ERR|TimeoutError|aborted due to timeout/i
const TOKEN_PROGRAMS = /Tokenkeg|TokenzQd/

export interface SolanaErrorContext {
  /** What we were doing, e.g. "simulate", "broadcast", "read balance". */
  op: string
  network: string
  details?: Record<string, unknown>
}

/** Maps anything thrown by web3.js / the node (or a SolanaTxFailure) to a WaiaasError with a stable code. */
export function toSolanaError(err: unknown, ctx: SolanaErrorContext): WaiaasError {
  if (err instanceof WaiaasError) return err
  const f = collect(err)
  const txErrText = f.txErr === undefined ? '' : JSON.stringify(f.txErr)
  const text = [...f.texts, ...f.codes, txErrText].join(' | ')
  const logText = f.logs.join('\n')
  const logs = boundLogs(f.logs)
  const reason = redactUrls((f.texts[0] ?? String(err)).slice(0, 400))
  const base: Record<string, unknown> = { network: ctx.network, op: ctx.op, ...ctx.details, reason }
  if (f.txErr !== undefined) base.txError = f.txErr
  if (logs.length > 0) base.logs = logs
  const make = (code: ErrorCode, message: string): WaiaasError => new WaiaasError(code, redactUrls(message), { details: base, cause: err })
  const has = (re: RegExp): boolean => re.test(text)

  if (has(/\b429\b|too many requests|rate limit/i)) return make('CHAIN_RATE_LIMITED', `The ${ctx.network} RPC endpoint is rate limiting (${ctx.op})`)
  if (f.txErr === undefined && (has(UNREACHABLE) || f.codes.some((c) => UNREACHABLE.test(c))))
    return make('CHAIN_RPC_UNREACHABLE', `The ${ctx.network} RPC endpoint is unreachable (${ctx.op})`)
  if (has(/blockhash not found|BlockhashNotFound/i))
    return make('CHAIN_BLOCKHASH_EXPIRED', `The transaction's blockhash expired before it landed on ${ctx.network} (${ctx.op})`)
  if (has(/InsufficientFundsForRent|insufficient funds for rent/i))
    return make('CHAIN_INSUFFICIENT_FUNDS', `The transaction would leave an account below the rent-exempt minimum on ${ctx.network} (${ctx.op}); a new account needs at least that much`)
  // Custom error 1 is "insufficient lamports" in the System program and "insufficient funds" in both token programs.
  const custom1 = /"Custom":1\b/.test(txErrText) && (TOKEN_PROGRAMS.test(logText) || /Program 11111111111111111111111111111111 failed/.test(logText))
  if (
    custom1 ||
    has(/insufficient lamports|insufficient funds|InsufficientFundsFor(Fee|Rent)|no record of a prior credit|"AccountNotFound"|\bAccountNotFound\b/i) ||
    /insufficient (lamports|funds)/i.test(logText)
  )
    return make('CHAIN_INSUFFICIENT_FUNDS', `Insufficient funds for ${ctx.op} on ${ctx.network}`)
  if (has(/TokenAccountNotFound|could not find (account|mint)|account does not exist|InvalidAccountNotFound/i))
    return make('CHAIN_ACCOUNT_NOT_FOUND', `An account needed for ${ctx.op} does not exist on ${ctx.network}`)
  return make('CHAIN_ERROR', `The ${ctx.network} node rejected ${ctx.op}: ${reason}`)
}

/** True when a send failed only because these exact bytes already landed ("already been processed"). */
export function isAlreadyProcessed(err: WaiaasError): boolean {
  const t = `${String(err.details.reason ?? '')} ${JSON.stringify(err.details.txError ?? '')} ${err.message}`
  return /already been processed|AlreadyProcessed/i.test(t)
}

