import type { PageProps } from './types.js'

export function SessionsPage(_props: PageProps) {
  return <h1>Sessions</h1>
}
