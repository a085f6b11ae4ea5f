/**
 * Disperse calls (what EVM tx.sendBatch signs) decode into the transfers they make, strictly: only the canonical ABI
 * encoding is read; any other bytes under these selectors are refused. And a batch's native value, which goes to the
 * batcher, is matched to its transfers when the simulated effect is compared with what was decided.
 */
import { Interface, Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { withEffects } from '../../src/daemon/pipeline/effects.js'
import { actionsFromIntent, decodeEvmCall } from '../../src/daemon/policy/decode.js'
import { MAX_INNER_CALLS } from '../../src/daemon/policy/decode-evm.js'
import { catchErr } from '../helpers/errors.js'

const BATCHER = '0xD15e0000000000000000000000000000000bA7C4'
const TOKEN = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const [batcher, token, alice, bob] = [BATCHER, TOKEN, ALICE, BOB].map((a) => a.toLowerCase()) as [string, string, string, string]
const abi = new Interface([
  'function disperseEther(address[] recipients, uint256[] values)',
  'function disperseToken(address token, address[] recipients, uint256[] values)',
  'function disperseTokenSimple(address token, address[] recipients, uint256[] values)',
  'function multicall(bytes[] data)',
])
const ether = (to: string[], values: bigint[]): string => abi.encodeFunctionData('disperseEther', [to, values])
const word = (n: bigint): string => n.toString(16).padStart(64, '0')

describe('Disperse calldata', () => {
  it('disperseEther: the call (with any value beyond the sum) plus a native transfer per recipient, paid via the contract', () => {
    const sel = ether([], []).slice(0, 10)
    expect(decodeEvmCall(BATCHER, ether([ALICE, BOB], [1n, 2n]), 5n)).toEqual([
      { kind: 'contract-call', contract: batcher, selector: sel, value: 2n },
      { kind: 'native-transfer', to: alice, amount: 1n, via: batcher },
      { kind: 'native-transfer', to: bob, amount: 2n, via: batcher },
    ])
    // Less value than the transfers: the transfers still count in full.
    expect(decodeEvmCall(BATCHER, ether([ALICE], [7n]), 0n)[0]).toMatchObject({ kind: 'contract-call', value: 0n })
  })

  it('disperseToken and disperseTokenSimple: the call plus a token transfer per recipient, to whatever contract', () => {
    for (const fn of ['disperseToken', 'disperseTokenSimple']) {
      const data = abi.encodeFunctionData(fn, [TOKEN, [ALICE, BOB], [10n, 20n]])
      const other = Wallet.createRandom().address
      expect(decodeEvmCall(other, data, 0n)).toEqual([
        { kind: 'contract-call', contract: other.toLowerCase(), selector: data.slice(0, 10), value: 0n },
        { kind: 'token-transfer', token, to: alice, amount: 10n },
        { kind: 'token-transfer', token, to: bob, amount: 20n },
      ])
    }
  })

  it('is read inside a multicall too', () => {
    const inner = ether([ALICE], [3n])
    const actions = decodeEvmCall(BATCHER, abi.encodeFunctionData('multicall', [[inner]]), 3n)
    expect(actions).toContainEqual({ kind: 'native-transfer', to: alice, amount: 3n, via: batcher })
  })

  it('refuses anything but the canonical encoding: trailing bytes, dirty address words, moved arrays, short data, mismatched lengths, too many recipients', () => {
    const canonical = ether([ALICE], [1n])
    const sel = canonical.slice(0, 10)
    const body = canonical.slice(10)
    // Arrays moved one word further, with a junk word in between: Solidity would read it the same way.
    const moved = `${sel}${word(0x60n)}${word(0xa0n)}${word(0n)}${body.slice(128)}`
    const variants = {
      trailing: `${canonical}${'00'.repeat(32)}`,
      dirty: canonical.replace(`000000000000000000000000${alice.slice(2)}`, `000000000000000000000001${alice.slice(2)}`),
      moved,
      short: canonical.slice(0, -64),
      lengths: ether([ALICE, BOB], [1n, 2n]).replace(word(2n) + word(1n), word(1n) + word(1n)),
      many: ether(Array.from({ length: MAX_INNER_CALLS + 1 }, () => ALICE), Array.from({ length: MAX_INNER_CALLS + 1 }, () => 1n)),
      mismatch: `${sel}${word(0x40n)}${word(0x80n)}${word(1n)}${word(BigInt(alice))}${word(2n)}${word(1n)}${word(1n)}`,
    }
    for (const [name, data] of Object.entries(variants)) {
      expect(data, name).not.toBe(canonical)
      const err = catchErr(() => decodeEvmCall(BATCHER, data, 1n, { field: 'data' }))
      expect(err.code, name).toBe('INPUT_INVALID')
      expect(err.details.field, name).toBe('data')
    }
  })
})

describe('a batch intent through a batcher', () => {
  it('pays each recipient via the batcher, and the simulated value to the batcher adds nothing to what is judged', () => {
    const intent = { kind: 'batch' as const, via: BATCHER, transfers: [{ kind: 'native-transfer' as const, to: ALICE, amount: 4n }, { kind: 'native-transfer' as const, to: BOB, amount: 6n }] }
    const decided = actionsFromIntent(intent)
    expect(decided).toEqual([
      { kind: 'native-transfer', to: alice, amount: 4n, via: batcher },
      { kind: 'native-transfer', to: bob, amount: 6n, via: batcher },
    ])
    expect(withEffects(decided, [{ kind: 'native-transfer', to: batcher, amount: 10n }])).toEqual(decided)
    // More value to the batcher than the transfers account for is judged as a transfer to it.
    expect(withEffects(decided, [{ kind: 'native-transfer', to: batcher, amount: 11n }]).slice(2)).toEqual([{ kind: 'native-transfer', to: batcher, amount: 1n }])
  })
})
