/**
 * Approvals: by the operator and by the wallet's owner, whose signature over the canonical approval message binds
 * the request id, its content hash, the policy revision, an expiry and a single-use nonce. Replayed, expired,
 * wrong-request and wrong-signer approvals are refused; so are approvals for a request that already moved on.
 */
import { generateKeyPairSync, sign } from 'node:crypto'
import { base58 } from '@scure/base'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'
import { testClock } from '../helpers/test-clock.js'

// Approvals last an hour of the daemon's test clock; the expiry test moves the clock past it instead of waiting.
const TTL_MS = 3_600_000
const clock = testClock()
const t = useDaemon({ env: { pipelineTickMs: 50, approvalTtlSeconds: TTL_MS / 1000, testClockFile: clock.file } })
const auth = { password: PASSWORD }
const owner = EthersWallet.createRandom()
let provider: JsonRpcProvider

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, auth)
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'owned' }, auth)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'owned', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01' } }, auth)
})

const bigSend = () => t.client.call('tx.send', { wallet: 'owned', network: 'evm-local', to: EthersWallet.createRandom().address, amount: '0.5' }, auth)

describe('owner approval', () => {
  it('needs an owner address first', async () => {
    const r = await bigSend()
    expect(r.state).toBe('awaiting_approval')
    expect((await catchAsync(t.client.call('tx.approvalMessage', { id: r.id }))).code).toBe('OWNER_NOT_SET')
    const w = await t.client.call('wallet.setOwner', { wallet: 'owned', owner: owner.address.toLowerCase() }, auth)
    expect(w.owner).toBe(owner.address)
    expect((await catchAsync(t.client.call('wallet.setOwner', { wallet: 'owned', owner: 'not-an-address' }, auth))).code).toBe('INPUT_INVALID_ADDRESS')
  })

  it("approves with the owner's EIP-191 signature, and the same approval cannot be used twice", async () => {
    const r = await bigSend()
    const { message, expiresAt } = await t.client.call('tx.approvalMessage', { id: r.id })
    expect(message).toContain(r.id)
    expect(message).toContain(r.contentHash)
    expect(Date.parse(expiresAt)).toBeGreaterThan(clock.now())
    const signature = await owner.signMessage(message)
    const approved = await t.client.call('tx.ownerDecide', { id: r.id, message, signature })
    expect(['submitted', 'confirmed']).toContain(approved.state)
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    const replay = await catchAsync(t.client.call('tx.ownerDecide', { id: r.id, message, signature }))
    expect(replay.code).toBe('APPROVAL_INVALID')
    expect(String(replay.details.reason)).toContain('already used')
  })

  it('refuses a signature by someone else, a message for another request, and an edited message', async () => {
    const a = await bigSend()
    const b = await bigSend()
    const { message } = await t.client.call('tx.approvalMessage', { id: a.id })
    const stranger = await EthersWallet.createRandom().signMessage(message)
    expect((await catchAsync(t.client.call('tx.ownerDecide', { id: a.id, message, signature: stranger }))).details.reason).toMatch(/not the owner/)
    const good = await owner.signMessage(message)
    expect((await catchAsync(t.client.call('tx.ownerDecide', { id: b.id, message, signature: good }))).details.reason).toMatch(/another request/)
    const edited = message.replace(/contentHash: [0-9a-f]{64}/, `contentHash: ${'0'.repeat(64)}`)
    expect((await catchAsync(t.client.call('tx.ownerDecide', { id: a.id, message: edited, signature: await owner.signMessage(edited) }))).code).toBe('APPROVAL_INVALID')
    // None of the refusals moved either request.
    expect((await t.client.call('tx.show', { id: a.id })).state).toBe('awaiting_approval')
    expect((await t.client.call('tx.show', { id: b.id })).state).toBe('awaiting_approval')
    // The owner can also reject, with a message issued for rejection.
    const rej = await t.client.call('tx.approvalMessage', { id: b.id, decision: 'reject' })
    const rejected = await t.client.call('tx.ownerDecide', { id: b.id, message: rej.message, signature: await owner.signMessage(rej.message) })
    expect(rejected.state).toBe('rejected')
  })

  it('refuses an approval after the request expired, and releases it', async () => {
    const r = await bigSend()
    const { message } = await t.client.call('tx.approvalMessage', { id: r.id })
    const signature = await owner.signMessage(message)
    clock.advance(TTL_MS)
    const expired = await t.client.call('tx.wait', { id: r.id, timeoutMs: 10_000 })
    expect(expired.state).toBe('expired')
    expect((await catchAsync(t.client.call('tx.ownerDecide', { id: r.id, message, signature }))).code).toBe('APPROVAL_INVALID')
    expect((await catchAsync(t.client.call('tx.approve', { id: r.id }, auth))).code).toBe('TX_STATE_CONFLICT')
  })

  it('binds the policy revision: the message names the revision that decided', async () => {
    const r = await bigSend()
    const { message } = await t.client.call('tx.approvalMessage', { id: r.id })
    expect(message).toContain(`policyRevision: ${r.decision?.policyRevision}`)
  })

  it('a Solana wallet is approved by its owner with an Ed25519 signature', async () => {
    const w = await t.client.call('wallet.create', { chain: 'solana', name: 'sol-owned' }, auth)
    const { Connection, PublicKey, LAMPORTS_PER_SOL } = await import('@solana/web3.js')
    const conn = new Connection(localChain().solanaRpcUrl, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
    await conn.requestAirdrop(new PublicKey(w.address), 5 * LAMPORTS_PER_SOL)
    await t.client.call('policy.add', { wallet: 'sol-owned', type: 'SPENDING_LIMIT', rules: { instant_max: '0.001' } }, auth)
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const ownerAddress = base58.encode(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'))
    await t.client.call('wallet.setOwner', { wallet: 'sol-owned', owner: ownerAddress }, auth)
    const dest = new PublicKey(base58.encode(Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string, 'base64url')))
    const r = await t.client.call('tx.send', { wallet: 'sol-owned', network: 'solana-local', to: dest.toBase58(), amount: '0.5' }, auth)
    expect(r.state).toBe('awaiting_approval')
    const { message } = await t.client.call('tx.approvalMessage', { id: r.id })
    const wrong = base58.encode(sign(null, Buffer.from(message), generateKeyPairSync('ed25519').privateKey))
    expect((await catchAsync(t.client.call('tx.ownerDecide', { id: r.id, message, signature: wrong }))).code).toBe('APPROVAL_INVALID')
    const signature = base58.encode(sign(null, Buffer.from(message), privateKey))
    await t.client.call('tx.ownerDecide', { id: r.id, message, signature })
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await conn.getBalance(dest)).toBe(LAMPORTS_PER_SOL / 2)
  })
})
