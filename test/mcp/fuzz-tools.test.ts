/**
 * Every MCP tool through `waiaas mcp` on stdio (the SDK's own client), as an agent session over two wallets on the
 * local chains, with arguments drawn from the tool's own input schema (fixed seed). Whatever the arguments: a
 * result, or an `isError` result carrying a documented code other than INTERNAL (bad arguments included, each named
 * in its text); never a protocol error, never another failure. The session never reaches a wallet outside its scope, never loosens a
 * policy (the operator's limit still decides), and no result or error carries the session's token.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { Connection, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js'
import { JsonRpcProvider } from 'ethers'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/lib/errors.js'
import { BIN, cliEnv } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { arb, collectIds, type Schema } from '../helpers/schema-arb.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const RUNS_PER_TOOL = 40
let client: Client
let token = ''
const seenIds = new Set<string>(['01J00000000000000000000000'])

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, op)
  const e = await t.client.call('wallet.create', { chain: 'evm', name: 'e' }, op)
  const s = await t.client.call('wallet.create', { chain: 'solana', name: 's' }, op)
  await t.client.call('wallet.create', { chain: 'evm', name: 'outside' }, op)
  const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [e.address, '0x56bc75e2d63100000'])
  provider.destroy()
  await new Connection(localChain().solanaRpcUrl, 'confirmed').requestAirdrop(new PublicKey(s.address), 10 * LAMPORTS_PER_SOL)
  // The operator's limits: instant up to 0.01, then a delay up to 0.1, approval above; at most 1 a day.
  for (const wallet of ['e', 's', 'outside']) {
    await t.client.call('policy.add', { wallet, type: 'SPENDING_LIMIT', rules: { instant_max: '0.01', delay_max: '0.1', delay_seconds: 1, daily_limit: '1' } }, op)
  }
  token = (await t.client.call('session.create', { wallets: ['e', 's'], name: 'fuzz' }, op)).token
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN: token }) as Record<string, string> })
  client = new Client({ name: 'fuzz', version: '1.0.0' })
  await client.connect(transport)
}, 60_000)

afterAll(async () => {
  await client?.close()
})

describe('every MCP tool, arguments drawn from its schema', () => {
  it('answers with a result or a documented isError (bad arguments too); stays in scope; never shows the token', async () => {
    const { tools } = await client.listTools()
    const before = await t.client.call('policy.test', { wallet: 'e', network: 'evm-local', to: '0x00000000000000000000000000000000000000b2', amount: '0.5' })
    expect(before.tier).toBe('APPROVAL')
    const outcomes = new Map<string, number>()
    let calls = 0
    for (const [i, tool] of tools.entries()) {
      for (const args of fc.sample(arb(tool.inputSchema as Schema, '', [...seenIds]), { numRuns: RUNS_PER_TOOL, seed: 2611 + i })) {
        calls++
        const where = `${tool.name} ${JSON.stringify(args)?.slice(0, 300)}`
        let outcome: string
        try {
          const r = (await client.callTool({ name: tool.name, arguments: args as Record<string, unknown> })) as CallToolResult
          const text = JSON.stringify(r)
          expect(text, where).not.toContain(token)
          if (r.isError === true) {
            const code = (r.structuredContent as { error?: { code?: string } } | undefined)?.error?.code ?? ''
            expect(Object.hasOwn(ERROR_CODES, code), `${where}: ${text.slice(0, 300)}`).toBe(true)
            expect(code, `${where}: ${text.slice(0, 300)}`).not.toBe('INTERNAL')
            outcome = code
            if (code === 'INPUT_INVALID') {
              // Every argument found wrong is named in the text the model reads.
              const issues = (r.structuredContent as { error: { details: { issues?: { field?: string; path?: string }[] } } }).error.details.issues ?? []
              const said = (r.content[0] as { text: string }).text
              for (const i of issues) expect(said, where).toContain(i.field ?? i.path ?? '?')
            }
          } else {
            collectIds(r.structuredContent, seenIds)
            outcome = 'ok'
          }
        } catch (err) {
          // Bad arguments are tool results now: a protocol error here is a regression.
          expect.fail(`${where}: ${String(err)}`)
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      }
    }
    expect(calls).toBeGreaterThan(500)
    expect(outcomes.get('ok') ?? 0, JSON.stringify(Object.fromEntries(outcomes))).toBeGreaterThan(calls / 10)
    // Scope: nothing was requested from the wallet outside the session.
    expect((await t.client.call('tx.list', { wallet: 'outside', limit: 10 })).requests).toEqual([])
    // Whatever policies the agent added, the operator's limit still sends 0.5 to approval (or something stricter).
    const after = await t.client.call('policy.test', { wallet: 'e', network: 'evm-local', to: '0x00000000000000000000000000000000000000b2', amount: '0.5' })
    expect(['APPROVAL', 'DENY']).toContain(after.tier)
    expect(await t.client.call('audit.verify', {})).toMatchObject({ valid: true })
  }, 300_000)
})
