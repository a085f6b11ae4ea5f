/**
 * Issue 13 item 2, performed as the attacker would: an agent builds a Solana transfer with a blockhash of the local
 * chain and asks `sign tx` for it "for" solana-devnet, solana-testnet or solana, hoping to be judged under another
 * network's (empty) spend ledger, then broadcasts it on the local chain. A caller-built Solana transaction is bound to
 * the network it is decided for (its blockhash must be live there), and a wallet-wide native limit counts every
 * network of the same coin, so naming another network evades nothing. The money is read from the local chain.
 *
 * "devnet" here is a second local Solana RPC (its own chain and blockhashes); testnet and mainnet point at a closed
 * loopback port: no test ever reaches a public network.
 */
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, TransactionMessage, VersionedTransaction } from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/devnet/anvil.js'
import { startSolanaRpc, type SolanaRpcHandle } from '../../src/devnet/solana-rpc/server.js'
import type { Input, MethodName, Output } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
let local: Connection
let devnet: SolanaRpcHandle
let devnetConn: Connection
let wallet: PublicKey
let agent: <M extends MethodName>(method: M, params: Input<M>) => Promise<Output<M>>
const attacker = Keypair.generate().publicKey

beforeAll(async () => {
  devnet = await startSolanaRpc()
  // Its own history: blockhashes the local chain never had.
  devnet.warp(7 + Math.floor(Math.random() * 20))
  const closed = await freePort()
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, op)
  await t.client.call('network.set', { network: 'solana-devnet', rpcUrl: devnet.url }, op)
  await t.client.call('network.set', { network: 'solana-testnet', rpcUrl: `http://127.0.0.1:${closed}` }, op)
  await t.client.call('network.set', { network: 'solana', rpcUrl: `http://127.0.0.1:${closed}` }, op)
  local = new Connection(localChain().solanaRpcUrl, 'confirmed')
  devnetConn = new Connection(devnet.url, 'confirmed')
  wallet = new PublicKey((await t.client.call('wallet.create', { chain: 'solana', name: 'bind' }, op)).address)
  await local.requestAirdrop(wallet, 10 * LAMPORTS_PER_SOL)
  await t.client.call('policy.add', { wallet: 'bind', type: 'SPENDING_LIMIT', rules: { instant_max: '0.1', daily_limit: '0.1', on_exceed: 'DENY' } }, op)
  const s = await t.client.call('session.create', { wallets: ['bind'], permissions: ['read', 'sign'] }, op)
  agent = (method, params) => t.client.call(method, params, { token: s.token })
})

afterAll(async () => {
  await devnet?.stop()
})

/** A 0.09 SOL transfer from the wallet to the attacker with `blockhash`, unsigned, base64. */
function transfer(blockhash: string, lamports = 90_000_000): string {
  const message = new TransactionMessage({
    payerKey: wallet,
    recentBlockhash: blockhash,
    instructions: [SystemProgram.transfer({ fromPubkey: wallet, toPubkey: attacker, lamports })],
  }).compileToV0Message()
  return Buffer.from(new VersionedTransaction(message).serialize()).toString('base64')
}

describe('a caller-built Solana transaction is bound to the network it is decided for', () => {
  it('a local blockhash asked for devnet, testnet or mainnet is not signed; nothing reaches the attacker', async () => {
    const { blockhash } = await local.getLatestBlockhash()
    // The attack only means something if the local blockhash is unknown to "devnet".
    expect((await devnetConn.isBlockhashValid(blockhash)).value).toBe(false)
    const before = await local.getBalance(wallet)
    const devnetTry = await catchAsync(agent('sign.tx', { wallet: 'bind', network: 'solana-devnet', transaction: transfer(blockhash) }))
    expect(devnetTry.code).toBe('NETWORK_MISMATCH')
    expect(devnetTry.details.field).toBe('transaction.recentBlockhash')
    for (const network of ['solana-testnet', 'solana']) {
      // The node that must vouch for the blockhash cannot be asked: never signed on trust.
      const err = await catchAsync(agent('sign.tx', { wallet: 'bind', network, transaction: transfer(blockhash) }))
      expect(err.code).toBe('CHAIN_RPC_UNREACHABLE')
    }
    // No request holds a signature the attacker could broadcast.
    const { requests } = await t.client.call('tx.list', { wallet: 'bind', limit: 50 })
    expect(requests.filter((r) => r.signature !== null)).toEqual([])
    expect(await local.getBalance(attacker)).toBe(0)
    expect(await local.getBalance(wallet)).toBe(before)
  })

  it('on the local chain the same transfer is signed and lands once; the same coin on another test network then has no room left', async () => {
    const { blockhash } = await local.getLatestBlockhash()
    const signed = await agent('sign.tx', { wallet: 'bind', network: 'solana-local', transaction: transfer(blockhash) })
    expect(signed.signature).not.toBeNull()
    await local.confirmTransaction(await local.sendRawTransaction(Buffer.from(signed.signature ?? '', 'base64')), 'confirmed')
    expect(await local.getBalance(attacker)).toBe(90_000_000)
    // A transaction really built for devnet (its own blockhash) is bound correctly, but devnet SOL, local SOL and
    // testnet SOL are one asset class for a wallet-wide native limit: 0.09 more passes the 0.1 daily limit.
    const devnetHash = (await devnetConn.getLatestBlockhash()).blockhash
    const err = await catchAsync(agent('sign.tx', { wallet: 'bind', network: 'solana-devnet', transaction: transfer(devnetHash) }))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { field: string }).field).toBe('daily_limit')
    expect(await devnetConn.getBalance(attacker)).toBe(0)
    expect(await local.getBalance(attacker)).toBe(90_000_000)
  })
})
