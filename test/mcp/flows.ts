/**
 * The agent's flows over MCP, shared by the stdio and Streamable HTTP tests: the SDK's own client against the real
 * daemon on the local EVM chain. Tools come from the contract; a send lands, waits for approval or a delay, or is
 * denied with the rule and what would pass; loosening a policy is refused; bad arguments are tool results that name
 * the argument and what it should be; an unknown tool is a protocol error.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { JsonRpcProvider, parseEther, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { contract } from '../../src/lib/contract.js'
import type { DaemonClient } from '../../src/lib/client.js'
import { PASSWORD } from '../helpers/daemon.js'

export const op = { password: PASSWORD }

/** Every tool result a test saw, as JSON, so the last test can check none carries a secret. */
export type Seen = string[]

/** Calls a tool and records its result. */
export async function tool(client: Client, seen: Seen, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult
  seen.push(JSON.stringify(r))
  return r
}

/** The structured error of a failed tool call (and that it failed). */
export function toolError(r: CallToolResult): { code: string; message: string; details: Record<string, any>; hint: string } {
  expect(r.isError, JSON.stringify(r)).toBe(true)
  return (r.structuredContent as { error: any }).error
}

/** The McpError a call rejects with. */
export async function protocolError(p: Promise<unknown>): Promise<McpError> {
  try {
    await p
  } catch (err) {
    if (err instanceof McpError) return err
    throw err
  }
  throw new Error('expected an McpError, but the call succeeded')
}

/** Creates the wallet `name` funded with 100 ETH on evm-local, with tiers 0.1 INSTANT / 0.2 DELAY / above APPROVAL and a daily 5 that denies. */
export async function fundedWallet(daemon: DaemonClient, name: string): Promise<{ address: string; provider: JsonRpcProvider }> {
  await daemon.call('network.set', { network: 'evm-local', rpcUrl: inject('evmRpcUrl') }, op)
  const provider = new JsonRpcProvider(inject('evmRpcUrl'), 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const w = await daemon.call('wallet.create', { chain: 'evm', name }, op)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await daemon.call(
    'policy.add',
    { wallet: name, type: 'SPENDING_LIMIT', rules: { instant_max: '0.1', delay_max: '0.2', delay_seconds: 600, daily_limit: '5', on_exceed: 'DENY' } },
    op,
  )
  return { address: w.address, provider }
}

/**
 * Registers the shared flows. `connect` opens an MCP client acting as the session whose token it is given;
 * `daemon()` is the operator's socket connection to the same daemon.
 */
export function agentFlows(opts: { daemon: () => DaemonClient; connect: (token: string) => Promise<Client>; wallet: string }): { seen: Seen; token: () => string } {
  const seen: Seen = []
  let token = ''
  let client: Client
  let provider: JsonRpcProvider
  let address = ''
  const dest = (): string => EthersWallet.createRandom().address
  const send = (to: string, amount: string): Promise<CallToolResult> =>
    tool(client, seen, 'tx_send', { wallet: opts.wallet, network: 'evm-local', to, amount })

  beforeAll(async () => {
    ;({ provider, address } = await fundedWallet(opts.daemon(), opts.wallet))
    token = (await opts.daemon().call('session.create', { wallets: [opts.wallet], name: 'mcp-flows' }, op)).token
    client = await opts.connect(token)
  })
  afterAll(async () => {
    await client?.close()
    provider?.destroy()
  })

  describe('agent flows', () => {
    it('lists one tool per MCP method of the contract, each with an object input schema', async () => {
      const { tools } = await client.listTools()
      const expected = Object.entries(contract)
        .filter(([, d]) => d.mcp)
        .map(([m]) => m.replaceAll('.', '_'))
      expect(tools.map((t) => t.name).sort()).toEqual(expected.sort())
      expect(expected).toEqual(expect.arrayContaining(['tx_send', 'policy_test', 'balance_get', 'session_whoami', 'tx_cancel']))
      for (const name of ['tx_approve', 'wallet_export', 'session_create', 'vault_unlock']) expect(expected).not.toContain(name)
      for (const t of tools) {
        expect(t.inputSchema.type, t.name).toBe('object')
        expect(t.outputSchema?.type, t.name).toBe('object')
        const def = contract[t.name.replace('_', '.') as keyof typeof contract]
        expect(t.description, t.name).toBe(def.summary)
        // Read-only methods say so, so a client may run them without asking; nothing that moves funds does.
        expect(t.annotations?.readOnlyHint === true, t.name).toBe('readOnly' in def && def.readOnly === true)
      }
      expect(tools.find((t) => t.name === 'balance_get')?.annotations?.readOnlyHint).toBe(true)
      expect(tools.find((t) => t.name === 'tx_send')?.annotations?.readOnlyHint).toBeUndefined()
      const txSend = tools.find((t) => t.name === 'tx_send')
      expect(txSend?.inputSchema.required).toEqual(expect.arrayContaining(['wallet', 'network', 'to', 'amount']))
    })

    it("reads the session's scope and the wallet's balance", async () => {
      const who = await tool(client, seen, 'session_whoami')
      expect(who.isError).toBeFalsy()
      expect(who.structuredContent).toMatchObject({ name: 'mcp-flows', status: 'active', wallets: [{ name: opts.wallet }] })
      const r = await tool(client, seen, 'balance_get', { wallet: opts.wallet, network: 'evm-local' })
      expect(r.isError).toBeFalsy()
      const bal = r.structuredContent as { wallet: { address: string }; balances: { token: string | null; amount: string }[] }
      expect(bal.wallet.address).toBe(address)
      const native = bal.balances.find((b) => b.token === null)
      expect(parseEther(native?.amount ?? 'x')).toBe(await provider.getBalance(address))
      expect(JSON.parse((r.content[0] as { text: string }).text)).toEqual(bal)
    })

    it('sends within the INSTANT tier; the transfer lands on chain', async () => {
      const to = dest()
      const r = await send(to, '0.01')
      expect(r.isError).toBeFalsy()
      const req = r.structuredContent as { id: string; tier: string; state: string }
      expect(req).toMatchObject({ tier: 'INSTANT', state: 'submitted', to: to.toLowerCase(), amount: '0.01' })
      expect((await opts.daemon().call('tx.wait', { id: req.id, timeoutMs: 20_000 }, op)).state).toBe('confirmed')
      expect(await provider.getBalance(to)).toBe(parseEther('0.01'))
    })

    it('a send in the DELAY tier comes back queued (not an error), and the agent can cancel it', async () => {
      const to = dest()
      const r = await send(to, '0.15')
      expect(r.isError).toBeFalsy()
      const req = r.structuredContent as { id: string }
      expect(req).toMatchObject({ tier: 'DELAY', state: 'queued' })
      const c = await tool(client, seen, 'tx_cancel', { id: req.id })
      expect(c.structuredContent).toMatchObject({ id: req.id, state: 'cancelled' })
      expect(await provider.getBalance(to)).toBe(0n)
    })

    it('a send above delay_max awaits approval; once the operator approves, it lands', async () => {
      const to = dest()
      const r = await send(to, '0.3')
      expect(r.isError).toBeFalsy()
      const req = r.structuredContent as { id: string }
      expect(req).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval' })
      expect(await provider.getBalance(to)).toBe(0n)
      await opts.daemon().call('tx.approve', { id: req.id }, op)
      expect((await opts.daemon().call('tx.wait', { id: req.id, timeoutMs: 20_000 }, op)).state).toBe('confirmed')
      expect(await provider.getBalance(to)).toBe(parseEther('0.3'))
      const shown = await tool(client, seen, 'tx_show', { id: req.id })
      expect(shown.structuredContent).toMatchObject({ id: req.id, state: 'confirmed' })
    })

    it('a denied send is a tool error naming the rule and what would pass', async () => {
      const to = dest()
      const r = await send(to, '6')
      const e = toolError(r)
      expect(e.code).toBe('POLICY_DENIED')
      expect(e.details.rule).toMatchObject({ type: 'SPENDING_LIMIT', field: 'daily_limit' })
      expect(e.details.wouldPass).toMatch(/^amount ≤ [\d.]+ ETH would fit the daily limit$/)
      expect(typeof e.details.reason).toBe('string')
      const text = (r.content[0] as { text: string }).text
      expect(text).toContain('POLICY_DENIED')
      expect(text).toContain(`Would pass: ${e.details.wouldPass}`)
      expect(await provider.getBalance(to)).toBe(0n)
      // policy_test explains the same decision without sending.
      const t = await tool(client, seen, 'policy_test', { wallet: opts.wallet, network: 'evm-local', to, amount: '6' })
      expect(t.structuredContent).toMatchObject({ tier: 'DENY', decisive: { rule: { field: 'daily_limit' }, wouldPass: e.details.wouldPass } })
    })

    it('an attempt to loosen a policy is refused as a tool error', async () => {
      const before = await opts.daemon().call('policy.list', { wallet: opts.wallet }, op)
      const r = await tool(client, seen, 'policy_add', { wallet: opts.wallet, type: 'SPENDING_LIMIT', rules: { instant_max: '1000' } })
      expect(toolError(r).code).toBe('POLICY_NOT_STRICTER')
      expect((await opts.daemon().call('policy.list', { wallet: opts.wallet }, op)).revision).toBe(before.revision)
    })

    it('the advertised input schema of tx_send is the contract\'s, unchanged', async () => {
      const { tools } = await client.listTools()
      // Pinned: bad arguments are now tool results, but what the model is told to send stays exactly this.
      expect(tools.find((t) => t.name === 'tx_send')?.inputSchema).toEqual({
        type: 'object',
        properties: {
          wallet: { type: 'string', minLength: 1, maxLength: 128, description: 'A wallet id or its unique name' },
          network: { type: 'string', minLength: 1, maxLength: 128, description: 'A CAIP-2 network id or an alias (see network list)' },
          to: { type: 'string', minLength: 1, maxLength: 128 },
          amount: { type: 'string', maxLength: 100, description: 'A decimal string in whole units, e.g. "0.01"' },
          token: { type: 'string', minLength: 1, maxLength: 128 },
          idempotencyKey: { type: 'string', minLength: 1, maxLength: 128, description: 'The same key never moves funds twice, even across restarts' },
        },
        required: ['wallet', 'network', 'to', 'amount'],
      })
    })

    it('bad arguments are tool results naming the argument and what it should be (once); nothing is sent', async () => {
      const before = (await opts.daemon().call('tx.list', { wallet: opts.wallet, limit: 100 }, op)).requests.length
      const hint = 'Hint: Correct the arguments named and call tx_send again; its inputSchema in tools/list describes each one.'
      const expectBad = async (args: Record<string, unknown>, issue: { field: string; problem: string }): Promise<void> => {
        const r = await tool(client, seen, 'tx_send', args)
        const e = toolError(r)
        expect(e).toMatchObject({ code: 'INPUT_INVALID', message: 'Invalid arguments for tx_send', details: { tool: 'tx_send', issues: [issue] } })
        expect(r.content).toEqual([{ type: 'text', text: `INPUT_INVALID: Invalid arguments for tx_send\n${issue.field} ${issue.problem}\n${hint}` }])
      }
      const base = { wallet: opts.wallet, network: 'evm-local', to: dest() }
      // A number where the amount's decimal string belongs.
      await expectBad({ ...base, amount: 0.1 }, { field: 'amount', problem: 'must be a string (A decimal string in whole units, e.g. "0.01"), not a number' })
      // A required argument left out.
      await expectBad({ wallet: opts.wallet, network: 'evm-local', amount: '0.01' }, { field: 'to', problem: 'is required: a string' })
      // An argument the tool does not take: a misspelt `token` must not become a native transfer.
      await expectBad(
        { ...base, amount: '0.01', tokn: '0x' + '22'.repeat(20) },
        { field: 'tokn', problem: 'is not an argument of tx_send (tx_send takes wallet, network, to, amount, token, idempotencyKey)' },
      )
      // A string that is not an amount is found by the daemon: still a tool result, with the daemon's code.
      const r = await tool(client, seen, 'tx_send', { ...base, amount: '1e3' })
      expect(toolError(r)).toMatchObject({ code: 'INPUT_INVALID_AMOUNT', details: { field: 'amount' } })
      expect((r.content[0] as { text: string }).text).toMatch(/^INPUT_INVALID_AMOUNT: /)
      for (const text of seen.slice(-4)) expect(text).not.toContain('MCP error')
      expect((await opts.daemon().call('tx.list', { wallet: opts.wallet, limit: 100 }, op)).requests).toHaveLength(before)
    })

    it('an unknown tool stays a protocol error, its message said once', async () => {
      const unknown = await protocolError(client.callTool({ name: 'tx_approve', arguments: { id: 'x' } }))
      expect(unknown.code).toBe(ErrorCode.InvalidParams)
      expect(unknown.message).toBe('MCP error -32602: Unknown tool: tx_approve')
    })

    it('no tool result carries the session token or the master password', () => {
      expect(seen.length).toBeGreaterThanOrEqual(10)
      for (const r of seen) {
        expect(r).not.toContain(token)
        expect(r).not.toContain(PASSWORD)
      }
    })
  })
  return { seen, token: () => token }
}
