import type { PageProps } from './types.js'

export function TransactionsPage(_props: PageProps) {
  return <h1>Transactions</h1>
}
