import type { PageProps } from './types.js'

export function DashboardPage(_props: PageProps) {
  return <h1>Dashboard</h1>
}
