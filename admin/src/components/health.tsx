/** The daemon's health: version, lock state, and per watched network whether it answers and how far behind the monitor is. */
import { useEffect, useState } from 'preact/hooks'
import { useCall } from '../data.js'
import { countdown } from '../format.js'
import { ErrorBox, Time } from './bits.js'
import type { NetworkMap } from './networks.js'

/** How long ago, without the "ago" sign games: "12s", "3m 4s". */
const age = (iso: string, now: number): string => countdown(now - new Date(iso).getTime()).replace(/^in /, '')

export function HealthCard(props: { networks: NetworkMap }) {
  const status = useCall('system.status', {}, ['vault.', 'plugin.'])
  const monitor = useCall('incoming.status', {}, ['incoming.'])
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000)
    return () => clearInterval(t)
  }, [])
  const s = status.data
  const m = monitor.data
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
      <h3>Networks watched</h3>
      <ErrorBox error={monitor.error} />
      {m !== undefined && m.watching.length === 0 && <p class="muted small">None: incoming transfers are not monitored.</p>}
      {m !== undefined && m.watching.length > 0 && (
        <ul class="checks">
          {m.watching.map((w) => {
            // Lag: time since the last whole scan, beyond one monitor interval.
            const lag = w.lastScanAt === null ? null : Math.max(0, now - new Date(w.lastScanAt).getTime() - m.intervalMs)
            const cls = w.lastError !== null ? 'status-fail' : lag !== null && lag > m.intervalMs ? 'status-warn' : 'status-ok'
            return (
              <li key={w.network} class={cls}>
                <strong>{props.networks.get(w.network)?.name ?? w.name}</strong>: {w.lastError !== null ? `unreachable (${w.lastError.code})` : w.lastScanAt === null ? 'not scanned yet' : 'reachable'}
                {w.lastScanAt !== null && (
                  <span class="muted small">
                    {' '}
                    · last scan {age(w.lastScanAt, now)} ago{lag !== null && lag > 0 ? ` · lag ${Math.round(lag / 1000)} s` : ''}
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
