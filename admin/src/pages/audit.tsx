import type { PageProps } from './types.js'

export function AuditPage(_props: PageProps) {
  return <h1>Audit</h1>
}
