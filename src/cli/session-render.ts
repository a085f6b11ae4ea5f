/** Human views of agent sessions (never a token: the create command prints that itself, once). */
import type { SessionView } from '../lib/contract/index.js'
import { fields, table, type Column, type TableOptions } from './render.js'

const walletNames = (s: SessionView): string => s.wallets.map((w) => w.name).join(', ')
const capText = (s: SessionView): string => (s.limitUsdPerDay === null ? 'none (wallet policies only)' : `${s.limitUsdPerDay} USD a rolling day`)

export function sessionFields(s: SessionView): string {
  return fields([
    ['session', s.id],
    ['name', s.name],
    ['status', s.status],
    ['wallets', walletNames(s)],
    ['permissions', s.permissions.join(', ')],
    ['expires', s.expiresAt],
    ['renewals', `${s.renewals} of ${s.maxRenewals} (each ${s.ttlSeconds} s)`],
    ['daily cap', capText(s)],
    ['last used', s.lastUsedAt],
  ])
}

/** The columns of `session list`. */
export const SESSION_COLUMNS: readonly Column[] = [
  ['id', 'ID'], ['name', 'NAME'], ['status', 'STATUS'], ['wallets', 'WALLETS'], ['permissions', 'PERMISSIONS'], ['expires', 'EXPIRES'], ['renewals', 'RENEWALS'], ['cap', 'USD/DAY'],
]

export function sessionTable(ss: SessionView[], opts: TableOptions = {}): string {
  return table(
    ss.map((s) => ({ id: s.id, name: s.name, status: s.status, wallets: walletNames(s), permissions: s.permissions.join(','), expires: s.expiresAt, renewals: `${s.renewals}/${s.maxRenewals}`, cap: s.limitUsdPerDay ?? '' })),
    SESSION_COLUMNS,
    'No sessions. Create one with `waiaas session create --wallet W`.',
    opts,
  )
}
