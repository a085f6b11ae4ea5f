/**
 * Solana's off-chain message format: the bytes `solana sign-offchain-message` signs and `solana
 * verify-offchain-signature` checks (solana-sdk `OffchainMessage`, version 0, as agave's CLI and the Ledger Solana app
 * implement it):
 *
 *   signing domain  16 bytes  "\xffsolana offchain"
 *   header version   1 byte   0
 *   message format   1 byte   0 restricted ASCII (printable 0x20-0x7e, ≤ 1212 bytes), 1 UTF-8 (≤ 1212 bytes),
 *                             2 extended UTF-8 (≤ 65515 bytes); the first that fits is used
 *   message length   2 bytes  unsigned, little-endian
 *   message          the bytes themselves (never empty)
 *
 * The signature is Ed25519 over all of it. The first byte, 0xff, can never start a transaction message (it would be a
 * versioned message of version 127), so such a signature is never a transaction signature. The later revision of the
 * proposal (with an application domain and a signer list in the header) is not what the CLI signs today and is not
 * offered.
 */
import { WaiaasError } from '../../../lib/errors.js'

export const OFFCHAIN_SIGNING_DOMAIN = Buffer.concat([Buffer.from([0xff]), Buffer.from('solana offchain', 'ascii')])
export const OFFCHAIN_VERSION = 0
/** solana-sdk's PACKET_DATA_SIZE: the Ledger limit is a packet less the headers. */
const PACKET_DATA_SIZE = 1232
const BASE_HEADER = OFFCHAIN_SIGNING_DOMAIN.length + 1
const V0_HEADER = 3
export const OFFCHAIN_MAX_LEN = 0xffff - BASE_HEADER - V0_HEADER
export const OFFCHAIN_MAX_LEN_LEDGER = PACKET_DATA_SIZE - BASE_HEADER - V0_HEADER

const utf8 = new TextDecoder('utf-8', { fatal: true })

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes)
    return true
  } catch {
    return false
  }
}

const isPrintableAscii = (bytes: Uint8Array): boolean => bytes.every((b) => b >= 0x20 && b <= 0x7e)

const invalid = (why: string, extra: Record<string, unknown> = {}): WaiaasError =>
  new WaiaasError('INPUT_INVALID', `An off-chain message ${why}`, { details: { field: 'message', ...extra } })

/** The message format byte for `message`; INPUT_INVALID when it is empty, too long or not UTF-8. */
function formatOf(message: Uint8Array): 0 | 1 | 2 {
  if (message.length === 0) throw invalid('must not be empty')
  if (message.length > OFFCHAIN_MAX_LEN) throw invalid(`is at most ${OFFCHAIN_MAX_LEN} bytes`, { maxBytes: OFFCHAIN_MAX_LEN })
  if (!isUtf8(message)) throw invalid('must be UTF-8 text')
  if (message.length <= OFFCHAIN_MAX_LEN_LEDGER) return isPrintableAscii(message) ? 0 : 1
  return 2
}

/** The serialized off-chain message (header and message) that is signed for `message`. */
export function offchainMessage(message: Uint8Array): Buffer {
  const header = Buffer.alloc(BASE_HEADER + V0_HEADER)
  OFFCHAIN_SIGNING_DOMAIN.copy(header, 0)
  header.writeUInt8(OFFCHAIN_VERSION, OFFCHAIN_SIGNING_DOMAIN.length)
  header.writeUInt8(formatOf(message), BASE_HEADER)
  header.writeUInt16LE(message.length, BASE_HEADER + 1)
  return Buffer.concat([header, message])
}
