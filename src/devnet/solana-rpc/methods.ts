/** The method table: every JSON-RPC method the local node answers, and dispatch with node-style errors. */
import type { LocalChain } from './chain.js'
import { accountMethods } from './methods-accounts.js'
import { clusterMethods, devMethods } from './methods-cluster.js'
import { txMethods } from './methods-tx.js'
import { INTERNAL_ERROR, INVALID_PARAMS, METHOD_NOT_FOUND, RpcError } from './rpc-error.js'

export type Handler = (chain: LocalChain, params: unknown[]) => unknown

const METHODS: Record<string, Handler> = { ...clusterMethods, ...accountMethods, ...txMethods, ...devMethods }

export const methodNames = (): string[] => Object.keys(METHODS).sort()

/** Runs one method; anything thrown that is not an RpcError becomes -32603. */
export function callMethod(chain: LocalChain, method: string, params: unknown): unknown {
  const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined
  if (handler === undefined) throw new RpcError(METHOD_NOT_FOUND, `Method not found: ${method}`)
  if (params !== undefined && params !== null && !Array.isArray(params)) throw new RpcError(INVALID_PARAMS, 'Invalid params: expected an array')
  try {
    return handler(chain, (params ?? []) as unknown[])
  } catch (err) {
    if (err instanceof RpcError) throw err
    throw new RpcError(INTERNAL_ERROR, `Internal error: ${(err as Error).message}`)
  }
}
