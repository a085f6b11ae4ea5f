/** The daemon's networks, for naming a CAIP-2 id and finding its explorer. */
import type { Output } from '../api.js'
import { useCall } from '../data.js'

export type NetworkView = Output<'network.list'>['networks'][number]
export type NetworkMap = ReadonlyMap<string, NetworkView>

const EMPTY: NetworkMap = new Map()

/** Every network by id and by alias (a request may name either). */
export function useNetworks(): NetworkMap {
  const { data } = useCall('network.list', {}, ['network.'])
  if (data === undefined) return EMPTY
  const m = new Map<string, NetworkView>()
  for (const n of data.networks) {
    m.set(n.id, n)
    for (const a of n.aliases) m.set(a, n)
  }
  return m
}

/** A network's name, its CAIP-2 id on hover. */
export function NetworkName(props: { id: string; networks: NetworkMap }) {
  const n = props.networks.get(props.id)
  return <span title={props.id}>{n?.name ?? props.id}</span>
}
