import type { PageProps } from './types.js'

export function SettingsPage(_props: PageProps) {
  return <h1>Settings</h1>
}
