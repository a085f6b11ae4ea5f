/**
 * Incoming transfers on one Solana network: for each wallet, the signatures of its address and of each of its token
 * accounts (SPL Token and Token-2022) since the last one looked at, at the network's commitment; each successful
 * transaction is read (jsonParsed) and its balance changes diffed: SOL is the lamport increase of the wallet's
 * address, tokens the increase of each token account the wallet owns (post - pre token balance). One transfer is
 * recorded per (signature, account index). A transaction the wallet signed itself is its own doing, never incoming.
 *
 * Cursors per wallet: where monitoring began (watch-start.ts: the slot when the wallet was created or the network first
 * watched, or a time, compared with the signatures' block times; history before it is not scanned) and per address
 * the newest signature already looked at. A token account seen for the first time is read back to that start, so a
 * transfer that created it, or arrived before the next tick noticed it, is not missed.
 */
import { PublicKey, type Finality, type ParsedInstruction, type ParsedTransactionWithMeta, type PartiallyDecodedInstruction, type TokenBalance } from '@solana/web3.js'
import { WaiaasError } from '../../lib/errors.js'
import type { SolanaRpc } from '../chains/solana/connection.js'
import { TOKEN_PROGRAMS } from '../chains/solana/spl.js'
import type { EffectiveNetwork } from '../networks.js'
import type { Db } from '../store/db.js'
import { commitScan, cursorsOf, type CursorWrite, type FoundTransfer } from '../store/incoming.js'
import type { WalletRow } from '../store/wallets.js'
import type { ScanOutcome } from './evm-scan.js'
import { parseStart, START_SKEW_MS } from './watch-start.js'

const PAGE = 1000
/** At most this many pages of signatures per address and tick (a backlog larger than that is logged and cut). */
const MAX_PAGES = 20

interface Sig {
  signature: string
  slot: number
  blockTime?: number | null
  err: unknown
}

/** Where monitoring began: a slot, or a time (ms) when the node could not be asked for one. */
type Start = { at: number } | { time: number }

/** Whether a signature is from before monitoring began (a signature without a block time is not). */
function fromBefore(s: Sig, start: Start): boolean {
  if ('at' in start) return s.slot <= start.at
  return s.blockTime !== null && s.blockTime !== undefined && s.blockTime * 1000 < start.time - START_SKEW_MS
}

/** Signatures of `address` newer than `until` (or, without one, since monitoring began at `start`), newest first. */
async function newSignatures(rpc: SolanaRpc, commitment: Finality, address: string, until: string | undefined, start: Start): Promise<Sig[]> {
  const out: Sig[] = []
  let before: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const opts: { limit: number; until?: string; before?: string } = { limit: PAGE }
    if (until !== undefined) opts.until = until
    if (before !== undefined) opts.before = before
    const list = await rpc.write('scan signatures', (c) => c.getSignaturesForAddress(new PublicKey(address), opts, commitment))
    for (const s of list) {
      if (until === undefined && fromBefore(s, start)) return out
      out.push({ signature: s.signature, slot: s.slot, err: s.err })
    }
    if (list.length < PAGE) return out
    before = list[list.length - 1]?.signature
  }
  throw new WaiaasError('INTERNAL', `More than ${MAX_PAGES * PAGE} new signatures for one address in one tick`, { details: { address } })
}

type AnyInstruction = ParsedInstruction | PartiallyDecodedInstruction

/** Every instruction of a transaction, inner ones included. */
function instructionsOf(tx: ParsedTransactionWithMeta): AnyInstruction[] {
  const inner = (tx.meta?.innerInstructions ?? []).flatMap((i) => i.instructions)
  return [...tx.transaction.message.instructions, ...inner]
}

/** `parsed.info` of a parsed transfer instruction whose destination is `destination`. */
function transferTo(ixs: AnyInstruction[], destination: string): Record<string, unknown> | undefined {
  for (const ix of ixs) {
    if (!('parsed' in ix)) continue
    const parsed = ix.parsed as { type?: unknown; info?: Record<string, unknown> } | null
    if (parsed === null || typeof parsed !== 'object' || parsed.info === undefined) continue
    const type = String(parsed.type)
    if ((type === 'transfer' || type === 'transferChecked' || type === 'transferCheckedWithFee') && parsed.info.destination === destination) return parsed.info
  }
  return undefined
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** The transfers to `wallet` in one transaction. */
function transfersIn(tx: ParsedTransactionWithMeta, signature: string, wallet: WalletRow, tokenAccounts: ReadonlySet<string>, net: EffectiveNetwork): FoundTransfer[] {
  const meta = tx.meta
  if (meta === null || meta.err !== null) return []
  const keys = tx.transaction.message.accountKeys.map((k) => ({ pubkey: k.pubkey.toBase58(), signer: k.signer }))
  const me = keys.findIndex((k) => k.pubkey === wallet.address)
  if (me >= 0 && keys[me]?.signer === true) return []
  const ixs = instructionsOf(tx)
  const feePayer = keys[0]?.pubkey ?? null
  const base = { walletId: wallet.id, network: net.id, tx: signature, block: tx.slot, blockTime: tx.blockTime === null || tx.blockTime === undefined ? null : tx.blockTime * 1000 }
  const out: FoundTransfer[] = []
  if (me >= 0) {
    const delta = BigInt(meta.postBalances[me] ?? 0) - BigInt(meta.preBalances[me] ?? 0)
    if (delta > 0n) {
      const info = transferTo(ixs, wallet.address)
      out.push({ ...base, index: me, asset: 'native', amount: delta, decimals: net.nativeDecimals, symbol: net.nativeSymbol, from: str(info?.source) ?? feePayer })
    }
  }
  const pre = new Map<number, TokenBalance>((meta.preTokenBalances ?? []).map((b) => [b.accountIndex, b]))
  const ownerAt = (index: number): string | null => {
    const b = pre.get(index) ?? (meta.postTokenBalances ?? []).find((p) => p.accountIndex === index)
    return str(b?.owner)
  }
  for (const post of meta.postTokenBalances ?? []) {
    const account = keys[post.accountIndex]?.pubkey
    if (account === undefined || (post.owner !== wallet.address && !tokenAccounts.has(account))) continue
    const before = pre.get(post.accountIndex)
    const delta = BigInt(post.uiTokenAmount.amount) - BigInt(before?.mint === post.mint ? before.uiTokenAmount.amount : '0')
    if (delta <= 0n) continue
    const info = transferTo(ixs, account)
    const source = str(info?.source)
    const sourceIndex = source === null ? -1 : keys.findIndex((k) => k.pubkey === source)
    const from = (sourceIndex >= 0 ? ownerAt(sourceIndex) : null) ?? str(info?.authority) ?? str(info?.multisigAuthority)
    out.push({ ...base, index: post.accountIndex, asset: post.mint, amount: delta, decimals: post.uiTokenAmount.decimals, symbol: null, from })
  }
  return out
}

/** The wallet's token accounts under both token programs. */
async function tokenAccountsOf(rpc: SolanaRpc, commitment: Finality, owner: string): Promise<string[]> {
  const lists = await Promise.all(
    TOKEN_PROGRAMS.map((programId) => rpc.write('scan token accounts', (c) => c.getTokenAccountsByOwner(new PublicKey(owner), { programId }, commitment))),
  )
  return lists.flatMap((l) => l.value.map((a) => a.pubkey.toBase58()))
}

/** One wallet's scan; commits its transfers and cursors together. */
async function scanWallet(db: Db, net: EffectiveNetwork, rpc: SolanaRpc, wallet: WalletRow, cursors: Map<string, string>, slot: number, guard: () => void): Promise<FoundTransfer[]> {
  const commitment = rpc.commitment
  const baseText = cursors.get('')
  if (baseText === undefined) {
    // No start recorded (a wallet from before starts were recorded): it starts at the current slot (no history scan).
    commitScan(db, [], [{ walletId: wallet.id, network: net.id, account: '', position: String(slot) }], guard)
  }
  const start: Start = baseText === undefined ? { at: slot } : parseStart(baseText)
  const tokenAccounts = await tokenAccountsOf(rpc, commitment, wallet.address)
  const addresses = new Set([wallet.address, ...tokenAccounts, ...[...cursors.keys()].filter((k) => k !== '')])
  const moves: CursorWrite[] = []
  const pending = new Map<string, number>()
  for (const address of addresses) {
    const until = cursors.get(address)
    const sigs = await newSignatures(rpc, commitment, address, until, start)
    const newest = sigs[0]
    if (newest !== undefined) moves.push({ walletId: wallet.id, network: net.id, account: address, position: newest.signature })
    for (const s of sigs) if (s.err === null || s.err === undefined) pending.set(s.signature, s.slot)
  }
  const ordered = [...pending].sort((a, b) => a[1] - b[1]).map(([sig]) => sig)
  const found: FoundTransfer[] = []
  const accountSet = new Set(tokenAccounts)
  for (const signature of ordered) {
    const tx = await rpc.write('read transaction', (c) => c.getParsedTransaction(signature, { commitment, maxSupportedTransactionVersion: 0 }))
    // Listed but not readable yet at this commitment: look again next tick, with nothing advanced.
    if (tx === null) throw new WaiaasError('CHAIN_RPC_UNREACHABLE', `Transaction ${signature} is not available yet`, { details: { network: net.id } })
    found.push(...transfersIn(tx, signature, wallet, accountSet, net))
  }
  return commitScan(db, found, moves, guard)
}

/** One scan of one Solana network for `wallets` (its Solana wallets). Throws on an RPC failure of any wallet. */
export async function scanSolana(db: Db, net: EffectiveNetwork, rpc: SolanaRpc, wallets: readonly WalletRow[], guard: () => void): Promise<ScanOutcome> {
  if (wallets.length === 0) return { through: null, found: [] }
  const slot = await rpc.write('read slot', (c) => c.getSlot(rpc.commitment))
  const stored = cursorsOf(db, net.id)
  const found: FoundTransfer[] = []
  for (const w of wallets) found.push(...(await scanWallet(db, net, rpc, w, stored.get(w.id) ?? new Map(), slot, guard)))
  return { through: slot, found }
}
