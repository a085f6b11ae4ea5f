import type { PageProps } from './types.js'

export function PoliciesPage(_props: PageProps) {
  return <h1>Policies</h1>
}
