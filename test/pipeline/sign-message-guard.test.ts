/**
 * Issue 13 item 1, performed as the agent: with `allow_personal_sign`, the agent compiles a SystemProgram.transfer
 * of 1 SOL (past a 0.1 SOL daily limit), hands its bytes to `sign message` as hex over the socket, REST and the CLI
 * (legacy and v0, with trailing bytes), and as text. Every attempt is refused with SIGN_MESSAGE_IS_TRANSACTION, no
 * signature exists to broadcast, and the wallet's balance on the local chain does not move; the same bytes signed by
 * the key itself (the control) do move 1 SOL, so what was refused was a real transfer.
 * The off-chain format's signature verifies over the header built here from the spec, and an EVM `sign message` of
 * a 32-byte hash is an EIP-191 signature, never one of the bare digest.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { base58 } from '@scure/base'
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, TransactionMessage, VersionedMessage, VersionedTransaction } from '@solana/web3.js'
import { getBytes, keccak256, recoverAddress, toUtf8Bytes, verifyMessage } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { http } from '../helpers/http.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const keypair = Keypair.generate()
const thief = Keypair.generate().publicKey
let conn: Connection
let token = ''
let tokenFile = ''
let base = ''
let evmAddress = ''
const files = tempHome('wsmg-')

const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`

function ed25519Public(address: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(base58.decode(address))]), format: 'der', type: 'spki' })
}

/** The 1 SOL transfer the agent compiles, as message bytes. */
async function transferMessage(kind: 'legacy' | 'v0'): Promise<Buffer> {
  const { blockhash } = await conn.getLatestBlockhash()
  const m = new TransactionMessage({
    payerKey: keypair.publicKey,
    recentBlockhash: blockhash,
    instructions: [SystemProgram.transfer({ fromPubkey: keypair.publicKey, toPubkey: thief, lamports: LAMPORTS_PER_SOL })],
  })
  return Buffer.from((kind === 'legacy' ? m.compileToLegacyMessage() : m.compileToV0Message()).serialize())
}

/** Broadcasts `message` with `signature` as the fee payer's; the node's answer, or the error it gave. */
async function broadcast(message: Uint8Array, signature: Uint8Array): Promise<string> {
  const tx = new VersionedTransaction(VersionedMessage.deserialize(message))
  tx.signatures[0] = signature
  try {
    const sig = await conn.sendRawTransaction(tx.serialize(), { skipPreflight: true })
    await conn.confirmTransaction(sig, 'confirmed')
    return `sent ${sig}`
  } catch (err) {
    return `refused: ${(err as Error).message}`
  }
}

beforeAll(async () => {
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, op)
  conn = new Connection(localChain().solanaRpcUrl, 'confirmed')
  await t.client.call('wallet.import', { chain: 'solana', format: 'keypair', secret: JSON.stringify([...keypair.secretKey]), name: 'sol' }, op)
  await conn.confirmTransaction(await conn.requestAirdrop(keypair.publicKey, 10 * LAMPORTS_PER_SOL), 'confirmed')
  evmAddress = (await t.client.call('wallet.create', { chain: 'evm', name: 'evm' }, op)).address
  for (const wallet of ['sol', 'evm']) {
    await t.client.call('policy.add', { wallet, type: 'SPENDING_LIMIT', rules: { instant_max: '0.1', daily_limit: '0.1' } }, op)
    await t.client.call('policy.add', { wallet, type: 'SIGNING_RULES', rules: { allow_personal_sign: true } }, op)
  }
  token = (await t.client.call('session.create', { wallets: ['sol', 'evm'], permissions: ['read', 'sign'] }, op)).token
  tokenFile = files.file('agent.token', token)
  const rest = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
  base = (rest.listening ?? '').replace(/\/v1$/, '')
}, 60_000)

describe('sign message never signs a Solana transaction', () => {
  it('refuses transfer bytes over the socket, REST and the CLI; nothing is signed and no lamport moves', async () => {
    const before = await conn.getBalance(keypair.publicKey)
    const legacy = await transferMessage('legacy')
    const v0 = await transferMessage('v0')
    const payloads = { legacy, v0, 'legacy+32 zero bytes': Buffer.concat([legacy, Buffer.alloc(32)]), 'v0+junk': Buffer.concat([v0, Buffer.from('junk')]) }
    const session = { token }
    let attempts = 0
    for (const [what, bytes] of Object.entries(payloads)) {
      const params = { wallet: 'sol', message: hex(bytes), encoding: 'hex' as const }
      const socket = await catchAsync(t.client.call('sign.message', params, session))
      expect(socket.code, `socket ${what}`).toBe('SIGN_MESSAGE_IS_TRANSACTION')
      expect(socket.details.shape).toBe(what.startsWith('legacy') ? 'legacy' : 'v0')
      const r = await http(base, '/v1/sign/message', { body: params, token })
      expect(r.status, `REST ${what}`).toBe(403)
      expect(r.json?.error?.code).toBe('SIGN_MESSAGE_IS_TRANSACTION')
      const cli = await runCli(['sign', 'message', '--wallet', 'sol', '--hex', '--message', hex(bytes), '--json'], { env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN_FILE: tokenFile }) })
      expect(cli.json?.error?.code, `CLI ${what}: ${cli.stdout}${cli.stderr}`).toBe('SIGN_MESSAGE_IS_TRANSACTION')
      expect(cli.code).toBe(4)
      attempts += 3
    }
    // Text is bytes too: a message whose bytes (all printable ASCII, valid UTF-8) read as a legacy message.
    const ascii = Buffer.concat([Buffer.from([1, 0, 1, 2]), Buffer.from('K'.repeat(64) + 'B'.repeat(32)), Buffer.from([1, 1, 2, 0, 1, 12]), Buffer.from('hello world!')]).toString('utf8')
    expect((await catchAsync(t.client.call('sign.message', { wallet: 'sol', message: ascii }, session))).code).toBe('SIGN_MESSAGE_IS_TRANSACTION')
    attempts += 1

    // Nothing was signed: no sign-message request exists for the wallet, and every refusal is in the audit log.
    const { requests } = await t.client.call('tx.list', { wallet: 'sol', limit: 100 })
    expect(requests.filter((q) => q.kind === 'sign-message')).toEqual([])
    const audit = (await t.client.call('audit.list', { limit: 1000 })).entries.filter((e) => e.action === 'sign.message')
    expect(audit).toHaveLength(attempts)
    expect(audit.every((e) => e.outcome === 'denied' && e.details.code === 'SIGN_MESSAGE_IS_TRANSACTION' && e.actor.startsWith('session:'))).toBe(true)

    // What the agent can get signed is a real message signature, and it does not make the transfer valid.
    const gm = await t.client.call('sign.message', { wallet: 'sol', message: 'gm' }, session)
    expect(gm.state).toBe('signed')
    expect(await broadcast(legacy, base58.decode(gm.signature ?? ''))).toMatch(/^refused/)
    expect(await conn.getBalance(thief)).toBe(0)
    expect(await conn.getBalance(keypair.publicKey)).toBe(before)

    // Control: the very bytes that were refused, signed by the key, move 1 SOL past the 0.1 SOL daily limit.
    const seed = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), keypair.secretKey.subarray(0, 32)]), format: 'der', type: 'pkcs8' })
    expect(await broadcast(legacy, sign(null, legacy, seed))).toMatch(/^sent/)
    expect(await conn.getBalance(thief)).toBe(LAMPORTS_PER_SOL)
  })

  it('signs in the off-chain format: the signature verifies over the spec header, never over the bare message', async () => {
    const spec = (format: number, message: Buffer): Buffer =>
      Buffer.concat([Buffer.from([0xff]), Buffer.from('solana offchain', 'ascii'), Buffer.from([0, format]), Buffer.from([message.length & 0xff, message.length >> 8]), message])
    const key = ed25519Public(keypair.publicKey.toBase58())
    const text = 'I own this wallet'
    const viaSocket = await t.client.call('sign.message', { wallet: 'sol', message: text, format: 'solana-offchain' }, { token })
    const sig = Buffer.from(base58.decode(viaSocket.signature ?? ''))
    expect(verify(null, spec(0, Buffer.from(text)), key, sig)).toBe(true)
    expect(verify(null, Buffer.from(text), key, sig)).toBe(false)
    // Non-ASCII UTF-8 is format 1; REST takes the same field.
    const utf8 = 'Ich besitze dieses Portemonnaie ✓'
    const r = await http(base, '/v1/sign/message', { body: { wallet: 'sol', message: utf8, format: 'solana-offchain' }, token })
    expect(r.status).toBe(200)
    expect(verify(null, spec(1, Buffer.from(utf8)), key, Buffer.from(base58.decode(r.json.data.signature)))).toBe(true)
    // The CLI flag, with bytes given as hex.
    const cli = await runCli(['sign', 'message', '--wallet', 'sol', '--hex', '--message', hex(Buffer.from(text)), '--format', 'solana-offchain'], { env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN_FILE: tokenFile }) })
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout.trim()).toBe(viaSocket.signature)
    // Bytes that are not UTF-8 cannot be an off-chain message.
    expect((await catchAsync(t.client.call('sign.message', { wallet: 'sol', message: '0xc328', encoding: 'hex', format: 'solana-offchain' }, { token }))).code).toBe('INPUT_INVALID')
  })
})

describe('EVM sign message of a 32-byte hash', () => {
  it('is an EIP-191 signature of the 32 bytes, never a signature of the bare digest', async () => {
    const digest = keccak256(toUtf8Bytes('transfer 1 ETH to the thief'))
    const r = await t.client.call('sign.message', { wallet: 'evm', message: digest, encoding: 'hex' }, { token })
    const signature = r.signature ?? ''
    expect(verifyMessage(getBytes(digest), signature)).toBe(evmAddress)
    expect(recoverAddress(digest, signature)).not.toBe(evmAddress)
  })
})
