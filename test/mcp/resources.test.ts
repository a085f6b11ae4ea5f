/**
 * MCP resources and prompts, read by the official SDK client from the real `waiaas mcp` (stdio) against the real
 * daemon and the local EVM chain: the session's scope, its wallets with balances, its policies in words and JSON,
 * its recent requests, and the how_to_pay prompt with its limits. A session never sees another wallet's data there.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { formatEther, Interface, type JsonRpcProvider } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv } from '../helpers/cli.js'
import { useDaemon } from '../helpers/daemon.js'
import { fundedWallet, op, protocolError, tool, toolError, undescribed } from './flows.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
let client: Client
let mine: { id: string; address: string }
let other: { id: string; address: string }
let token: string
let provider: JsonRpcProvider

const text = (r: { contents: Array<Record<string, unknown>> }): string => String(r.contents[0]?.text)

beforeAll(async () => {
  const a = await fundedWallet(t.client, 'res-mine')
  const b = await fundedWallet(t.client, 'res-other')
  await t.client.call('policy.add', { wallet: 'res-other', type: 'RECIPIENT_DENYLIST', rules: { recipients: ['0x000000000000000000000000000000000000dEaD'] } }, op)
  const s = await t.client.call('session.create', { wallets: ['res-mine'], limitUsdPerDay: '25', permissions: ['read', 'send'] }, op)
  token = s.token
  mine = { id: s.session.wallets[0]!.id, address: a.address }
  provider = a.provider
  const ws = await t.client.call('wallet.list', {}, op)
  other = { id: ws.wallets.find((w) => w.name === 'res-other')!.id, address: b.address }
  // One request of each wallet, so "recent requests" has something to leave out.
  const sent = await t.client.call('tx.send', { wallet: 'res-mine', network: 'evm-local', to: b.address, amount: '0.01' }, { token })
  const got = await t.client.call('tx.send', { wallet: 'res-other', network: 'evm-local', to: a.address, amount: '0.01' }, op)
  // The session's USD cap without a price holds its send for approval; the other wallet's send is mined (its nonce moves).
  expect([sent.tier, got.tier]).toEqual(['APPROVAL', 'INSTANT'])
  for (let i = 0; i < 200 && (await a.provider.getTransactionCount(b.address)) < 1; i++) await new Promise((r) => setTimeout(r, 25))
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp'],
    env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN: token }) as Record<string, string>,
    stderr: 'pipe',
  })
  client = new Client({ name: 'resources-test', version: '1.0.0' })
  await client.connect(transport)
}, 60_000)

afterAll(async () => {
  await client?.close()
})

describe('MCP resources and prompts', () => {
  it('announces resources and prompts and lists them, each described', async () => {
    const caps = client.getServerCapabilities()
    expect(caps?.resources).toBeDefined()
    expect(caps?.prompts).toBeDefined()
    const { resources } = await client.listResources()
    expect(resources.map((r) => r.uri).sort()).toEqual(['waiaas://policies', 'waiaas://requests/recent', 'waiaas://session', 'waiaas://wallets'])
    for (const r of resources) expect(r.description?.length, r.uri).toBeGreaterThan(20)
    const { prompts } = await client.listPrompts()
    expect(prompts.map((p) => p.name)).toEqual(['how_to_pay'])
  })

  it('waiaas://session is this session: its one wallet, permissions and cap', async () => {
    const s = JSON.parse(text(await client.readResource({ uri: 'waiaas://session' })))
    expect(s.wallets.map((w: { id: string }) => w.id)).toEqual([mine.id])
    expect(s.permissions).toEqual(['read', 'send'])
    expect(s.limitUsdPerDay).toBe('25')
  })

  it('waiaas://wallets has its wallet with its balance, and not the other', async () => {
    const r = await client.readResource({ uri: 'waiaas://wallets' })
    const body = text(r)
    const { wallets } = JSON.parse(body)
    expect(wallets).toHaveLength(1)
    expect(wallets[0]).toMatchObject({ id: mine.id, address: mine.address })
    expect(wallets[0].networks.map((n: { network: string }) => n.network)).toEqual(['eip155:31337'])
    const native = wallets[0].networks[0].balances?.find((x: { token: string | null }) => x.token === null)
    expect(native, body).toBeDefined()
    // Nothing more moves: the daemon's figure is the chain's (100 + 0.01 received).
    const chain = formatEther(await provider.getBalance(mine.address))
    expect(Number(native.amount)).toBeGreaterThan(99)
    expect(Number(native.amount)).toBe(Number(chain))
    expect(body).not.toContain(other.id)
    expect(body.toLowerCase()).not.toContain(other.address.toLowerCase())
  })

  it('waiaas://policies says in words and JSON what applies to its wallet, and not the other wallet\'s policy', async () => {
    const body = text(await client.readResource({ uri: 'waiaas://policies' }))
    expect(body).toContain('SPENDING_LIMIT (res-mine)')
    const json = JSON.parse(body.slice(body.indexOf('```json') + 7, body.lastIndexOf('```')))
    expect(json.map((p: { type: string }) => p.type)).toEqual(['SPENDING_LIMIT'])
    expect(json[0].rules.daily_limit).toBe('5')
    expect(body).not.toContain('RECIPIENT_DENYLIST')
    expect(body).not.toContain(other.id)
  })

  it('waiaas://requests/recent has its own request only', async () => {
    const { requests } = JSON.parse(text(await client.readResource({ uri: 'waiaas://requests/recent' })))
    expect(requests.length).toBe(1)
    expect(requests[0]).toMatchObject({ walletId: mine.id, amount: '0.01', state: 'awaiting_approval' })
  })

  it('an unknown resource is a protocol error carrying the code and the resources there are', async () => {
    const e = await protocolError(client.readResource({ uri: 'waiaas://keys' }))
    expect(e.code).toBe(-32602)
    expect((e.data as { error: { code: string; details: { resources: string[] } } }).error).toMatchObject({ code: 'INPUT_INVALID', details: { resources: expect.arrayContaining(['waiaas://session']) } })
  })

  it('how_to_pay states the session\'s limits, its policy and each tier', async () => {
    const p = await client.getPrompt({ name: 'how_to_pay' })
    const body = p.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n')
    expect(body).toContain('res-mine')
    expect(body).toContain(mine.address)
    expect(body).toContain('25 USD per day')
    expect(body).toMatch(/SPENDING_LIMIT \(res-mine\): .*5/)
    for (const tier of ['INSTANT', 'DELAY', 'APPROVAL', 'DENY']) expect(body).toContain(`${tier}:`)
    expect(body).not.toContain('res-other')
    expect(body).not.toContain(token)
    const e = await protocolError(client.getPrompt({ name: 'drain' }))
    expect((e.data as { error: { code: string } }).error.code).toBe('INPUT_INVALID')
  })
})

describe('calldata_encode', () => {
  it('is offered with every argument described, read-only', async () => {
    const { tools } = await client.listTools()
    const t = tools.find((x) => x.name === 'calldata_encode')
    expect(t).toBeDefined()
    expect(undescribed(t!.inputSchema as never)).toEqual([])
    expect(t!.annotations?.readOnlyHint).toBe(true)
  })

  it('encodes a call as ethers does, with its selector and canonical signature, and sends nothing', async () => {
    const before = (await t.client.call('tx.list', {}, op)).requests.length
    const r = await tool(client, [], 'calldata_encode', { function: 'transfer(address to, uint256 amount)', args: [other.address, '1000000'] })
    expect(r.isError).toBeFalsy()
    const expected = new Interface(['function transfer(address,uint256)']).encodeFunctionData('transfer', [other.address, 1_000_000n])
    expect(r.structuredContent).toEqual({ data: expected, selector: '0xa9059cbb', signature: 'transfer(address,uint256)' })
    expect((await t.client.call('tx.list', {}, op)).requests.length).toBe(before)
  })

  it('names the argument that does not fit', async () => {
    const bad = toolError(await tool(client, [], 'calldata_encode', { function: 'transfer(address,uint256)', args: ['not-an-address', '1'] }))
    expect(bad.code).toBe('INPUT_INVALID')
    expect(bad.details.field).toBe('args')
    const sig = toolError(await tool(client, [], 'calldata_encode', { function: 'drop table', args: [] }))
    expect(sig.details.field).toBe('function')
    expect(sig.code).toBe('INPUT_INVALID')
  })
})
