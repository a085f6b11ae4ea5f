/**
 * Whether bytes could be read by the Solana runtime as a transaction message, so that a signature over them would be
 * a transaction signature. A Solana transaction is its signatures followed by the message, and every signature covers
 * the message bytes: a "message signature" over bytes that are a message IS a signature of that transaction.
 *
 * This reads only the wire structure (agave's `legacy::Message` and `v0::Message`, serialised with `short_vec`
 * lengths), never the runtime's sanity checks, and is deliberately more lenient than the runtime:
 * - non-canonical `short_vec` lengths are read as their value (the runtime refuses them), and a length cut off by
 *   the end of the bytes reads as 0 (web3.js reads it so; the runtime fails on it);
 * - header values are not checked (0 signers, more read-only accounts than accounts…);
 * - the message may be followed by any trailing bytes (signature verification covers everything after the
 *   signatures, and a deserializer that ignores the excess would execute the message at the front);
 * - a first byte with the high bit set marks a versioned message: v0 is parsed, and every other version (0x81-0xff) is
 *   reported as one the runtime may define later, since its layout is not known here.
 * Whatever reads as a message here is refused for raw message signing; nothing the runtime accepts can read otherwise.
 */

/** How the bytes read: a complete legacy or v0 message (of `length` bytes, maybe followed by more), or a later version. */
export type MessageShape = { kind: 'legacy' | 'v0'; length: number } | { kind: 'versioned'; version: number }

const PUBKEY = 32
const HASH = 32

class OutOfBytes extends Error {}

class Reader {
  offset = 0
  constructor(private readonly bytes: Uint8Array) {}

  u8(): number {
    const b = this.bytes[this.offset]
    if (b === undefined) throw new OutOfBytes()
    this.offset += 1
    return b
  }

  skip(n: number): void {
    if (n > this.bytes.length - this.offset) throw new OutOfBytes()
    this.offset += n
  }

  /**
   * A `short_vec` length: 7 bits a byte, low first, at most 3 bytes, read leniently: any such value, and the end of
   * the bytes ends it (a length cut off at the end reads as what was read, 0 when nothing was: as web3.js reads it).
   */
  shortVec(): number {
    let value = 0
    for (let i = 0; i < 3; i++) {
      const b = this.bytes[this.offset]
      if (b === undefined) return value
      this.offset += 1
      value |= (b & 0x7f) << (7 * i)
      if ((b & 0x80) === 0) return value
    }
    return value
  }

  vecOf(size: number): void {
    const n = this.shortVec()
    this.skip(n * size)
  }
}

function body(r: Reader): void {
  r.skip(3) // num_required_signatures, num_readonly_signed_accounts, num_readonly_unsigned_accounts
  r.vecOf(PUBKEY) // account keys
  r.skip(HASH) // recent blockhash
  const instructions = r.shortVec()
  for (let i = 0; i < instructions; i++) {
    r.skip(1) // program id index
    r.vecOf(1) // account indexes
    r.vecOf(1) // data
  }
}

/** How `bytes` read as a Solana transaction message, or null when no transaction message starts with them. */
export function transactionMessageShape(bytes: Uint8Array): MessageShape | null {
  const first = bytes[0]
  if (first === undefined) return null
  const r = new Reader(bytes)
  try {
    if ((first & 0x80) !== 0) {
      const version = first & 0x7f
      if (version !== 0) return { kind: 'versioned', version }
      r.skip(1)
      body(r)
      const lookups = r.shortVec()
      for (let i = 0; i < lookups; i++) {
        r.skip(PUBKEY) // the lookup table's address
        r.vecOf(1) // writable indexes
        r.vecOf(1) // read-only indexes
      }
      return { kind: 'v0', length: r.offset }
    }
    body(r)
    return { kind: 'legacy', length: r.offset }
  } catch (err) {
    if (err instanceof OutOfBytes) return null
    throw err
  }
}
