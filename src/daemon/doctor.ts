/**
 * `system.doctor`: the checks only the daemon can make. Each is secret-free: RPC URLs never appear (networks are
 * named by id), error texts are passed through redaction. Only networks whose RPC URL the operator (or the
 * devnet) set are contacted, through their chain adapters, each with a short timeout; a built-in public endpoint is
 * never contacted.
 */
import type { Output } from '../lib/contract/index.js'
import { resolveNetwork } from '../lib/networks.js'
import type { Handler } from './context.js'
import { redactText } from './log.js'
import { verifyAudit } from './store/audit.js'
import { listNetworkSettings } from './store/network-settings.js'
import { effectiveNetwork } from './networks.js'

type Check = Output<'system.doctor'>['checks'][number]

const RPC_TIMEOUT_MS = 3000
/** A node clock further than this from ours is reported. */
const CLOCK_SKEW_WARN_S = 300

/** `promise`, or a rejection naming the timeout when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)
    timer.unref()
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

async function networkChecks(ctx: Parameters<Handler<'system.doctor'>>[0]): Promise<Check[]> {
  const configured = [...listNetworkSettings(ctx.db).values()].filter((s) => s.rpcUrl !== null)
  return Promise.all(
    configured.map(async (s): Promise<Check[]> => {
      const net = resolveNetwork(s.network)
      const label = net.aliases[0] ?? net.id
      try {
        const started = Date.now()
        // Through the network's adapter: its credential handling (URL userinfo as an Authorization header), its
        // error mapping, one request without retry.
        const adapter = await ctx.chains.adapter(effectiveNetwork(ctx.db, s.network))
        const blockTime = await within(adapter.latestBlockTime(), RPC_TIMEOUT_MS)
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
