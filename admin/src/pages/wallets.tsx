/** Wallets: the list with the create form (`#/wallets`) and one wallet (`#/wallets/<id>`). */
import { WalletDetail } from './wallets/detail.js'
import { WalletList } from './wallets/list.js'
import type { PageProps } from './types.js'

export function WalletsPage(props: PageProps) {
  const id = props.route.parts[1]
  return id === undefined ? <WalletList /> : <WalletDetail key={id} id={id} />
}
