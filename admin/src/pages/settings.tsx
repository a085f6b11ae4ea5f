/** Settings: networks (RPC URLs redacted, overridable), plugins (read-only) and backups. */
import './admin-pages.css'
import { Backups } from './settings/backups.js'
import { Networks } from './settings/networks.js'
import { Plugins } from './settings/plugins.js'
import type { PageProps } from './types.js'

export function SettingsPage(_props: PageProps) {
  return (
    <>
      <h1>Settings</h1>
      <Networks />
      <Plugins />
      <Backups />
    </>
  )
}
