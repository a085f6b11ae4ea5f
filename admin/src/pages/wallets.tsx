import type { PageProps } from './types.js'

export function WalletsPage(_props: PageProps) {
  return <h1>Wallets</h1>
}
