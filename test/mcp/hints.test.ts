/**
 * Hints rendered for an MCP client: a CLI command becomes the tool of the same contract method (with the arguments
 * the hint gives), a flag of the tool called becomes its argument, a command no tool offers (or a loosening policy)
 * stays the operator's. Every hint of the error table that names a command renders without a bare `waiaas` command.
 */
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/lib/errors.js'
import { forMcp, renderTexts } from '../../src/mcp/hints.js'

describe('forMcp', () => {
  it('names the tool that calls the same method', () => {
    expect(forMcp('Run `waiaas policy test` to see which rule decided and what would pass.')).toBe('Run `policy_test` to see which rule decided and what would pass.')
    expect(forMcp('List wallets with `waiaas wallet list`.')).toBe('List wallets with `wallet_list`.')
    // Commands named otherwise than their method.
    expect(forMcp('See `waiaas balance`.')).toBe('See `balance_get`.')
    expect(forMcp('Or use `waiaas send`.')).toBe('Or use `tx_send`.')
  })

  it('carries the arguments the hint gives, by their argument names', () => {
    expect(forMcp('See `waiaas tx show 01JABCDEF`.')).toBe('See `tx_show` with {"id":"01JABCDEF"}.')
    expect(forMcp('Try `waiaas policy list --wallet hot --json`.')).toBe('Try `policy_list` with {"wallet":"hot"}.')
    // A placeholder is left for the reader: the tool alone.
    expect(forMcp('See `waiaas policy list --wallet W`.')).toBe('See `policy_list`.')
    expect(forMcp('See `waiaas tx show ID`.')).toBe('See `tx_show`.')
  })

  it("marks what no tool offers as the operator's, and a suggested policy with its rules too", () => {
    expect(forMcp('Approve it with `waiaas tx approve`, or wait.')).toBe("Approve it with the operator's `waiaas tx approve`, or wait.")
    expect(forMcp('Read `waiaas daemon logs`.')).toBe("Read the operator's `waiaas daemon logs`.")
    const suggestion = `No SPENDING_LIMIT applies: waiaas policy add --wallet 01JW --type SPENDING_LIMIT --rules '{"instant_max":"0.01"}'`
    expect(forMcp(suggestion)).toBe(`No SPENDING_LIMIT applies: the operator's \`waiaas policy add --wallet 01JW --type SPENDING_LIMIT --rules '{"instant_max":"0.01"}'\``)
  })

  it("points --help at the tool's inputSchema", () => {
    expect(forMcp("Fix the rules field named in details; `waiaas policy add --help` lists each type's fields.")).toBe(
      "Fix the rules field named in details; the inputSchema of `policy_add` (tools/list) lists each type's fields.",
    )
  })

  it('names the arguments of the tool called where the text names its flags, and only those', () => {
    const hint = 'Pass --wallet with an id or a name from `waiaas wallet list`; --data-dir elsewhere.'
    expect(forMcp(hint, 'balance.get')).toBe('Pass `wallet` with an id or a name from `wallet_list`; --data-dir elsewhere.')
    expect(forMcp('Pass --network, e.g. --network base.', 'balance.get')).toBe('Pass `network`, e.g. `network` base.')
    expect(forMcp('Pass --network.', 'tx.show')).toBe('Pass --network.')
  })

  it('leaves other text alone', () => {
    for (const text of ['not a waiaas approval message', 'waiaas mcp tries again at the next tool call', 'use `--clear`', 'a ` lone backtick', 'waiaas balance shows it']) {
      expect(forMcp(text), text).toBe(text === 'waiaas balance shows it' ? '`balance_get` shows it' : text)
    }
  })

  it('leaves no bare CLI command in any default hint of the error table', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      const out = forMcp(info.hint)
      // What remains of `waiaas …` is marked as the operator's.
      for (const m of out.matchAll(/`waiaas [^`]*`/g)) expect(out.slice(0, m.index), code).toMatch(/the operator's $/)
    }
    expect(forMcp(ERROR_CODES.POLICY_DENIED.hint)).toContain('`policy_test`')
    expect(forMcp(ERROR_CODES.TX_NOT_COMPLETED.hint)).toContain('`tx_show`')
  })
})

describe('renderTexts', () => {
  it('renders hints, reasons and what would pass at any depth, and never data', () => {
    const value = {
      message: 'sign `waiaas tx show`',
      decision: { reason: 'see `waiaas tx list`', wouldPass: 'x: waiaas policy add --wallet w --type FEE_CAP --rules \'{"max_fee":"1"}\'' },
      verdicts: [{ reason: 'run `waiaas network list`' }],
      to: 'waiaas tx show',
    }
    expect(renderTexts(value)).toEqual({
      message: 'sign `waiaas tx show`',
      decision: { reason: 'see `tx_list`', wouldPass: 'x: the operator\'s `waiaas policy add --wallet w --type FEE_CAP --rules \'{"max_fee":"1"}\'`' },
      verdicts: [{ reason: 'run `network_list`' }],
      to: 'waiaas tx show',
    })
  })
})
