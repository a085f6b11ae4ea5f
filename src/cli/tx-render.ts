/** Human views of transaction requests: one short block, a table, and what to do next. */
import type { TxRequestView } from '../lib/contract/index.js'
import { fields, table, type Column, type TableOptions } from './render.js'

/**
 * The request states, for `tx list --state`. A copy of the contract's TX_STATES because the CLI never loads the
 * contract (and zod) at run time; test/unit/surface.test.ts checks that the two agree.
 */
export const TX_STATE_OPTIONS = [
  'pending', 'queued', 'awaiting_approval', 'approved', 'signed', 'submitted', 'confirmed',
  'failed', 'denied', 'cancelled', 'rejected', 'expired', 'replaced',
] as const

/** "DELAY (300 s)", "INSTANT", or "-" before a request has a tier. */
export function tierText(tier: string | null, delaySeconds: number | null | undefined): string {
  if (tier === null) return '-'
  return tier === 'DELAY' && typeof delaySeconds === 'number' ? `${tier} (${delaySeconds} s)` : tier
}

/** "0.5 ETH (≈ 1500.00 USD)", or null when the request moves nothing. */
function amountText(r: TxRequestView): string | null {
  if (r.amount === null) return null
  const base = `${r.amount}${r.symbol === null ? '' : ` ${r.symbol}`}`
  return r.usd === null || /^0(\.0*)?$/.test(r.usd) ? base : `${base} (≈ ${r.usd} USD)`
}

/** The human view of one request; rows without a value are left out so it stays short. */
export function requestFields(r: TxRequestView): string {
  const rows: [string, unknown][] = [
    ['request', r.id],
    ['state', r.state],
    ['tier', tierText(r.tier, r.decision?.delaySeconds)],
    ['kind', r.kind],
    ['wallet', `${r.walletName} (${r.from})`],
    ['network', r.network],
    ['to', r.to],
    ['amount', amountText(r)],
    ['token', r.token],
    ['tx hash', r.txHash],
    ['signature', r.signature],
    ['runs at', r.state === 'queued' ? r.executeAt : null],
    ['expires', r.state === 'awaiting_approval' ? r.expiresAt : null],
    ['why', r.decision?.reason ?? null],
    ['error', r.error === null ? null : `${r.error.reason} (${r.error.code})`],
  ]
  return fields(rows.filter(([, v]) => v !== null && v !== undefined))
}

/** One line on what happens next to a request that is not final, or undefined when there is nothing to do. */
export function nextStep(r: TxRequestView): string | undefined {
  switch (r.state) {
    case 'awaiting_approval':
      return `Awaiting approval${r.expiresAt === null ? '' : ` until ${r.expiresAt}`}: \`waiaas tx approve ${r.id}\` or \`waiaas tx reject ${r.id}\`.`
    case 'queued':
      return `Delayed${r.executeAt === null ? '' : ` until ${r.executeAt}`}; \`waiaas tx cancel ${r.id}\` stops it, \`waiaas tx show ${r.id}\` follows it.`
    case 'pending':
    case 'approved':
    case 'signed':
    case 'submitted':
      return r.final ? undefined : `Follow it with \`waiaas tx show ${r.id}\`.`
    default:
      return undefined
  }
}

/** The columns of `tx list`. */
export const TX_COLUMNS: readonly Column[] = [
  ['id', 'ID'], ['state', 'STATE'], ['tier', 'TIER'], ['kind', 'KIND'], ['wallet', 'WALLET'], ['amount', 'AMOUNT'], ['to', 'TO'], ['created', 'CREATED'],
]

/** The human view of a list of requests, newest first as the daemon sends them. */
export function requestTable(rs: TxRequestView[], opts: TableOptions = {}): string {
  return table(
    rs.map((r) => ({
      id: r.id,
      state: r.state,
      tier: tierText(r.tier, r.decision?.delaySeconds),
      kind: r.kind,
      wallet: r.walletName,
      amount: amountText(r) ?? '',
      to: r.to ?? '',
      created: r.createdAt,
    })),
    TX_COLUMNS,
    'No transaction requests.',
    opts,
  )
}
