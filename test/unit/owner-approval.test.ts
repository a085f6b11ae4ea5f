import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Wallet } from 'ethers'
import { base58 } from '@scure/base'
import {
  approvalMessage, canonicalJson, contentHash, parseApprovalMessage, verifyOwnerSignature, type ApprovalFields,
} from '../../src/daemon/approval/owner.js'
import { catchErr } from '../helpers/errors.js'

const fields: ApprovalFields = {
  decision: 'approve',
  requestId: 'req_01HZX3',
  wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  network: 'eip155:31337',
  contentHash: 'ab'.repeat(32),
  policyRevision: 7,
  expiresAt: '2030-01-02T03:04:05.678Z',
  nonce: '0123456789abcdef'.repeat(2),
}

const TEXT = [
  'waiaas approval v1',
  'decision: approve',
  'requestId: req_01HZX3',
  'wallet: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  'network: eip155:31337',
  `contentHash: ${'ab'.repeat(32)}`,
  'policyRevision: 7',
  'expiresAt: 2030-01-02T03:04:05.678Z',
  `nonce: ${'0123456789abcdef'.repeat(2)}`,
].join('\n')

describe('approval message', () => {
  it('is fixed, line-based text that parses back to the same fields', () => {
    expect(approvalMessage(fields)).toBe(TEXT)
    expect(parseApprovalMessage(TEXT)).toEqual(fields)
    const reject = { ...fields, decision: 'reject' as const, wallet: '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin', network: 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp', policyRevision: 0 }
    expect(parseApprovalMessage(approvalMessage(reject))).toEqual(reject)
  })

  it('refuses invalid fields with INPUT_INVALID naming the field', () => {
    const bad: Array<[keyof ApprovalFields, unknown]> = [
      ['decision', 'maybe'],
      ['requestId', 'a\nb'],
      ['requestId', ''],
      ['wallet', 'not an address'],
      ['network', 'eip155'],
      ['contentHash', 'AB'.repeat(32)],
      ['contentHash', 'ab'],
      ['policyRevision', -1],
      ['policyRevision', 1.5],
      ['expiresAt', '2030-01-02T03:04:05Z'],
      ['expiresAt', '2030-02-30T00:00:00.000Z'],
      ['expiresAt', '2030-01-02T03:04:05.678+01:00'],
      ['nonce', 'xyz'],
    ]
    for (const [key, value] of bad) {
      const err = catchErr(() => approvalMessage({ ...fields, [key]: value }))
      expect(err.code).toBe('INPUT_INVALID')
      expect(err.details.field).toBe(key)
    }
  })

  it('refuses any text that is not byte for byte canonical', () => {
    const variants = [
      `${TEXT}\n`,
      TEXT.replaceAll('\n', '\r\n'),
      TEXT.replace('decision: approve', 'decision:  approve'),
      TEXT.replace('decision: approve', 'decision: approve '),
      TEXT.replace('decision: approve', 'Decision: approve'),
      TEXT.replace('policyRevision: 7', 'policyRevision: 07'),
      TEXT.replace('waiaas approval v1', 'waiaas approval v2'),
      TEXT.replace(`contentHash: ${'ab'.repeat(32)}`, `contentHash: ${'AB'.repeat(32)}`),
      TEXT.split('\n').filter((l) => !l.startsWith('nonce')).join('\n'),
      (() => { const l = TEXT.split('\n'); [l[1], l[2]] = [l[2] ?? '', l[1] ?? '']; return l.join('\n') })(),
      '',
    ]
    for (const text of variants) expect(catchErr(() => parseApprovalMessage(text)).code).toBe('APPROVAL_INVALID')
  })

  it('never reads a one-character edit as the original fields', () => {
    const edits: string[] = []
    for (let i = 0; i <= TEXT.length; i++) {
      edits.push(TEXT.slice(0, i) + ' ' + TEXT.slice(i)) // insertion
      if (i < TEXT.length) {
        edits.push(TEXT.slice(0, i) + TEXT.slice(i + 1)) // deletion
        const c = TEXT[i] ?? ''
        const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()
        edits.push(TEXT.slice(0, i) + (swapped === c ? 'x' : swapped) + TEXT.slice(i + 1)) // substitution
      }
    }
    let refused = 0
    for (const text of edits) {
      try {
        const parsed = parseApprovalMessage(text)
        // a valid edit is a different message (another nonce, hash…): it must mean something else and be canonical
        expect(parsed).not.toEqual(fields)
        expect(approvalMessage(parsed)).toBe(text)
      } catch (err) {
        expect((err as { code?: string }).code).toBe('APPROVAL_INVALID')
        refused++
      }
    }
    expect(refused).toBeGreaterThan(edits.length * 0.9)
  })
})

describe('verifyOwnerSignature (EVM)', () => {
  const owner = new Wallet('0x' + '42'.repeat(32))
  const stranger = new Wallet('0x' + '43'.repeat(32))

  it('verifies an EIP-191 personal_sign of the message, addresses compared case-insensitively', async () => {
    const sig = await owner.signMessage(TEXT)
    expect(verifyOwnerSignature('evm', owner.address, TEXT, sig)).toBe(true)
    expect(verifyOwnerSignature('evm', owner.address.toLowerCase(), TEXT, sig)).toBe(true)
  })

  it('returns false for another signer, another message or garbage', async () => {
    const sig = await owner.signMessage(TEXT)
    expect(verifyOwnerSignature('evm', stranger.address, TEXT, sig)).toBe(false)
    expect(verifyOwnerSignature('evm', owner.address, `${TEXT} `, sig)).toBe(false)
    expect(verifyOwnerSignature('evm', owner.address, TEXT, await stranger.signMessage(TEXT))).toBe(false)
    for (const garbage of ['', '0x', '0x1234', 'hello', sig.slice(0, -2), `${sig}00`]) {
      expect(verifyOwnerSignature('evm', owner.address, TEXT, garbage)).toBe(false)
    }
    expect(verifyOwnerSignature('evm', 'not-an-address', TEXT, sig)).toBe(false)
  })
})

describe('verifyOwnerSignature (Solana)', () => {
  const keypair = (): { owner: string; sign: (m: string) => Buffer } => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const x = publicKey.export({ format: 'jwk' }).x ?? ''
    return { owner: base58.encode(Buffer.from(x, 'base64url')), sign: (m) => sign(null, Buffer.from(m, 'utf8'), privateKey) }
  }
  const me = keypair()
  const other = keypair()

  it('verifies Ed25519 over the UTF-8 message, the signature in base58, base64 or 0x hex', () => {
    const sig = me.sign(TEXT)
    expect(verifyOwnerSignature('solana', me.owner, TEXT, base58.encode(sig))).toBe(true)
    expect(verifyOwnerSignature('solana', me.owner, TEXT, sig.toString('base64'))).toBe(true)
    expect(verifyOwnerSignature('solana', me.owner, TEXT, `0x${sig.toString('hex')}`)).toBe(true)
    const unicode = `${TEXT}é✓`
    expect(verifyOwnerSignature('solana', me.owner, unicode, base58.encode(me.sign(unicode)))).toBe(true)
  })

  it('returns false for another key, a tampered message or garbage', () => {
    const sig = base58.encode(me.sign(TEXT))
    expect(verifyOwnerSignature('solana', other.owner, TEXT, sig)).toBe(false)
    expect(verifyOwnerSignature('solana', me.owner, TEXT.replace('approve', 'reject'), sig)).toBe(false)
    for (const garbage of ['', 'abc', base58.encode(new Uint8Array(64)), Buffer.alloc(63).toString('base64'), '0x' + '00'.repeat(64)]) {
      expect(verifyOwnerSignature('solana', me.owner, TEXT, garbage)).toBe(false)
    }
    expect(verifyOwnerSignature('solana', 'not base58 0OIl', TEXT, sig)).toBe(false)
    expect(verifyOwnerSignature('solana', base58.encode(new Uint8Array(31)), TEXT, sig)).toBe(false)
    expect(verifyOwnerSignature('evm', me.owner, TEXT, sig)).toBe(false)
  })
})

describe('contentHash', () => {
  it('is SHA-256 of canonical JSON: sorted keys, no whitespace, bigints as decimal strings, undefined dropped', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x', undefined], c: { z: 2n, y: undefined, x: -0.5 } })).toBe('{"a":[true,null,"x",null],"b":1,"c":{"x":-0.5,"z":"2"}}')
    expect(contentHash({})).toBe(createHash('sha256').update('{}').digest('hex'))
    expect(contentHash({ when: new Date(0) })).toBe(contentHash({ when: '1970-01-01T00:00:00.000Z' }))
  })

  it('is stable under key reordering and distinct for different bigint values', () => {
    const a = { to: 'x', amount: 10n, meta: { b: [1, { d: 1, c: 2 }], a: 'z' } }
    const b = { meta: { a: 'z', b: [1, { c: 2, d: 1 }] }, amount: 10n, to: 'x' }
    expect(contentHash(a)).toBe(contentHash(b))
    expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/)
    expect(contentHash({ ...a, amount: 11n })).not.toBe(contentHash(a))
    expect(contentHash({ amount: 2n ** 256n - 1n })).not.toBe(contentHash({ amount: 2n ** 256n - 2n }))
    expect(contentHash({ ...a, extra: undefined })).toBe(contentHash(a))
  })

  it('refuses values JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const v of [undefined, Number.NaN, Infinity, () => 1, Symbol('s'), cyclic, new Map(), { n: new Uint8Array(1) }]) {
      expect(catchErr(() => canonicalJson(v)).code).toBe('INPUT_INVALID')
    }
    const shared = { k: 1 }
    expect(canonicalJson([shared, shared])).toBe('[{"k":1},{"k":1}]')
  })
})

describe('EVM signatures through @noble/curves', () => {
  it('are byte-identical to ethers SigningKey signatures, and verify', async () => {
    const { signDigest, signPersonalMessage } = await import('../../src/daemon/chains/evm/signing.js')
    const { SigningKey, Wallet, hashMessage, verifyMessage } = await import('ethers')
    for (let i = 0; i < 20; i++) {
      const w = Wallet.createRandom()
      const key = Buffer.from(w.privateKey.slice(2), 'hex')
      const digest = hashMessage(`m${i}`)
      expect(signDigest(key, digest)).toBe(new SigningKey(w.privateKey).sign(digest).serialized)
      expect(verifyMessage(`m${i}`, signPersonalMessage(key, `m${i}`))).toBe(w.address)
    }
  })
})
