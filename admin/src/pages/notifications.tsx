import type { PageProps } from './types.js'

export function NotificationsPage(_props: PageProps) {
  return <h1>Notifications</h1>
}
