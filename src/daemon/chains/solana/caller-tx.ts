/**
 * `sign tx` on Solana: the caller's base64 message decoded into policy actions (token accounts and balances read from
 * the node online), and bound to the network it is decided for.
 */
import type { AccountInfo } from '@solana/web3.js'
import { WaiaasError } from '../../../lib/errors.js'
import { actionsFromSolanaTx } from '../../policy/decode.js'
import type { CallerTx } from '../types.js'
import type { SolanaRpc } from './connection.js'

const TOKEN_PROGRAM_IDS = ['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb']

export async function readSolanaCallerTx(rpc: SolanaRpc, network: string, transaction: string | Record<string, unknown>, wallet: string, offline: boolean): Promise<CallerTx> {
  if (typeof transaction !== 'string') {
    throw new WaiaasError('INPUT_INVALID', 'A Solana transaction to sign is a base64 string', { details: { field: 'transaction' } })
  }
  const { PublicKey } = await import('@solana/web3.js')
  const { unpackAccount, getMint } = await import('@solana/spl-token')
  const connection = rpc.connection
  const infos = new Map<string, Promise<AccountInfo<Buffer> | null>>()
  const accountInfo = (address: string): Promise<AccountInfo<Buffer> | null> => {
    let p = infos.get(address)
    if (p === undefined) {
      const key = new PublicKey(address)
      p = rpc.read('read account', (c) => c.getAccountInfo(key))
      infos.set(address, p)
    }
    return p
  }
  const lamports = async (address: string): Promise<bigint | null> => {
    const info = await accountInfo(address)
    return info === null ? null : BigInt(info.lamports)
  }
  const resolve = async (address: string): Promise<{ owner: string; mint: string; decimals: number } | null> => {
    const key = new PublicKey(address)
    const info = await accountInfo(address)
    if (info === null) return null
    try {
      const acc = unpackAccount(key, info, info.owner)
      const mint = await getMint(connection, acc.mint, undefined, info.owner)
      return { owner: acc.owner.toBase58(), mint: acc.mint.toBase58(), decimals: mint.decimals }
    } catch {
      return null
    }
  }
  const decoded = offline ? await actionsFromSolanaTx(transaction, wallet, async () => null, async () => null) : await actionsFromSolanaTx(transaction, wallet, resolve, lamports)
  const { VersionedMessage } = await import('@solana/web3.js')
  const message = VersionedMessage.deserialize(decoded.message)
  // Offline, a token instruction whose accounts are unknown reads as a call on the token program: leave it to the
  // online pass, which resolves it (the offline pass only ever denies on what it knows).
  const actions = offline ? decoded.actions.filter((a) => !(a.kind === 'contract-call' && TOKEN_PROGRAM_IDS.includes(a.contract))) : decoded.actions
  if (!offline) await assertBlockhashOf(rpc, network, message)
  return {
    body: { message: Buffer.from(decoded.message).toString('base64') },
    actions,
    // Base fee per signature plus the most its compute-unit price can cost.
    maxFee: 5000n * BigInt(message.header.numRequiredSignatures) + decoded.priorityFeeLamports,
    complete: !offline,
  }
}

/**
 * A caller-built Solana transaction is valid on whichever network knows its blockhash, so it is bound to the network
 * it is decided for here: its recent blockhash must be live on that network's node (or, for a durable-nonce
 * transaction, its nonce account there must hold that value). NETWORK_MISMATCH otherwise, CHAIN_RPC_UNREACHABLE when
 * the node cannot be asked (never signed on trust).
 */
async function assertBlockhashOf(rpc: SolanaRpc, network: string, message: import('@solana/web3.js').VersionedMessage): Promise<void> {
  const { NonceAccount } = await import('@solana/web3.js')
  const blockhash = message.recentBlockhash
  const first = message.compiledInstructions[0]
  const program = first === undefined ? undefined : message.staticAccountKeys[first.programIdIndex]?.toBase58()
  const durable = first !== undefined && program === '11111111111111111111111111111111' && first.data.length >= 4 && Buffer.from(first.data).readUInt32LE(0) === 4
  let live: boolean
  let why: string
  if (durable) {
    const nonceKey = message.staticAccountKeys[first.accountKeyIndexes[0] ?? -1]
    const info = nonceKey === undefined ? null : await rpc.read('read nonce account', (c) => c.getAccountInfo(nonceKey, rpc.commitment))
    let stored: string | null = null
    try {
      stored = info === null ? null : NonceAccount.fromAccountData(info.data).nonce
    } catch {
      stored = null
    }
    live = stored === blockhash
    why = `its durable nonce ${blockhash} is not the value of nonce account ${nonceKey?.toBase58() ?? '?'} on ${network}`
  } else {
    live = (await rpc.read('check blockhash', (c) => c.isBlockhashValid(blockhash, { commitment: rpc.commitment }))).value
    why = `its recent blockhash ${blockhash} is not a live blockhash of ${network}`
  }
  if (!live) {
    throw new WaiaasError('NETWORK_MISMATCH', `The transaction cannot be signed for ${network}: ${why} (built for another network, or expired)`, {
      details: { field: 'transaction.recentBlockhash', network, blockhash, durableNonce: durable },
      hint: 'Build the transaction with a recent blockhash from the network you name (getLatestBlockhash on its RPC), and sign it soon after.',
    })
  }
}
