/** The frame around every page: navigation, the kill switch's state, the live stream's state, logout. */
import { useEffect } from 'preact/hooks'
import { logout } from './api.js'
import { useCall } from './data.js'
import { startLive, stopLive, useLiveState } from './live.js'
import { href, useRoute } from './router.js'
import { AuditPage } from './pages/audit.js'
import { DashboardPage } from './pages/dashboard.js'
import { NotificationsPage } from './pages/notifications.js'
import { PoliciesPage } from './pages/policies.js'
import { SessionsPage } from './pages/sessions.js'
import { SettingsPage } from './pages/settings.js'
import { TransactionsPage } from './pages/transactions.js'
import { WalletsPage } from './pages/wallets.js'

const PAGES = [
  { path: '', label: 'Dashboard', Page: DashboardPage },
  { path: 'wallets', label: 'Wallets', Page: WalletsPage },
  { path: 'transactions', label: 'Transactions', Page: TransactionsPage },
  { path: 'policies', label: 'Policies', Page: PoliciesPage },
  { path: 'sessions', label: 'Sessions', Page: SessionsPage },
  { path: 'notifications', label: 'Notifications', Page: NotificationsPage },
  { path: 'audit', label: 'Audit', Page: AuditPage },
  { path: 'settings', label: 'Settings', Page: SettingsPage },
] as const

export function Shell() {
  const route = useRoute()
  const live = useLiveState()
  const ks = useCall('killswitch.status', {}, ['killswitch.'])
  useEffect(() => {
    startLive()
    return stopLive
  }, [])
  const current = PAGES.find((p) => p.path === (route.parts[0] ?? '')) ?? PAGES[0]
  useEffect(() => {
    document.title = `${current.label} · waiaas admin`
  }, [current.label])
  const active = ks.data?.on === true
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">waiaas</span>
        <span class={`pill ${active ? 'danger' : 'ok'}`} role="status">
          Kill switch {active ? 'ON' : 'off'}
        </span>
        <span class={`pill ${live ? 'ok' : 'warn'}`} title={live ? 'Live updates are on' : 'Live updates are reconnecting'}>
          {live ? 'Live' : 'Reconnecting'}
        </span>
        <button type="button" class="logout" onClick={() => void logout().finally(stopLive)}>
          Log out
        </button>
      </header>
      <nav class="side" aria-label="Main">
        <ul>
          {PAGES.map((p) => (
            <li key={p.path}>
              <a href={href(p.path)} aria-current={p === current ? 'page' : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        <current.Page route={route} />
      </main>
    </div>
  )
}
