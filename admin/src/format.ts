/** Exact display of what the daemon returns: amounts stay decimal strings, EVM addresses get their checksum. */
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** Checksummed addresses already computed: a page shows the same few addresses in many rows, on every render. */
const checksummed = new Map<string, string>()

/** EIP-55: the address with the checksum capitalisation; other strings (Solana base58, …) unchanged. */
export function checksumAddress(address: string): string {
  if (!EVM_ADDRESS.test(address)) return address
  const lower = address.slice(2).toLowerCase()
  const known = checksummed.get(lower)
  if (known !== undefined) return known
  if (checksummed.size > 4096) checksummed.clear()
  const out = eip55(lower)
  checksummed.set(lower, out)
  return out
}

function eip55(lower: string): string {
  const hash = bytesToHex(keccak_256(utf8ToBytes(lower)))
  let out = '0x'
  for (let i = 0; i < 40; i++) out += parseInt(hash[i] ?? '0', 16) >= 8 ? (lower[i] ?? '').toUpperCase() : lower[i]
  return out
}

/** `0x1234…abcd`, for narrow cells; the full value goes in the title and the copy button. */
export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 8)}…${address.slice(-6)}` : address
}

/**
 * Groups the integer part of a decimal string with thin spaces (1 234 567.891) without any float conversion: the
 * digits shown are the digits the daemon sent.
 */
export function groupDigits(amount: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(amount)
  if (m === null) return amount
  const int = (m[2] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009')
  return `${m[1] ?? ''}${int}${m[3] ?? ''}`
}

/** The browser's local rendering of an ISO time, and its UTC form for the hover title. */
export function localTime(iso: string): { local: string; utc: string } {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return { local: iso, utc: iso }
  return { local: d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }), utc: d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') }
}

/** "in 4m 12s" / "3s ago" from a number of milliseconds. */
export function countdown(ms: number): string {
  const past = ms < 0
  let s = Math.round(Math.abs(ms) / 1000)
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  const text = h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`
  return past ? `${text} ago` : `in ${text}`
}
