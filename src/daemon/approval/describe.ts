/**
 * What a request does, in plain lines for the approval page: its decoded actions with amounts in whole units, and for
 * sign-only requests what exactly would be signed. Values come from the request as stored (the content its approval
 * is bound to); the page escapes them.
 */
import { getAddress } from 'ethers'
import { formatAmount } from '../../lib/amounts.js'
import type { Action } from '../policy/types.js'
import type { RequestRow } from '../store/requests.js'

export interface NativeUnit {
  nativeSymbol: string
  nativeDecimals: number
}

interface TokenMeta {
  symbol: string
  decimals: number
}

/** An address as people compare it: EVM addresses (stored lower-case) with their EIP-55 checksum. */
export function displayAddress(chain: 'evm' | 'solana', address: string): string
export function displayAddress(chain: 'evm' | 'solana', address: string | null): string | null
export function displayAddress(chain: 'evm' | 'solana', address: string | null): string | null {
  if (address === null || chain !== 'evm') return address
  try {
    return getAddress(address)
  } catch {
    return address
  }
}

function tokensOf(row: RequestRow): Record<string, TokenMeta> {
  const tokens = (row.payload as { tokens?: unknown }).tokens
  return typeof tokens === 'object' && tokens !== null ? (tokens as Record<string, TokenMeta>) : {}
}

function tokenAmount(amount: bigint, token: string, tokens: Record<string, TokenMeta>, show: (a: string) => string): string {
  const meta = tokens[token]
  if (meta === undefined || !Number.isInteger(meta.decimals)) return `${amount} minor units of token ${show(token)}`
  return `${formatAmount(amount, meta.decimals)} ${meta.symbol} (token ${show(token)})`
}

/** One line per decoded action. */
export function describeActions(row: RequestRow, net: NativeUnit, chain: 'evm' | 'solana'): string[] {
  const tokens = tokensOf(row)
  const show = (a: string): string => displayAddress(chain, a)
  const native = (v: bigint): string => `${formatAmount(v, net.nativeDecimals)} ${net.nativeSymbol}`
  return row.actions.map((a: Action) => {
    switch (a.kind) {
      case 'native-transfer':
        return `Send ${native(a.amount)} to ${show(a.to)}`
      case 'token-transfer':
        return `Send ${tokenAmount(a.amount, a.token, tokens, show)} to ${show(a.to)}`
      case 'token-approve':
        return a.unlimited
          ? `Allow ${show(a.spender)} to spend an UNLIMITED amount of token ${show(a.token)}`
          : `Allow ${show(a.spender)} to spend ${tokenAmount(a.amount, a.token, tokens, show)}`
      case 'contract-call':
        return `Call contract ${show(a.contract)}${a.selector === null ? '' : ` (function selector ${a.selector})`}${a.value > 0n ? `, sending ${native(a.value)}` : ''}`
      case 'authority-change':
        return `Change who controls ${show(a.account)}: ${a.what}`
      case 'sign-message':
        return 'Sign a message'
      case 'sign-typed-data': {
        const d = a.domain
        const parts = [d.name && `name ${d.name}`, d.version && `version ${d.version}`, d.chainId !== undefined && `chain id ${d.chainId}`, d.verifyingContract && `contract ${show(d.verifyingContract)}`]
        return `Sign typed data (EIP-712) for ${parts.filter(Boolean).join(', ') || 'an empty domain'}`
      }
    }
  })
}

/** For sign-only requests, what would be signed (the message, typed data or transaction), else null. */
export function signingContent(row: RequestRow): string | null {
  const body = (row.payload as { body?: Record<string, unknown> }).body ?? {}
  const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2)
  switch (row.kind) {
    case 'sign-message':
      return typeof body.message === 'string' ? (body.encoding === 'hex' ? `(hex bytes) ${body.message}` : body.message) : null
    case 'sign-typed-data':
      return json(body.typedData)
    case 'sign-tx':
      return json(body.transaction ?? body.message)
    default:
      return null
  }
}
