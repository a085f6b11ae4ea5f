/** An agent session as the daemon sees it: plain data (the functions that store sessions are in sessions.ts). */
import type { SessionPermission } from '../../lib/contract/index.js'

export interface SessionRow {
  id: string
  name: string
  walletIds: string[]
  permissions: SessionPermission[]
  ttlSeconds: number
  expiresAt: number
  maxRenewals: number
  renewals: number
  /** Micro-dollars per rolling 24 h, on top of the wallets' policies; null: no session cap. */
  limitUsdPerDayMicros: bigint | null
  createdAt: number
  revokedAt: number | null
  lastUsedAt: number | null
}
