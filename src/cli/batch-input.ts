/**
 * The transfers of `waiaas send-batch`: from repeated --to/--amount pairs, or from a JSON array in a file or on stdin.
 * Only the shape is checked here, so a mistake names its flag, entry and field; the daemon checks the values
 * (addresses, amounts, tokens, at most 8 transfers) as for any caller.
 */
import fs from 'node:fs'
import { WaiaasError } from '../lib/errors.js'

export interface Transfer {
  to: string
  amount: string
  token?: string
}

const FILE_FLAG = '--file'
const FIELDS = new Set(['to', 'amount', 'token'])
const FILE_HINT = 'Give a JSON array of transfers, e.g. [{"to": "0x…", "amount": "0.1"}, {"to": "0x…", "amount": "5", "token": "USDC"}].'

/** The i-th --to paired with the i-th --amount, each with --token when given. USAGE when the counts differ. */
export function transfersFromPairs(to: readonly string[], amount: readonly string[], token: string | undefined): Transfer[] {
  if (to.length !== amount.length) {
    throw new WaiaasError('USAGE', `Got ${to.length} --to and ${amount.length} --amount: each --to needs its own --amount`, {
      details: { flag: '--amount', to: to.length, amount: amount.length },
      hint: 'Repeat the pair for every transfer, in order: --to A --amount 0.1 --to B --amount 0.2 (or use --file).',
    })
  }
  return to.map((t, i) => ({ to: t, amount: amount[i]!, ...(token === undefined ? {} : { token }) }))
}

/** The transfers in a JSON text (the content of --file): an array of {to, amount, token?}, nothing else. */
export function transfersFromJson(text: string, source: string): Transfer[] {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (err) {
    const why = err instanceof Error ? err.message : 'not JSON'
    throw new WaiaasError('USAGE', `${FILE_FLAG} ${source} must be valid JSON: ${why}`, { details: { flag: FILE_FLAG, source }, hint: FILE_HINT })
  }
  if (!Array.isArray(v)) throw new WaiaasError('USAGE', `${FILE_FLAG} ${source} must hold a JSON array of transfers`, { details: { flag: FILE_FLAG, source }, hint: FILE_HINT })
  return v.map((entry: unknown, index) => {
    const bad = (field: string | undefined, why: string): WaiaasError =>
      new WaiaasError('INPUT_INVALID', `${FILE_FLAG} ${source}: transfer ${index + 1} ${why}`, {
        details: { flag: FILE_FLAG, source, index, ...(field === undefined ? {} : { field }) },
        hint: FILE_HINT,
      })
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw bad(undefined, 'is not an object')
    const e = entry as Record<string, unknown>
    // A misspelled "token" must not quietly become a native transfer: unknown fields are refused, never ignored.
    for (const k of Object.keys(e)) if (!FIELDS.has(k)) throw bad(k, `has no field "${k}" (only to, amount, token)`)
    for (const k of ['to', 'amount'] as const) if (typeof e[k] !== 'string') throw bad(k, `needs "${k}" as a string`)
    if (e.token !== undefined && typeof e.token !== 'string') throw bad('token', 'has a "token" that is not a string')
    return { to: e.to as string, amount: e.amount as string, ...(e.token === undefined ? {} : { token: e.token as string }) }
  })
}

/** The text of --file: the file's content, or all of stdin for `-`. */
export async function readTransfersFile(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return fs.readFileSync(file, 'utf8')
    } catch (err) {
      throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot read ${FILE_FLAG} ${file}`, { details: { path: file, flag: FILE_FLAG }, cause: err })
    }
  }
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}
