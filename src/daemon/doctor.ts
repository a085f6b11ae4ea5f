/**
 * `system.doctor`: the checks only the daemon can make. Each is secret-free: RPC URLs never appear (networks are
 * named by id), error texts are passed through redaction. Only networks whose RPC URL the operator (or the
 * devnet) set are contacted (network-probe.ts); a built-in public endpoint is never contacted.
 */
import type { Output } from '../lib/contract/index.js'
import type { Handler } from './context.js'
import { redactText } from './log.js'
import { PROBE_TIMEOUT_MS, probeNetworks } from './network-probe.js'
import { verifyAudit } from './store/audit.js'

type Check = Output<'system.doctor'>['checks'][number]

/** A node clock further than this from ours is reported. */
const CLOCK_SKEW_WARN_S = 300

async function networkChecks(ctx: Parameters<Handler<'system.doctor'>>[0]): Promise<Check[]> {
  return (await probeNetworks(ctx)).flatMap((p): Check[] => {
    if (!p.ok) {
      return [
        {
          name: `rpc ${p.label}`,
          status: 'fail',
          message: `${p.network} did not answer within ${PROBE_TIMEOUT_MS / 1000} s (${p.reason})`,
          fix: `waiaas network set ${p.label} --rpc-url-file FILE (or --reset-rpc-url)`,
        },
      ]
    }
    const out: Check[] = [{ name: `rpc ${p.label}`, status: 'ok', message: `${p.network} answered in ${p.ms} ms`, fix: null }]
    if (p.blockTime !== null) {
      const skew = Math.round(Date.now() / 1000 - p.blockTime)
      out.push(
        Math.abs(skew) <= CLOCK_SKEW_WARN_S
          ? { name: `clock ${p.label}`, status: 'ok', message: `within ${Math.abs(skew)} s of the latest block`, fix: null }
          : {
              name: `clock ${p.label}`,
              status: 'warn',
              message: `the latest block is ${skew} s ${skew > 0 ? 'behind' : 'ahead of'} this clock (a stalled node or a wrong system clock)`,
              fix: 'Check the system clock (`timedatectl`) and that the node is synced',
            },
      )
    }
    return out
  })
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
