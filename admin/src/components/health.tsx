/**
 * The daemon's health: version and lock state (system.status); whether each configured network answers
 * (network.status: one cheap probe each, refreshed every 30 s); and how far behind the incoming monitor is per watched
 * network (incoming.status, its `lagSeconds` where the daemon gives it, else the time since the last scan).
 */
import { useEffect, useState } from 'preact/hooks'
import { ApiError, call, type MethodName } from '../api.js'
import { asApiError, useCall } from '../data.js'
import { ErrorBox, Time } from './bits.js'
import type { NetworkMap } from './networks.js'

/** network.status's answer (issue 16's health method; typed here so this card builds against either contract). */
interface NetworkProbe {
  network: string
  name: string
  reachable: boolean
  latencyMs: number | null
  blockAgeSeconds: number | null
  error: { code: string; message: string } | null
}

const PROBE_EVERY_MS = 30_000

/** The probes, or undefined while unknown; a daemon without network.status gives an empty list and no error. */
function useNetworkProbes(): { probes: NetworkProbe[] | undefined; error: ApiError | undefined } {
  const [state, setState] = useState<{ probes: NetworkProbe[] | undefined; error: ApiError | undefined }>({ probes: undefined, error: undefined })
  useEffect(() => {
    let live = true
    const probe = (): void => {
      ;(call as unknown as (m: MethodName, p: object) => Promise<{ networks: NetworkProbe[] }>)('network.status' as MethodName, {}).then(
        (r) => live && setState({ probes: r.networks, error: undefined }),
        (err: unknown) => {
          const e = asApiError(err)
          const missing = e.status === 404 || e.code === 'HTTP_ROUTE_NOT_FOUND' || e.code === 'METHOD_NOT_FOUND'
          if (live) setState((s) => (missing ? { probes: [], error: undefined } : { probes: s.probes, error: e }))
        },
      )
    }
    probe()
    const t = setInterval(probe, PROBE_EVERY_MS)
    return () => {
      live = false
      clearInterval(t)
    }
  }, [])
  return state
}

const seconds = (s: number): string => (s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`)

export function HealthCard(props: { networks: NetworkMap }) {
  const status = useCall('system.status', {}, ['vault.', 'plugin.'])
  const monitor = useCall('incoming.status', {}, ['incoming.'])
  const { probes, error: probeError } = useNetworkProbes()
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000)
    return () => clearInterval(t)
  }, [])
  // Scans are not audited, so no event says the lag changed: it is read again every 15 s.
  const reloadMonitor = monitor.reload
  useEffect(() => {
    const t = setInterval(reloadMonitor, 15_000)
    return () => clearInterval(t)
  }, [reloadMonitor])
  const s = status.data
  const m = monitor.data
  const name = (id: string, fallback: string): string => props.networks.get(id)?.name ?? fallback
  return (
    <section class="card" aria-labelledby="health-title">
      <h2 id="health-title">Daemon</h2>
      <ErrorBox error={status.error} />
      {s !== undefined && (
        <dl class="kv">
          <dt>Version</dt>
          <dd>{s.version}</dd>
          <dt>Vault</dt>
          <dd class={s.locked ? 'status-fail' : 'status-ok'}>{s.locked ? 'locked' : 'unlocked'}</dd>
          <dt>Wallets</dt>
          <dd>{s.walletCount}</dd>
          <dt>Up since</dt>
          <dd>
            <Time iso={s.startedAt} />
          </dd>
        </dl>
      )}
      {probes !== undefined && probes.length > 0 && (
        <>
          <h3>Networks</h3>
          <ul class="checks" aria-label="Networks reachable">
            {probes.map((p) => (
              <li key={p.network} class={p.reachable ? 'status-ok' : 'status-fail'} data-network={p.name}>
                <strong>{name(p.network, p.name)}</strong>: {p.reachable ? 'reachable' : `unreachable${p.error === null ? '' : ` (${p.error.code})`}`}
                {p.latencyMs !== null && <span class="muted small"> · {p.latencyMs} ms</span>}
                {p.blockAgeSeconds !== null && p.blockAgeSeconds > 0 && <span class="muted small"> · latest block {seconds(p.blockAgeSeconds)} old</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <ErrorBox error={probeError} />
      <h3>Incoming monitor</h3>
      <ErrorBox error={monitor.error} />
      {m !== undefined && m.watching.length === 0 && <p class="muted small">No network watched: incoming transfers are not monitored.</p>}
      {m !== undefined && m.watching.length > 0 && (
        <ul class="checks" aria-label="Monitor lag per watched network">
          {m.watching.map((w) => {
            const given = (w as typeof w & { lagSeconds?: number | null }).lagSeconds
            const lag = given !== undefined ? given : w.lastScanAt === null ? null : Math.max(0, Math.round((now - new Date(w.lastScanAt).getTime()) / 1000))
            const late = lag !== null && lag * 1000 > 2 * m.intervalMs
            return (
              <li key={w.network} class={w.lastError !== null ? 'status-fail' : late ? 'status-warn' : 'status-ok'}>
                <strong>{name(w.network, w.name)}</strong>: {w.lastError !== null ? `scan failed (${w.lastError.code})` : lag === null ? 'not scanned yet' : `lag ${seconds(lag)}`}
                {w.lastScanAt !== null && (
                  <span class="muted small">
                    {' '}
                    · last scan <Time iso={w.lastScanAt} />
                  </span>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
