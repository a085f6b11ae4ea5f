/**
 * tx.sendBatch (issue 17): several transfers decided as one request and signed as one Solana transaction. Against the
 * local Solana chain, through the real socket as an agent session: the batch lands as one transaction; a batch with
 * one transfer to a denied recipient or over a limit is denied whole and nothing moves; concurrent batches never
 * spend past the daily cap. EVM batches without a batching contract are refused (test/tokens/evm-batch.test.ts covers the batcher). Balances are read from the chain.
 */
import { Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js'
import { getAccount } from '@solana/spl-token'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { solanaTokenWallet, type SolanaTokenWallet } from '../helpers/solana-token.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const fresh = (): PublicKey => Keypair.generate().publicKey

describe('Solana batches', () => {
  let w: SolanaTokenWallet
  let agent: { token: string }
  const denied = fresh()

  beforeAll(async () => {
    w = await solanaTokenWallet(t.client, op, 'batch', 5_000_000n)
    for (const [type, rules] of [
      ['SPENDING_LIMIT', { instant_max: '2', daily_limit: '1', on_exceed: 'DENY' }],
      ['SPENDING_LIMIT', { token: w.mint.toBase58(), instant_max: '10' }],
      ['ALLOWED_TOKENS', { tokens: [w.mint.toBase58()] }],
      ['RECIPIENT_DENYLIST', { recipients: [denied.toBase58()] }],
    ] as const) {
      await t.client.call('policy.add', { wallet: 'batch', type, rules }, op)
    }
    await t.client.call('token.add', { network: 'solana-local', address: w.mint.toBase58(), symbol: 'BTK' }, op)
    agent = { token: (await t.client.call('session.create', { wallets: ['batch'], permissions: ['read', 'send'] }, op)).token }
  })

  it('lands several transfers, SOL and a token by its symbol, in one transaction', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()]
    const r = await t.client.call('tx.sendBatch', {
      wallet: 'batch', network: 'solana-local',
      transfers: [{ to: a.toBase58(), amount: '0.1' }, { to: b.toBase58(), amount: '0.05' }, { to: c.toBase58(), amount: '1.5', token: 'BTK' }],
    }, agent)
    expect(r.kind).toBe('batch')
    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 }, agent)
    expect(done.state).toBe('confirmed')
    expect(await w.conn.getBalance(a, 'confirmed')).toBe(0.1 * LAMPORTS_PER_SOL)
    expect(await w.conn.getBalance(b, 'confirmed')).toBe(0.05 * LAMPORTS_PER_SOL)
    expect((await getAccount(w.conn, await w.ataOf(c), 'confirmed')).amount).toBe(1_500_000n)
    // One transaction carries all three: its instructions name every recipient.
    const tx = await w.conn.getTransaction(done.txHash!, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 })
    const keys = tx!.transaction.message.staticAccountKeys.map((k) => k.toBase58())
    expect(keys).toEqual(expect.arrayContaining([a.toBase58(), b.toBase58()]))
    expect(tx!.meta!.err).toBeNull()
  })

  it('one transfer to a denied recipient denies the whole batch, and nothing moves', async () => {
    const ok = fresh()
    const err = await catchAsync(t.client.call('tx.sendBatch', {
      wallet: 'batch', network: 'solana-local', transfers: [{ to: ok.toBase58(), amount: '0.01' }, { to: denied.toBase58(), amount: '0.01' }],
    }, agent))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { type: string }).type).toBe('RECIPIENT_DENYLIST')
    expect((await t.client.call('tx.show', { id: err.details.id as string }, op)).state).toBe('denied')
    expect(await w.conn.getBalance(ok, 'confirmed')).toBe(0)
    expect(await w.conn.getBalance(denied, 'confirmed')).toBe(0)
  })

  it('one transfer over the daily limit denies the whole batch, and nothing moves', async () => {
    const [a, b] = [fresh(), fresh()]
    const err = await catchAsync(t.client.call('tx.sendBatch', {
      wallet: 'batch', network: 'solana-local', transfers: [{ to: a.toBase58(), amount: '0.01' }, { to: b.toBase58(), amount: '1.5' }],
    }, agent))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { type: string }).type).toBe('SPENDING_LIMIT')
    expect(await w.conn.getBalance(a, 'confirmed')).toBe(0)
    expect(await w.conn.getBalance(b, 'confirmed')).toBe(0)
  })

  it('concurrent batches never reserve past the daily cap', async () => {
    // 0.15 SOL spent by the first test; 0.85 left of the 1 SOL daily limit. Six batches of 0.2 each: at most four fit.
    const targets = Array.from({ length: 6 }, () => [fresh(), fresh()] as const)
    const results = await Promise.allSettled(targets.map(([a, b]) => t.client.call('tx.sendBatch', {
      wallet: 'batch', network: 'solana-local', transfers: [{ to: a.toBase58(), amount: '0.1' }, { to: b.toBase58(), amount: '0.1' }],
    }, agent)))
    const accepted = results.filter((r) => r.status === 'fulfilled')
    expect(accepted).toHaveLength(4)
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('POLICY_DENIED')
    for (const r of accepted) await t.client.call('tx.wait', { id: (r as PromiseFulfilledResult<{ id: string }>).value.id, timeoutMs: 20_000 }, agent)
    let received = 0
    for (const [a, b] of targets) received += (await w.conn.getBalance(a, 'confirmed')) + (await w.conn.getBalance(b, 'confirmed'))
    expect(received).toBe(0.8 * LAMPORTS_PER_SOL)
  })
})

describe('over MCP, with the official SDK client', () => {
  it('tx_sendBatch with one denied transfer is a tool error naming the rule, and nothing moves; token_resolve reads the registry', async () => {
    const w = await solanaTokenWallet(t.client, op, 'mcp-batch', 1_000_000n)
    const denied = fresh()
    await t.client.call('policy.add', { wallet: 'mcp-batch', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, op)
    await t.client.call('policy.add', { wallet: 'mcp-batch', type: 'RECIPIENT_DENYLIST', rules: { recipients: [denied.toBase58()] } }, op)
    const token = (await t.client.call('session.create', { wallets: ['mcp-batch'], permissions: ['read', 'send'] }, op)).token
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN: token }) as Record<string, string>, stderr: 'pipe' })
    const client = new Client({ name: 'batch-test', version: '1.0.0' })
    await client.connect(transport)
    try {
      const tools = (await client.listTools()).tools.map((x) => x.name)
      expect(tools).toEqual(expect.arrayContaining(['tx_sendBatch', 'token_list', 'token_resolve']))
      const ok = fresh()
      const r = await client.callTool({ name: 'tx_sendBatch', arguments: { wallet: 'mcp-batch', network: 'solana-local', transfers: [{ to: ok.toBase58(), amount: '0.01' }, { to: denied.toBase58(), amount: '0.01' }] } })
      expect(r.isError).toBe(true)
      const e = (r.structuredContent as { error: { code: string; details: { rule: { type: string } } } }).error
      expect(e.code).toBe('POLICY_DENIED')
      expect(e.details.rule.type).toBe('RECIPIENT_DENYLIST')
      expect(await w.conn.getBalance(ok, 'confirmed')).toBe(0)
      const usdc = await client.callTool({ name: 'token_resolve', arguments: { network: 'solana', token: 'USDC' } })
      expect(usdc.structuredContent).toMatchObject({ address: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', decimals: 6 })
    } finally {
      await client.close()
    }
  })
})

describe('EVM batches', () => {
  it('are refused with BATCH_UNSUPPORTED before any request is recorded', async () => {
    await t.client.call('wallet.create', { chain: 'evm', name: 'evm-batch' }, op)
    const err = await catchAsync(t.client.call('tx.sendBatch', {
      wallet: 'evm-batch', network: 'evm-local', transfers: [{ to: '0x8ba1f109551bD432803012645Ac136ddd64DBA72', amount: '0.01' }],
    }, op))
    expect(err.code).toBe('BATCH_UNSUPPORTED')
    expect(err.details).toMatchObject({ field: 'transfers', network: 'eip155:31337' })
    expect((await t.client.call('tx.list', { wallet: 'evm-batch' }, op)).requests).toHaveLength(0)
  })
})
