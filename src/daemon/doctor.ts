/**
 * `system.doctor`: the checks only the daemon can make. Each is secret-free: RPC URLs never appear (networks are
 * named by id), error texts are passed through redaction. Only networks whose RPC URL the operator (or the
 * devnet) set are contacted, each with a short timeout; a built-in public endpoint is never contacted.
 */
import type { Output } from '../lib/contract/index.js'
import { resolveNetwork } from '../lib/networks.js'
import type { Handler } from './context.js'
import { redactText } from './log.js'
import { verifyAudit } from './store/audit.js'
import { listNetworkSettings } from './store/network-settings.js'

type Check = Output<'system.doctor'>['checks'][number]

const RPC_TIMEOUT_MS = 3000
/** A node clock further than this from ours is reported. */
const CLOCK_SKEW_WARN_S = 300

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const { request } = await import('undici')
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    headersTimeout: RPC_TIMEOUT_MS,
    bodyTimeout: RPC_TIMEOUT_MS,
    signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
  })
  if (res.statusCode !== 200) {
    await res.body.dump()
    throw new Error(`HTTP ${res.statusCode}`)
  }
  const body = (await res.body.json()) as { result?: unknown; error?: { message?: unknown } }
  if (body.error !== undefined) throw new Error(`RPC error: ${String(body.error.message ?? 'unknown')}`)
  return body.result
}

/** The latest block's time (unix seconds), or null when the node does not say. */
async function latestBlockTime(family: 'evm' | 'solana', url: string): Promise<number | null> {
  if (family === 'evm') {
    const block = (await rpc(url, 'eth_getBlockByNumber', ['latest', false])) as { timestamp?: string } | null
    return typeof block?.timestamp === 'string' ? Number.parseInt(block.timestamp, 16) : null
  }
  const slot = await rpc(url, 'getSlot', [])
  try {
    const t = await rpc(url, 'getBlockTime', [slot])
    return typeof t === 'number' ? t : null
  } catch {
    return null
  }
}

async function networkChecks(ctx: Parameters<Handler<'system.doctor'>>[0]): Promise<Check[]> {
  const configured = [...listNetworkSettings(ctx.db).values()].filter((s) => s.rpcUrl !== null)
  return Promise.all(
    configured.map(async (s): Promise<Check[]> => {
      const net = resolveNetwork(s.network)
      const label = net.aliases[0] ?? net.id
      const url = s.rpcUrl as string
      try {
        const started = Date.now()
        const blockTime = await latestBlockTime(net.family, url)
        const ms = Date.now() - started
        const out: Check[] = [{ name: `rpc ${label}`, status: 'ok', message: `${net.id} answered in ${ms} ms`, fix: null }]
        if (blockTime !== null) {
          const skew = Math.round(Date.now() / 1000 - blockTime)
          out.push(
            Math.abs(skew) <= CLOCK_SKEW_WARN_S
              ? { name: `clock ${label}`, status: 'ok', message: `within ${Math.abs(skew)} s of the latest block`, fix: null }
              : {
                  name: `clock ${label}`,
                  status: 'warn',
                  message: `the latest block is ${skew} s ${skew > 0 ? 'behind' : 'ahead of'} this clock (a stalled node or a wrong system clock)`,
                  fix: 'Check the system clock (`timedatectl`) and that the node is synced',
                },
          )
        }
        return out
      } catch (err) {
        const reason = redactText(err instanceof Error ? err.message : String(err)).slice(0, 200)
        return [
          {
            name: `rpc ${label}`,
            status: 'fail',
            message: `${net.id} did not answer within ${RPC_TIMEOUT_MS / 1000} s (${reason})`,
            fix: `waiaas network set ${label} --rpc-url-file FILE (or --reset-rpc-url)`,
          },
        ]
      }
    }),
  ).then((lists) => lists.flat())
}

export const doctor: Handler<'system.doctor'> = async (ctx) => {
  const checks: Check[] = []
  const integrity = (ctx.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check)
  checks.push(
    integrity.length === 1 && integrity[0] === 'ok'
      ? { name: 'database', status: 'ok', message: 'integrity check passed', fix: null }
      : {
          name: 'database',
          status: 'fail',
          message: `integrity check failed: ${integrity.slice(0, 3).join('; ')}`,
          fix: 'Restore the latest backup (`waiaas backup restore FILE`)',
        },
  )
  const audit = verifyAudit(ctx.db)
  checks.push(
    audit.valid
      ? { name: 'audit chain', status: 'ok', message: `${audit.entries} entries, intact`, fix: null }
      : {
          name: 'audit chain',
          status: 'fail',
          message: `broken at entry ${audit.brokenAt?.seq ?? '?'} (${audit.brokenAt?.reason ?? 'unknown'})`,
          fix: 'waiaas audit verify; investigate who changed the database, then restore a backup',
        },
  )
  checks.push(...(await networkChecks(ctx)))
  for (const p of ctx.plugins.list()) {
    if (!p.enabled) checks.push({ name: `plugin ${p.name}`, status: 'ok', message: 'disabled', fix: null })
    else if (p.error === null) checks.push({ name: `plugin ${p.name}`, status: 'ok', message: `serving at ${p.listening ?? '?'}`, fix: null })
    else
      checks.push({
        name: `plugin ${p.name}`,
        status: 'fail',
        message: `enabled but not serving: ${p.error.code} ${redactText(p.error.message)}`,
        fix: `waiaas plugin enable ${p.name} --port PORT (another port), or waiaas plugin disable ${p.name}`,
      })
  }
  return { version: ctx.version, checks }
}
