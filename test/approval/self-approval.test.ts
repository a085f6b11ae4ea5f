/**
 * Issue 13 item 5, performed as the agent and the operator would: an owner address whose key this daemon holds is
 * refused on every path (socket, REST, CLI; the wallet's own address, another wallet's, either chain, any letter
 * case; a key imported later that is some wallet's owner), and an agent with a session cannot get its APPROVAL-tier
 * transfer approved: the daemon refuses to sign approval text (both chains, any encoding), a typed-data or other
 * message signature is no owner approval, and even a database that pairs a wallet with a daemon-held owner (restored
 * from an older backup) is refused at approval time. The request stays awaiting_approval and the recipient's balance
 * on the local chain stays 0.
 */
import { Keypair } from '@solana/web3.js'
import { JsonRpcProvider, Wallet as EthersWallet, hexlify, toUtf8Bytes } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { setWalletOwner } from '../../src/daemon/store/wallets.js'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { http } from '../helpers/http.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const files = tempHome('wsa-')
/** A key the test holds: imported into the daemon, so the daemon holds it too. */
const heldKey = EthersWallet.createRandom()
/** The real owner's key, outside the daemon (the agent never has it). */
const ownerKey = EthersWallet.createRandom()
let provider: JsonRpcProvider
let base = ''
let hot = { id: '', address: '' }
let sol = { id: '', address: '' }
let sol2 = { address: '' }
let token = ''

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  hot = await t.client.call('wallet.create', { chain: 'evm', name: 'hot' }, op)
  await t.client.call('wallet.import', { chain: 'evm', format: 'private-key', secret: heldKey.privateKey, name: 'held' }, op)
  sol = await t.client.call('wallet.create', { chain: 'solana', name: 'sol' }, op)
  sol2 = await t.client.call('wallet.create', { chain: 'solana', name: 'sol2' }, op)
  await provider.send('anvil_setBalance', [hot.address, '0x56bc75e2d63100000'])
  for (const wallet of ['hot', 'sol']) {
    await t.client.call('policy.add', { wallet, type: 'SPENDING_LIMIT', rules: { instant_max: '0.01', delay_max: '0.01' } }, op)
    await t.client.call('policy.add', { wallet, type: 'SIGNING_RULES', rules: { allow_personal_sign: true, typed_data_domains: [{ name: 'Mail' }] } }, op)
  }
  token = (await t.client.call('session.create', { wallets: ['hot', 'sol'], permissions: ['read', 'send', 'sign'] }, op)).token
  base = ((await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
}, 60_000)

describe('an owner is never a key this daemon holds', () => {
  it('refuses it when the owner is set: socket, REST and CLI; own address, another wallet, both chains, any case', async () => {
    const attempts: [string, string][] = [
      ['hot', hot.address],
      ['hot', hot.address.toLowerCase()],
      ['hot', heldKey.address],
      ['sol', sol.address],
      ['sol', sol2.address],
    ]
    for (const [wallet, owner] of attempts) {
      const e = await catchAsync(t.client.call('wallet.setOwner', { wallet, owner }, op))
      expect(e.code, `${wallet} → ${owner}`).toBe('OWNER_HELD_BY_DAEMON')
    }
    const r = await http(base, '/v1/wallet/setOwner', { body: { wallet: 'hot', owner: heldKey.address }, password: PASSWORD })
    expect(r.status).toBe(409)
    expect(r.json.error.code).toBe('OWNER_HELD_BY_DAEMON')
    const pw = files.file('pw.txt', PASSWORD)
    const cli = await runCli(['wallet', 'owner', 'hot', hot.address, '--password-file', pw, '--json'], { env: cliEnv(t.daemon.paths.dataDir) })
    expect(cli.json?.error?.code, cli.stdout).toBe('OWNER_HELD_BY_DAEMON')
    expect(cli.code).toBe(8)
    for (const w of ['hot', 'sol']) expect((await t.client.call('wallet.show', { wallet: w })).owner).toBeNull()
  })

  it('refuses to import a key that is the owner of a wallet (EVM and Solana)', async () => {
    await t.client.call('wallet.setOwner', { wallet: 'hot', owner: ownerKey.address }, op)
    const e = await catchAsync(t.client.call('wallet.import', { chain: 'evm', format: 'private-key', secret: ownerKey.privateKey, name: 'sneaky' }, op))
    expect(e.code).toBe('OWNER_HELD_BY_DAEMON')
    expect(e.details.ownerOf).toEqual([hot.id])
    const solOwner = Keypair.generate()
    await t.client.call('wallet.setOwner', { wallet: 'sol', owner: solOwner.publicKey.toBase58() }, op)
    const s = await catchAsync(t.client.call('wallet.import', { chain: 'solana', format: 'keypair', secret: JSON.stringify([...solOwner.secretKey]), name: 'sneaky-sol' }, op))
    expect(s.code).toBe('OWNER_HELD_BY_DAEMON')
    const names = (await t.client.call('wallet.list', {})).wallets.map((w) => w.name)
    expect(names).not.toContain('sneaky')
    expect(names).not.toContain('sneaky-sol')
  })
})

describe('the agent cannot approve its own request', () => {
  it('gets no owner approval out of the daemon: approval text is never signed, typed data and other messages are no approval', async () => {
    const recipient = EthersWallet.createRandom().address
    const session = { token }
    const r = await t.client.call('tx.send', { wallet: 'hot', network: 'evm-local', to: recipient, amount: '1' }, session)
    expect(r.state).toBe('awaiting_approval')
    // Anyone on the socket can read the approval message (it is what the owner signs).
    const { message } = await t.client.call('tx.approvalMessage', { id: r.id })
    for (const attempt of [
      { wallet: 'hot', message },
      { wallet: 'hot', message: `${message}\n` },
      { wallet: 'hot', message: hexlify(toUtf8Bytes(message)), encoding: 'hex' as const },
      { wallet: 'sol', message },
      { wallet: 'sol', message, format: 'solana-offchain' as const },
    ]) {
      expect((await catchAsync(t.client.call('sign.message', attempt, session))).code, JSON.stringify(attempt).slice(0, 60)).toBe('SIGN_MESSAGE_IS_APPROVAL')
    }
    const rest = await http(base, '/v1/sign/message', { body: { wallet: 'hot', message }, token })
    expect(rest.json.error.code).toBe('SIGN_MESSAGE_IS_APPROVAL')
    // What the agent can get signed is no approval: typed data carrying the text, or any other personal_sign.
    const typed = await t.client.call(
      'sign.typedData',
      { wallet: 'hot', typedData: { domain: { name: 'Mail' }, types: { Mail: [{ name: 'contents', type: 'string' }] }, primaryType: 'Mail', message: { contents: message } } },
      session,
    )
    const gm = await t.client.call('sign.message', { wallet: 'hot', message: 'gm' }, session)
    for (const signature of [typed.signature ?? '', gm.signature ?? '']) {
      const e = await catchAsync(t.client.call('tx.ownerDecide', { id: r.id, message, signature }))
      expect(e.code).toBe('APPROVAL_INVALID')
    }
    expect((await t.client.call('tx.show', { id: r.id })).state).toBe('awaiting_approval')
    expect(await provider.getBalance(recipient)).toBe(0n)
    // The real owner's key still approves (so the refusals above were about the signer, not a broken path).
    const approved = await t.client.call('tx.ownerDecide', { id: r.id, message, signature: await ownerKey.signMessage(message) })
    expect(['submitted', 'confirmed']).toContain(approved.state)
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await provider.getBalance(recipient)).toBe(10n ** 18n)
  })

  it('refuses approval by a daemon-held owner even when the database pairs them (a restored older backup)', async () => {
    const recipient = EthersWallet.createRandom().address
    const r = await t.client.call('tx.send', { wallet: 'hot', network: 'evm-local', to: recipient, amount: '1' }, { token })
    const { message } = await t.client.call('tx.approvalMessage', { id: r.id })
    // What an older version could have stored: the owner is the imported wallet "held".
    setWalletOwner(t.daemon.ctx.db, hot.id, heldKey.address)
    expect((await catchAsync(t.client.call('tx.approvalMessage', { id: r.id }))).code).toBe('OWNER_HELD_BY_DAEMON')
    const e = await catchAsync(t.client.call('tx.ownerDecide', { id: r.id, message, signature: await heldKey.signMessage(message) }))
    expect(e.code).toBe('APPROVAL_INVALID')
    expect(e.details.reason).toBe('the owner key is held by this daemon')
    expect((await t.client.call('tx.show', { id: r.id })).state).toBe('awaiting_approval')
    expect(await provider.getBalance(recipient)).toBe(0n)
  })
})
