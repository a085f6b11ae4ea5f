/**
 * Light address shape checks for the CLI and the contract layer, without chain libraries. They catch typos and
 * wrong-family addresses early; the EIP-55 checksum and the ed25519 curve checks live in the chain adapters
 * (`ChainAdapter.normalizeAddress`).
 */
import { WaiaasError } from './errors.js'
import type { NetworkFamily } from './networks.js'

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/
/** Base58 (Bitcoin alphabet: no 0, O, I, l); a 32-byte key is 32 to 44 characters. */
const SOLANA_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/

/** `0x` followed by 40 hex digits, any case (the checksum is not checked here). */
export function isEvmAddressShape(s: string): boolean {
  return typeof s === 'string' && EVM_ADDRESS.test(s)
}

/** 32 to 44 base58 characters (whether it decodes to a 32-byte key is not checked here). */
export function isSolanaAddressShape(s: string): boolean {
  return typeof s === 'string' && SOLANA_ADDRESS.test(s)
}

const EXPECTED: Record<NetworkFamily, string> = {
  evm: 'an EVM address (0x followed by 40 hex digits)',
  solana: 'a Solana address (32 to 44 base58 characters)',
}

/**
 * Throws INPUT_INVALID_ADDRESS with `details: { field, family }` unless `s` has the shape of a `family` address.
 * The message names what was expected, and says so when the value is an address of the other family.
 */
export function assertAddressShape(family: NetworkFamily, s: string, field = 'to'): void {
  const ok = family === 'evm' ? isEvmAddressShape(s) : isSolanaAddressShape(s)
  if (ok) return
  let why = ''
  if (typeof s !== 'string' || s === '') why = ' it is empty'
  else if (family === 'evm' && isSolanaAddressShape(s)) why = ' it looks like a Solana address'
  else if (family === 'solana' && isEvmAddressShape(s)) why = ' it looks like an EVM address'
  else if (s !== s.trim()) why = ' it has surrounding spaces'
  const shown = typeof s === 'string' && s !== '' ? ` ${JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s)}` : ''
  throw new WaiaasError('INPUT_INVALID_ADDRESS', `Invalid ${field}${shown}: expected ${EXPECTED[family]}${why === '' ? '' : `, but${why}`}`, {
    details: { field, family },
  })
}
