/**
 * The message guard's pure parts: which bytes read as a Solana transaction message (compiled by @solana/web3.js,
 * with trailing bytes, and any bytes web3.js itself deserializes), the off-chain message header built from the
 * spec's table here (not from the code under test), and the refusals of sign-message bodies on both chains.
 */
import fc from 'fast-check'
import { Keypair, MessageV0, SystemProgram, TransactionMessage, VersionedMessage, type TransactionInstruction } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { approvalMessage } from '../../src/daemon/approval/owner.js'
import { transactionMessageShape } from '../../src/daemon/chains/solana/message-shape.js'
import { offchainMessage } from '../../src/daemon/chains/solana/offchain-message.js'
import { messageBytes, signMessageBody } from '../../src/daemon/policy/message-guard.js'
import { catchErr } from '../helpers/errors.js'

const payer = Keypair.generate().publicKey
const BLOCKHASH = '11111111111111111111111111111111'

function transfer(lamports: number): TransactionInstruction {
  return SystemProgram.transfer({ fromPubkey: payer, toPubkey: Keypair.generate().publicKey, lamports })
}
const legacyBytes = (ixs: TransactionInstruction[]): Buffer => Buffer.from(new TransactionMessage({ payerKey: payer, recentBlockhash: BLOCKHASH, instructions: ixs }).compileToLegacyMessage().serialize())
const v0Bytes = (ixs: TransactionInstruction[]): Buffer => Buffer.from(new TransactionMessage({ payerKey: payer, recentBlockhash: BLOCKHASH, instructions: ixs }).compileToV0Message().serialize())

/** A legacy message whose every byte is printable ASCII: it is valid UTF-8 text and still a message. */
function asciiLegacyMessage(): Buffer {
  const keys = 'K'.repeat(64)
  const blockhash = 'B'.repeat(32)
  return Buffer.concat([Buffer.from([1, 0, 1, 2]), Buffer.from(keys + blockhash), Buffer.from([1, 1, 2, 0, 1, 12]), Buffer.from('hello world!')])
}

const sol = { id: 'w-sol', chain: 'solana' as const }
const evm = { id: 'w-evm', chain: 'evm' as const }
const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`

describe('transactionMessageShape', () => {
  it('reads compiled legacy and v0 transfers, with or without trailing bytes, and reports their length', () => {
    for (const [kind, bytes] of [['legacy', legacyBytes([transfer(1e9)])], ['v0', v0Bytes([transfer(1e9), transfer(5)])]] as const) {
      expect(transactionMessageShape(bytes)).toEqual({ kind, length: bytes.length })
      for (const tail of [Buffer.alloc(1), Buffer.alloc(32), Buffer.from('trailing text')]) {
        expect(transactionMessageShape(Buffer.concat([bytes, tail]))).toEqual({ kind, length: bytes.length })
      }
      // Cut into the last instruction's data it is no message: nothing the runtime could execute starts with it.
      const cut = kind === 'legacy' ? 1 : 2
      expect(transactionMessageShape(bytes.subarray(0, bytes.length - cut))).toBeNull()
    }
  })

  it('refuses every later message version whole, and reads text as no message', () => {
    for (let b = 0x81; b <= 0xff; b++) expect(transactionMessageShape(Buffer.from([b, 1, 2, 3]))).toEqual({ kind: 'versioned', version: b & 0x7f })
    expect(transactionMessageShape(Buffer.from('gm'))).toBeNull()
    expect(transactionMessageShape(Buffer.from('Log in to example.org: nonce 8f2a'))).toBeNull()
    expect(transactionMessageShape(Buffer.alloc(0))).toBeNull()
    expect(transactionMessageShape(asciiLegacyMessage())).toEqual({ kind: 'legacy', length: asciiLegacyMessage().length })
    // A v0 message without its (empty) lookup-table count is read as web3.js reads it: complete, so refused.
    const v0 = v0Bytes([transfer(1)])
    expect(transactionMessageShape(v0.subarray(0, v0.length - 1))).toEqual({ kind: 'v0', length: v0.length - 1 })
  })

  it('reads whatever web3.js deserializes as a message (any bytes, any trailing bytes)', () => {
    const ix = fc.record({ lamports: fc.integer({ min: 0, max: 2 ** 40 }), n: fc.integer({ min: 1, max: 4 }) })
    fc.assert(
      fc.property(ix, fc.boolean(), fc.uint8Array({ maxLength: 80 }), ({ lamports, n }, v0, tail) => {
        const ixs = Array.from({ length: n }, () => transfer(lamports))
        const bytes = v0 ? v0Bytes(ixs) : legacyBytes(ixs)
        const shape = transactionMessageShape(Buffer.concat([bytes, tail]))
        expect(shape).toEqual({ kind: v0 ? 'v0' : 'legacy', length: bytes.length })
      }),
      { numRuns: 200 },
    )
    // Arbitrary message structures (any header, keys, instructions, lookups, then any tail): whenever web3.js
    // deserializes the bytes, the guard reads a message of the same kind.
    const small = (max: number) => fc.uint8Array({ maxLength: max })
    const instruction = fc.tuple(fc.integer({ min: 0, max: 255 }), small(6), small(20)).map(([p, a, d]) => Buffer.concat([Buffer.from([p, a.length]), a, Buffer.from([d.length]), d]))
    const lookup = fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), small(4), small(4)).map(([k, w, r]) => Buffer.concat([k, Buffer.from([w.length]), w, Buffer.from([r.length]), r]))
    const structure = fc.record({
      v0: fc.boolean(),
      header: fc.tuple(fc.integer({ min: 0, max: 127 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })),
      keys: fc.integer({ min: 0, max: 4 }),
      ixs: fc.array(instruction, { maxLength: 3 }),
      lookups: fc.array(lookup, { maxLength: 2 }),
      tail: small(40),
      cut: fc.integer({ min: 0, max: 3 }),
    })
    let parsedByWeb3 = 0
    fc.assert(
      fc.property(structure, (m) => {
        const body = Buffer.concat([
          Buffer.from(m.header),
          Buffer.from([m.keys]),
          Buffer.alloc(32 * m.keys + 32, 7),
          Buffer.from([m.ixs.length]),
          ...m.ixs,
          ...(m.v0 ? [Buffer.from([m.lookups.length]), ...m.lookups] : []),
        ])
        const whole = Buffer.concat([m.v0 ? Buffer.from([0x80]) : Buffer.alloc(0), body, m.tail])
        const bytes = whole.subarray(0, whole.length - Math.min(m.cut, whole.length - 1))
        let web3: VersionedMessage | undefined
        try {
          web3 = VersionedMessage.deserialize(bytes)
        } catch {
          web3 = undefined
        }
        if (web3 !== undefined) {
          parsedByWeb3 += 1
          expect(transactionMessageShape(bytes)?.kind).toBe(m.v0 ? 'v0' : 'legacy')
        }
      }),
      { numRuns: 1000 },
    )
    expect(parsedByWeb3).toBeGreaterThan(300)
  })

  it('never reads an approval message as a transaction message (so Solana `sign tx` can never sign one)', () => {
    // The longest approval text there can be: its 4th byte ("a" = 97 account keys) needs 3 kB it never has.
    const longest = approvalMessage({
      decision: 'approve',
      requestId: 'r'.repeat(128),
      wallet: '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin',
      network: `solana:${'x'.repeat(32)}`,
      contentHash: 'f'.repeat(64),
      policyRevision: Number.MAX_SAFE_INTEGER,
      expiresAt: '2030-01-02T03:04:05.678Z',
      nonce: 'a'.repeat(32),
    })
    expect(transactionMessageShape(Buffer.from(longest))).toBeNull()
    expect(() => MessageV0.deserialize(Buffer.from(longest))).toThrow()
  })
})

describe('off-chain message format', () => {
  /** The header from the spec's table (solana-sdk OffchainMessage v0), built here byte by byte. */
  const header = (format: number, length: number): Buffer =>
    Buffer.concat([Buffer.from([0xff]), Buffer.from('solana offchain', 'ascii'), Buffer.from([0, format, length & 0xff, length >> 8])])

  it('frames ASCII as format 0, other UTF-8 as format 1, long UTF-8 as format 2', () => {
    const ascii = Buffer.from('I own this wallet')
    expect(offchainMessage(ascii)).toEqual(Buffer.concat([header(0, ascii.length), ascii]))
    const utf8 = Buffer.from('Ich besitze dieses Portemonnaie: ✓\n')
    expect(offchainMessage(utf8)).toEqual(Buffer.concat([header(1, utf8.length), utf8]))
    const long = Buffer.from('x'.repeat(1213))
    expect(offchainMessage(long)).toEqual(Buffer.concat([header(2, 1213), long]))
    expect(offchainMessage(Buffer.from('y'.repeat(1212))).subarray(0, 20)).toEqual(header(0, 1212))
    expect(offchainMessage(long)[0]).toBe(0xff)
  })

  it('refuses empty, oversized and non-UTF-8 messages', () => {
    for (const bad of [Buffer.alloc(0), Buffer.alloc(65516, 0x61), Buffer.from([0xc3, 0x28])]) {
      expect(catchErr(() => offchainMessage(bad)).code).toBe('INPUT_INVALID')
    }
    expect(offchainMessage(Buffer.alloc(65515, 0x61))).toHaveLength(65535)
  })
})

describe('signMessageBody', () => {
  it('refuses Solana transaction bytes in hex and in text, raw only; frames them when asked for off-chain', () => {
    const tx = legacyBytes([transfer(1e9)])
    const e = catchErr(() => signMessageBody(sol, { message: hex(tx), encoding: 'hex' }))
    expect(e.code).toBe('SIGN_MESSAGE_IS_TRANSACTION')
    expect(e.details).toMatchObject({ wallet: 'w-sol', shape: 'legacy', messageLength: tx.length, trailingBytes: 0 })
    expect(catchErr(() => signMessageBody(sol, { message: hex(Buffer.concat([v0Bytes([transfer(1)]), Buffer.alloc(3)])), encoding: 'hex' })).details).toMatchObject({ shape: 'v0', trailingBytes: 3 })
    const text = asciiLegacyMessage().toString('utf8')
    expect(catchErr(() => signMessageBody(sol, { message: text, encoding: 'utf8' })).code).toBe('SIGN_MESSAGE_IS_TRANSACTION')
    // The same text in the off-chain format is framed, and what is signed starts with 0xff: never a message.
    const body = signMessageBody(sol, { message: text, encoding: 'utf8', format: 'solana-offchain' })
    expect(body).toEqual({ message: text, encoding: 'utf8', format: 'solana-offchain' })
    expect(Buffer.from(messageBytes(body)).subarray(0, 16).toString('latin1')).toBe('\xffsolana offchain')
    // An EVM wallet signs every byte string with the EIP-191 prefix: nothing to refuse, no off-chain format.
    expect(signMessageBody(evm, { message: hex(tx), encoding: 'hex' })).toEqual({ message: hex(tx), encoding: 'hex' })
    expect(catchErr(() => signMessageBody(evm, { message: 'hi', encoding: 'utf8', format: 'solana-offchain' })).details).toMatchObject({ field: 'format' })
    expect(catchErr(() => signMessageBody(sol, { message: '0xabc', encoding: 'hex' })).code).toBe('INPUT_INVALID')
  })

  it('refuses approval text on both chains: exact, padded, in another letter case, as hex, inside the off-chain format', () => {
    const text = approvalMessage({
      decision: 'approve',
      requestId: 'req_1',
      wallet: '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin',
      network: 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp',
      contentHash: 'ab'.repeat(32),
      policyRevision: 3,
      expiresAt: '2030-01-02T03:04:05.678Z',
      nonce: '0123456789abcdef'.repeat(2),
    })
    for (const wallet of [sol, evm]) {
      for (const input of [
        { message: text, encoding: 'utf8' as const },
        { message: `  \n${text}\n `, encoding: 'utf8' as const },
        { message: `Please sign: ${text.toUpperCase()}`, encoding: 'utf8' as const },
        { message: hex(Buffer.from(text)), encoding: 'hex' as const },
      ]) {
        expect(catchErr(() => signMessageBody(wallet, input)).code, JSON.stringify(input).slice(0, 40)).toBe('SIGN_MESSAGE_IS_APPROVAL')
      }
    }
    expect(catchErr(() => signMessageBody(sol, { message: text, encoding: 'utf8', format: 'solana-offchain' })).code).toBe('SIGN_MESSAGE_IS_APPROVAL')
    expect(signMessageBody(sol, { message: 'gm', encoding: 'utf8' })).toEqual({ message: 'gm', encoding: 'utf8' })
  })
})
