/** Transactions: the filtered, paged list (`#/transactions?…`) and one request (`#/transactions/<id>`). */
import { TransactionDetail } from './transactions/detail.js'
import { TransactionList } from './transactions/list.js'
import type { PageProps } from './types.js'

export function TransactionsPage(props: PageProps) {
  const id = props.route.parts[1]
  return id === undefined ? <TransactionList route={props.route} /> : <TransactionDetail key={id} id={id} />
}
