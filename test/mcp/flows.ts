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
import { contract, exposes } from '../../src/lib/contract/index.js'
import type { DaemonClient } from '../../src/cli/client.js'
import { POLICY_TYPES } from '../../src/daemon/policy/types.js'
import { PASSWORD } from '../helpers/daemon.js'
import { localChain } from '../helpers/chains.js'

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
  await daemon.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const w = await daemon.call('wallet.create', { chain: 'evm', name }, op)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await daemon.call(
    'policy.add',
    { wallet: name, type: 'SPENDING_LIMIT', rules: { instant_max: '0.1', delay_max: '0.2', delay_seconds: 600, daily_limit: '5', on_exceed: 'DENY' } },
    op,
  )
  return { address: w.address, provider }
}

type JsonSchema = { description?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; additionalProperties?: JsonSchema | boolean }

/** Every property of `schema` (nested in objects, arrays and alternatives too) without a description, as paths. */
export function undescribed(schema: JsonSchema, path = ''): string[] {
  const out: string[] = []
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const at = `${path}${path === '' ? '' : '.'}${key}`
    if (typeof prop.description !== 'string' || prop.description.trim() === '') out.push(at)
    out.push(...undescribed(prop, at))
  }
  if (schema.items !== undefined) out.push(...undescribed(schema.items, `${path}[]`))
  for (const [i, branch] of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].entries()) out.push(...undescribed(branch, `${path}|${i}`))
  if (typeof schema.additionalProperties === 'object') out.push(...undescribed(schema.additionalProperties, `${path}{}`))
  return out
}

/** What each tool's annotations say, pinned: reads (asking a node or not), sends and signatures, the agent's own writes. */
const READ_LOCAL = { readOnlyHint: true, openWorldHint: false }
const READ_CHAIN = { readOnlyHint: true, openWorldHint: true }
const MOVES = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }
const OWN_STATE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false }
export const ANNOTATIONS: Record<string, Record<string, boolean>> = {
  system_status: READ_LOCAL,
  wallet_list: READ_LOCAL,
  wallet_show: READ_LOCAL,
  balance_get: READ_CHAIN,
  calldata_encode: READ_LOCAL,
  tx_simulate: READ_CHAIN,
  tx_send: MOVES,
  tx_sendBatch: MOVES,
  tx_call: MOVES,
  tx_tokenApprove: MOVES,
  sign_message: MOVES,
  sign_typedData: MOVES,
  sign_tx: MOVES,
  tx_list: READ_LOCAL,
  tx_show: READ_LOCAL,
  tx_wait: READ_LOCAL,
  tx_cancel: MOVES,
  policy_add: OWN_STATE,
  policy_list: READ_LOCAL,
  policy_show: READ_LOCAL,
  policy_test: READ_CHAIN,
  killswitch_status: READ_LOCAL,
  network_list: READ_LOCAL,
  session_renew: OWN_STATE,
  session_whoami: READ_LOCAL,
  session_info: READ_LOCAL,
  incoming_summary: READ_LOCAL,
  incoming_list: READ_LOCAL,
  token_list: READ_LOCAL,
  token_resolve: READ_LOCAL,
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
        .filter(([, d]) => exposes(d, 'mcp'))
        .map(([m]) => m.replaceAll('.', '_'))
      expect(tools.map((t) => t.name).sort()).toEqual(expected.sort())
      expect(expected).toEqual(expect.arrayContaining(['tx_send', 'policy_test', 'balance_get', 'session_whoami', 'tx_cancel']))
      for (const name of ['tx_approve', 'wallet_export', 'session_create', 'vault_unlock']) expect(expected).not.toContain(name)
      for (const t of tools) {
        expect(t.inputSchema.type, t.name).toBe('object')
        expect(t.outputSchema?.type, t.name).toBe('object')
        const def = contract[t.name.replace('_', '.') as keyof typeof contract]
        expect(t.description, t.name).toBe(def.summary)
        // Clients that pass schemas to a model API refuse a combinator at the top (Anthropic's tool input_schema does).
        for (const k of ['anyOf', 'oneOf', 'allOf']) expect(t.inputSchema, t.name).not.toHaveProperty(k)
        // Every argument, nested ones too, says what it is.
        expect(undescribed(t.inputSchema as JsonSchema), t.name).toEqual([])
        // Reads may run without asking; sends and signatures are destructive and reach a public chain.
        expect(t.annotations, t.name).toEqual(ANNOTATIONS[t.name])
      }
      expect(Object.keys(ANNOTATIONS).sort()).toEqual(tools.map((t) => t.name).sort())
      const txSend = tools.find((t) => t.name === 'tx_send')
      expect(txSend?.inputSchema.required).toEqual(expect.arrayContaining(['wallet', 'network', 'to', 'amount']))
    })

    it("policy_add advertises our types as an enum and each type's rules as a branch titled with it", async () => {
      const { tools } = await client.listTools()
      const schema = tools.find((t) => t.name === 'policy_add')?.inputSchema as { properties: Record<string, any>; required: string[] }
      expect(schema.properties.type.enum).toEqual([...POLICY_TYPES])
      expect(schema.required).toEqual(expect.arrayContaining(['type', 'rules']))
      const branches = schema.properties.rules.anyOf as { title: string; type: string; properties: Record<string, unknown>; additionalProperties: boolean }[]
      expect(branches.map((b) => b.title)).toEqual([...POLICY_TYPES])
      for (const b of branches) {
        expect(b.type, b.title).toBe('object')
        expect(b.additionalProperties, b.title).toBe(false)
      }
      const spending = branches.find((b) => b.title === 'SPENDING_LIMIT')
      expect(Object.keys(spending?.properties ?? {})).toEqual(expect.arrayContaining(['instant_max_usd', 'delay_max', 'delay_seconds', 'daily_limit', 'on_exceed']))
      // A policy shaped as its branch says is taken; a field no branch of the type has is refused, by name.
      const denied = '0x' + '5a'.repeat(20)
      const ok = await tool(client, seen, 'policy_add', { wallet: opts.wallet, type: 'RECIPIENT_DENYLIST', rules: { recipients: [denied] } })
      expect(ok.isError, JSON.stringify(ok)).toBeFalsy()
      expect(ok.structuredContent).toMatchObject({ policy: { type: 'RECIPIENT_DENYLIST', rules: { recipients: [denied] } } })
      const bad = toolError(await tool(client, seen, 'policy_add', { wallet: opts.wallet, type: 'RECIPIENT_DENYLIST', rules: { recipient: [denied] } }))
      expect(bad).toMatchObject({ code: 'POLICY_INVALID', details: { type: 'RECIPIENT_DENYLIST', field: 'rules.recipient', issue: 'unknown-field' } })
      // The hint points at this tool's schema, not at `waiaas policy add --help`.
      expect(bad.hint).toContain('`policy_add`')
      expect(bad.hint).not.toMatch(/`waiaas /)
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
      // The agent waits for it with tx_wait: the request comes back final.
      const waited = await tool(client, seen, 'tx_wait', { id: req.id, timeoutMs: 20_000 })
      expect(waited.isError, JSON.stringify(waited)).toBeFalsy()
      expect(waited.structuredContent).toMatchObject({ id: req.id, state: 'confirmed', final: true })
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
      // tx_wait returns when its timeout passes, the request as it is then (not an error).
      const still = await tool(client, seen, 'tx_wait', { id: req.id, timeoutMs: 50 })
      expect(still.isError).toBeFalsy()
      expect(still.structuredContent).toMatchObject({ id: req.id, state: 'awaiting_approval', final: false })
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
      // The hint names the tool that explains the decision, not the CLI command.
      expect(e.hint).toContain('`policy_test`')
      expect(text).toContain('`policy_test`')
      expect(text).not.toMatch(/`waiaas /)
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
          to: { type: 'string', minLength: 1, maxLength: 128, description: 'The recipient: an EVM 0x address or a Solana base58 address' },
          amount: { type: 'string', maxLength: 100, description: 'A decimal string in whole units, e.g. "0.01"' },
          token: { type: 'string', minLength: 1, maxLength: 128, description: 'A token transfer: the ERC-20 contract or SPL mint, or its symbol in the token registry (e.g. USDC); without it, the native coin' },
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
      await expectBad({ wallet: opts.wallet, network: 'evm-local', amount: '0.01' }, { field: 'to', problem: 'is required: a string (The recipient: an EVM 0x address or a Solana base58 address)' })
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

    it('a hint names the tool to call next, with its arguments where they are known', async () => {
      const r = await tool(client, seen, 'tx_show', { id: '01J00000000000000000000000' })
      const e = toolError(r)
      expect(e.code).toBe('TX_NOT_FOUND')
      expect(e.hint).toBe('List transactions with `tx_list`.')
      expect((r.content[0] as { text: string }).text).toContain('Hint: List transactions with `tx_list`.')
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
