/**
 * fast-check arbitraries for params drawn from a method's JSON Schema, for the fuzz tests: well-shaped values that
 * are hostile or plausible for their field, wallet-naming calls mostly coherent with one chain, ids from a pool the
 * caller fills with ids seen in earlier answers.
 */
import fc from 'fast-check'

export interface Schema {
  type?: string
  properties?: Record<string, Schema>
  required?: string[]
  enum?: unknown[]
  anyOf?: Schema[]
  items?: Schema
  minimum?: number
  maximum?: number
  maxItems?: number
  additionalProperties?: Schema | boolean
}

export const EVM = '0x00000000000000000000000000000000000000a1'
export const SOL = 'So11111111111111111111111111111111111111112'
const hostile = ['', ' ', '-1', '1e309', 'NaN', '../x', 'x'.repeat(3000), '💥', '0x', '{"a":']
/** Values by field name; ids are filled in from earlier answers. */
const byKey: Record<string, string[]> = {
  wallet: ['e', 's', 'nobody'],
  wallets: ['e', 's'],
  network: ['evm-local', 'solana-local', 'eip155:31337', 'eip155:1', 'solana:devnet', 'nowhere'],
  to: [EVM, SOL, 'e', '0x0000000000000000000000000000000000000000'],
  spender: [EVM, SOL],
  token: [EVM, SOL],
  amount: ['0.001', '0.1', '0', '5000', '0.0000000000000000001', '115792089237316195423570985008687907853269984665640564039457584007913129639936'],
  type: ['SPENDING_LIMIT', 'RECIPIENT_ALLOWLIST', 'ALLOWED_NETWORKS', 'CONTRACT_ALLOWLIST', 'APPROVED_SPENDERS', 'RATE_LIMIT', 'MAX_PENDING', 'NOPE'],
  data: ['0xa9059cbb', '0x095ea7b3000000000000000000000000', '0xdeadbeef'],
  function: ['transfer(address,uint256)', 'approve(address,uint256)', 'f('],
  message: ['hello', '0x68656c6c6f'],
  name: ['e', 'renamed', 'x y'],
  owner: [EVM, SOL],
  since: ['2026-01-01T00:00:00Z', 'yesterday'],
  before: ['2026-01-01T00:00:00Z', '01J00000000000000000000000'],
  rpcUrl: ['http://127.0.0.1:9', 'ftp://x', 'http://user:pw@127.0.0.1:9'],
  url: ['http://127.0.0.1:9/hook', 'file:///etc/passwd', 'javascript:alert(1)'],
  below: ['0.5', '0', '-3'],
}
/** One chain's wallet, network and addresses, for calls that should get past the mismatch checks. */
const COHERENT: Record<string, string>[] = [
  { wallet: 'e', network: 'evm-local', to: EVM, spender: EVM, owner: EVM },
  { wallet: 'e', network: 'evm-local', to: EVM, token: EVM },
  { wallet: 's', network: 'solana-local', to: '4Nd1mYQzvgV8Vr3Z3nYb7pXYjKq9oJ8yJv7Qh1oQmZ2L', spender: '4Nd1mYQzvgV8Vr3Z3nYb7pXYjKq9oJ8yJv7Qh1oQmZ2L' },
  { wallet: 's', network: 'solana-local', to: '4Nd1mYQzvgV8Vr3Z3nYb7pXYjKq9oJ8yJv7Qh1oQmZ2L', token: SOL },
]
const rulesPool = [
  { instant_max: '0.01', delay_max: '0.1', delay_seconds: 1 },
  { instant_max_usd: '5' },
  { recipients: [EVM] },
  { contracts: [EVM, SOL] },
  { spenders: [EVM] },
  { networks: ['evm-local'] },
  { max_requests: 3, per_seconds: 60 },
  { max_pending: 1 },
  { instant_max: '-1' },
  {},
  null,
]

/** An arbitrary for one value of `schema`, named `key` in its parent. */
export function arb(schema: Schema, key: string, ids: string[]): fc.Arbitrary<unknown> {
  // Policy rules: the pool's plausible and broken ones, and draws from the advertised branch of each type.
  if (key === 'rules') {
    const pool = { arbitrary: fc.constantFrom(...rulesPool), weight: 1 }
    return schema.anyOf === undefined ? pool.arbitrary : fc.oneof(pool, { arbitrary: fc.oneof(...schema.anyOf.map((s) => arb(s, 'rule', ids))), weight: 1 })
  }
  // A wait is short (the pipeline answers in milliseconds here), with the odd out-of-range value.
  if (key === 'timeoutMs') return fc.oneof({ arbitrary: fc.integer({ min: 0, max: 200 }), weight: 8 }, { arbitrary: fc.constantFrom(-1, 600_001, 1.5), weight: 1 })
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map((s) => arb(s, key, ids)))
  if (schema.enum !== undefined) return fc.oneof({ arbitrary: fc.constantFrom(...schema.enum), weight: 5 }, { arbitrary: fc.constantFrom(...hostile), weight: 1 })
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? {}
      if (Object.keys(props).length === 0) return key === 'rules' ? fc.constantFrom(...rulesPool) : fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
      const required = new Set(schema.required ?? [])
      const fields = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, arb(s, k, ids)]))
      // Mostly complete calls (required keys present); sometimes one missing or one unknown key.
      const shaped = fc.oneof(
        { arbitrary: fc.record(fields, { requiredKeys: [...required] }), weight: 8 },
        { arbitrary: fc.record(fields, { requiredKeys: [] }), weight: 1 },
        { arbitrary: fc.record(fields, { requiredKeys: [...required] }).map((o) => ({ ...o, unexpected: 1 })), weight: 1 },
      )
      if (!('wallet' in props)) return shaped
      // Calls that name a wallet: two in three get one chain's wallet, network and addresses throughout, so they reach
      // the policy engine and the chain; the rest keep their independent (mostly mismatched) draws.
      return fc.tuple(shaped, fc.constantFrom(...COHERENT), fc.nat(2)).map(([o, set, n]) => {
        if (n === 0 || o === null || typeof o !== 'object') return o
        const out = { ...(o as Record<string, unknown>) }
        for (const [k, v] of Object.entries(set)) if (k in out) out[k] = v
        return out
      })
    }
    case 'array': {
      const item = schema.items ?? {}
      return fc.array(arb(item, key, ids), { maxLength: Math.min(schema.maxItems ?? 3, 3) })
    }
    case 'string': {
      const pool = key === 'id' || key.endsWith('Id') ? ids : (byKey[key] ?? ['e', 'evm-local', '0.1', EVM])
      return fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 6 }, { arbitrary: fc.constantFrom(...hostile), weight: 1 }, { arbitrary: fc.string({ maxLength: 20 }), weight: 1 })
    }
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? -1e6
      const hi = schema.maximum ?? 1e6
      return fc.oneof({ arbitrary: fc.integer({ min: Math.max(lo, -1e9), max: Math.min(hi, 1e9) }), weight: 6 }, { arbitrary: fc.constantFrom(-1, 0, 2 ** 53, 1.5), weight: 1 })
    }
    case 'boolean':
      return fc.boolean()
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/** Every string `id` in an answer, added to `into`, so later calls can name real requests, policies, sessions and channels. */
export function collectIds(value: unknown, into: Set<string>): void {
  if (value === null || typeof value !== 'object') return
  for (const [k, v] of Object.entries(value)) {
    if (k === 'id' && typeof v === 'string') into.add(v)
    else collectIds(v, into)
  }
}
