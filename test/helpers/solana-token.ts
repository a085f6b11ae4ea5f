/** A daemon wallet on the local Solana chain holding SOL and a fresh SPL token, for the attack tests. */
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js'
import { TOKEN_PROGRAM_ID, createMint, getOrCreateAssociatedTokenAccount, mintTo } from '@solana/spl-token'
import { inject } from 'vitest'
import type { DaemonClient } from '../../src/cli/client.js'
import type { WireAuth } from '../../src/lib/wire.js'
import { localChain } from './chains.js'

export interface SolanaTokenWallet {
  conn: Connection
  /** The wallet's address. */
  owner: PublicKey
  /** Pays for setup and is the mint's authority. */
  payer: Keypair
  mint: PublicKey
  /** The wallet's associated token account, holding `amount`. */
  source: PublicKey
  /** The associated token account of `who` (created by the payer when missing). */
  ataOf(who: PublicKey): Promise<PublicKey>
}

/**
 * Points `solana-local` at the test chain, creates wallet `name` with 10 SOL and `amount` minor units of a new
 * 6-decimal SPL token in its associated token account.
 */
export async function solanaTokenWallet(client: DaemonClient, auth: WireAuth, name: string, amount: bigint): Promise<SolanaTokenWallet> {
  await client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, auth)
  const conn = new Connection(localChain().solanaRpcUrl, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
  const owner = new PublicKey((await client.call('wallet.create', { chain: 'solana', name }, auth)).address)
  const payer = Keypair.generate()
  await conn.requestAirdrop(owner, 10 * LAMPORTS_PER_SOL)
  await conn.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL)
  const opts = { commitment: 'confirmed' as const }
  const mint = await createMint(conn, payer, payer.publicKey, null, 6, Keypair.generate(), opts, TOKEN_PROGRAM_ID)
  const ataOf = async (who: PublicKey): Promise<PublicKey> => (await getOrCreateAssociatedTokenAccount(conn, payer, mint, who, false, 'confirmed', opts)).address
  const source = await ataOf(owner)
  await mintTo(conn, payer, mint, source, payer, amount, [], opts)
  return { conn, owner, payer, mint, source, ataOf }
}
