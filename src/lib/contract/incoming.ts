/** Incoming transfers, the networks watched for them, and low-balance alerts. */
import { z } from 'zod'
import { def, walletRef, isoTime, networkRef, amountText, listLimit, type MethodDef } from './common.js'

/** One transfer in a summary: its amount, sender, transaction and when it was found. */
const incomingBrief = z.object({
  amount: z.string().nullable(),
  raw: z.string(),
  from: z.string().nullable(),
  tx: z.string(),
  detectedAt: isoTime,
})

/** The `incoming.*` methods. */
export const incomingMethods = {
  'incoming.list': def({
    summary: 'Incoming transfers (native and any token) the monitor found for the wallets on watched networks, newest first. Each is reported once.',
    role: 'public',
    input: z.object({
      wallet: walletRef.optional().describe('Only the transfers to this wallet (id or name)'),
      network: networkRef.optional().describe('Only the transfers on this network (a CAIP-2 id or an alias)'),
      /** ISO 8601 time: only transfers detected at or after it. */
      since: isoTime.max(64).optional().describe('An ISO 8601 time: only the transfers detected at or after it'),
      limit: listLimit,
    }),
    output: z.object({
      transfers: z.array(
        z.object({
          id: z.string(),
          walletId: z.string(),
          /** null when the wallet has been deleted since. */
          walletName: z.string().nullable(),
          network: z.string(),
          /** 'native', or the token contract (EVM) / mint (Solana). */
          asset: z.string(),
          symbol: z.string().nullable(),
          decimals: z.number().int().nullable(),
          /** Decimal string in whole units; null when the token's decimals are unknown (then see raw). */
          amount: z.string().nullable(),
          /** Minor units, exact. */
          raw: z.string(),
          from: z.string().nullable(),
          tx: z.string(),
          /** Block number (EVM) or slot (Solana). */
          block: z.number().int(),
          blockTime: isoTime.nullable(),
          detectedAt: isoTime,
        }),
      ),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'INPUT_INVALID'],
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'incoming.summary': def({
    summary:
      "A summary of the incoming transfers the monitor found over a period: per wallet and asset, how many, their total, the largest and the latest. A session sees its own wallets only.",
    role: 'public',
    input: z.object({
      wallet: walletRef.optional().describe('Only the transfers to this wallet (id or name)'),
      network: networkRef.optional().describe('Only the transfers on this network (a CAIP-2 id or an alias)'),
      since: z
        .string()
        .min(1)
        .max(64)
        .default('24h')
        .describe('The start of the period: a duration back from now such as "30m", "24h" or "7d" (up to 366d), or an ISO 8601 time; default 24h'),
    }),
    output: z.object({
      /** The period: transfers detected at or after `since`, up to `until` (now). */
      since: isoTime,
      until: isoTime,
      count: z.number().int(),
      wallets: z.array(
        z.object({
          walletId: z.string(),
          walletName: z.string().nullable(),
          assets: z.array(
            z.object({
              network: z.string(),
              /** 'native', or the token contract (EVM) / mint (Solana). */
              asset: z.string(),
              symbol: z.string().nullable(),
              decimals: z.number().int().nullable(),
              count: z.number().int(),
              /** Whole units; null when the decimals are unknown (then see totalRaw). */
              total: z.string().nullable(),
              totalRaw: z.string(),
              largest: incomingBrief,
              latest: incomingBrief,
            }),
          ),
        }),
      ),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'INPUT_INVALID'],
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'incoming.status': def({
    summary: 'What the monitor watches (the operator\'s networks, and the local ones while the devnet runs), how far each is scanned, and the low-balance thresholds.',
    role: 'public',
    input: z.object({}),
    output: z.object({
      intervalMs: z.number().int(),
      watching: z.array(
        z.object({
          network: z.string(),
          name: z.string(),
          source: z.enum(['operator', 'devnet']),
          /** Every wallet is scanned through this block (EVM) or slot (Solana); null before the first scan. */
          scannedThrough: z.number().int().nullable(),
          scans: z.number().int(),
          lastScanAt: isoTime.nullable(),
          /** Seconds since the last completed scan: how old the newest the monitor knows of this network is; null before the first. */
          lagSeconds: z.number().int().nullable(),
          lastError: z.object({ code: z.string(), message: z.string(), at: isoTime }).nullable(),
        }),
      ),
      /** The largest lagSeconds of the watched networks (null when none has completed a scan): the dashboard's monitor lag. */
      lagSeconds: z.number().int().nullable(),
      lowBalance: z.array(
        z.object({
          walletId: z.string(),
          walletName: z.string().nullable(),
          network: z.string(),
          symbol: z.string(),
          threshold: z.string(),
          /** An alert was raised and the balance has not come back up since. */
          low: z.boolean(),
          balance: z.string().nullable(),
          checkedAt: isoTime.nullable(),
        }),
      ),
    }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
  'incoming.watch': def({
    summary: 'Watch a network for incoming transfers to every wallet of its chain, from its current confirmed head on (operator).',
    role: 'operator',
    input: z.object({ network: networkRef }),
    output: z.object({ network: z.string(), name: z.string(), watched: z.boolean(), changed: z.boolean() }),
    errors: ['NETWORK_UNKNOWN', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'incoming.unwatch': def({
    summary: "Stop watching a network (operator); its scan cursors are dropped, so watching it again starts at its head. The devnet's local networks are watched while it runs.",
    role: 'operator',
    input: z.object({ network: networkRef }),
    output: z.object({ network: z.string(), name: z.string(), watched: z.boolean(), changed: z.boolean() }),
    errors: ['NETWORK_UNKNOWN', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'incoming.setLowBalance': def({
    summary: "Raise one low-balance alert when the wallet's native balance on a network falls below a threshold (whole units; null removes it). Checked after each scan of a watched network (operator).",
    role: 'operator',
    input: z.object({ wallet: walletRef, network: networkRef, threshold: amountText.nullable() }),
    output: z.object({
      walletId: z.string(),
      walletName: z.string(),
      network: z.string(),
      symbol: z.string(),
      threshold: z.string().nullable(),
      /** Whether the network is watched now (thresholds are checked only on watched networks). */
      watched: z.boolean(),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID_AMOUNT', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
} as const satisfies Record<`incoming.${string}`, MethodDef>
