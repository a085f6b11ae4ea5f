/**
 * SPL Token and Token-2022: which program owns a mint, its decimals, associated token accounts (ATAs) and balances.
 *
 * Choices:
 * - A token is named by its mint. There is no metadata program on the local chain, so a token's symbol is the mint's
 *   short address (`AbCd…WxYz`) everywhere, for consistency between networks.
 * - Transfers go from the sender's ATA to the recipient's ATA; tokens held in other (non-associated) accounts of the
 *   sender are not spent. A recipient that is itself a token account is refused (tokens sent to the ATA of a token
 *   account are lost); an off-curve recipient (a program-derived address, e.g. a multisig vault) is allowed.
 * - Token-2022 mints with a transfer hook need extra accounts and are not supported yet (the simulation fails).
 */
import { PublicKey, type AccountInfo, type TransactionInstruction } from '@solana/web3.js'
import type { Mint } from '@solana/spl-token'
import { WaiaasError } from '../../../lib/errors.js'
import type { Balance } from '../types.js'
import type { SolanaRpc } from './connection.js'
import { TOKEN_PROGRAMS, TOKEN_PROGRAM_ID, isTokenProgram, splToken, type SplToken } from './spl.js'

export interface MintInfo {
  mint: PublicKey
  programId: PublicKey
  decimals: number
  state: Mint
}

/** The short address used as a token's symbol: first and last four characters of the mint. */
export const shortSymbol = (mint: string): string => `${mint.slice(0, 4)}…${mint.slice(-4)}`

/** Decodes a mint account; CHAIN_ACCOUNT_NOT_FOUND when absent, INPUT_INVALID_ADDRESS when not a token mint. */
export function decodeMint(spl: SplToken, mint: PublicKey, info: AccountInfo<Buffer> | null, network: string): MintInfo {
  if (info === null) {
    throw new WaiaasError('CHAIN_ACCOUNT_NOT_FOUND', `Token mint ${mint.toBase58()} does not exist on ${network}`, { details: { field: 'token', token: mint.toBase58(), network } })
  }
  const notMint = (): WaiaasError =>
    new WaiaasError('INPUT_INVALID_ADDRESS', `token ${mint.toBase58()} is not an SPL Token or Token-2022 mint`, { details: { field: 'token', token: mint.toBase58(), owner: info.owner.toBase58() } })
  if (!isTokenProgram(info.owner)) throw notMint()
  try {
    const state = spl.unpackMint(mint, info, info.owner)
    return { mint, programId: info.owner, decimals: state.decimals, state }
  } catch (err) {
    throw Object.assign(notMint(), { cause: err })
  }
}

/** The mint's owner program and decimals, read from the chain. */
export async function readMint(rpc: SolanaRpc, mint: PublicKey): Promise<MintInfo> {
  const [spl, info] = await Promise.all([splToken(), rpc.read('read mint', (c) => c.getAccountInfo(mint, rpc.commitment), { token: mint.toBase58() })])
  return decodeMint(spl, mint, info, rpc.network)
}

/** Size of the ATA the associated-token program creates for `m` (Token-2022 adds ImmutableOwner and mint-driven extensions). */
export function ataSize(spl: SplToken, m: MintInfo): number {
  if (m.programId.equals(TOKEN_PROGRAM_ID)) return spl.ACCOUNT_SIZE
  const exts = spl.getExtensionTypes(m.state.tlvData).map(spl.getAccountTypeOfMintType).filter((e) => e !== spl.ExtensionType.Uninitialized)
  return spl.getAccountLen([...new Set([...exts, spl.ExtensionType.ImmutableOwner])])
}

export interface TokenTransferPlan {
  instructions: TransactionInstruction[]
  mint: MintInfo
  source: PublicKey
  destination: PublicKey
  /** Set when the recipient's ATA is created by this transaction (the sender pays its rent). */
  createsAccount: PublicKey | null
  rentLamports: bigint
}

/** The instructions of a transferChecked from `from`'s ATA to `to`'s ATA, creating the latter when missing. */
export async function planTokenTransfer(rpc: SolanaRpc, from: PublicKey, to: PublicKey, mintKey: PublicKey, amount: bigint): Promise<TokenTransferPlan> {
  const [spl, [mintInfo, toInfo]] = await Promise.all([splToken(), rpc.read('read token accounts', (c) => c.getMultipleAccountsInfo([mintKey, to], rpc.commitment))])
  const mint = decodeMint(spl, mintKey, mintInfo ?? null, rpc.network)
  if (toInfo !== null && toInfo !== undefined && isTokenProgram(toInfo.owner)) {
    throw new WaiaasError('INPUT_INVALID_ADDRESS', `to ${to.toBase58()} is a token account or mint, not a wallet; give the owner's wallet address`, { details: { field: 'to', to: to.toBase58() } })
  }
  const source = spl.getAssociatedTokenAddressSync(mintKey, from, true, mint.programId)
  const destination = spl.getAssociatedTokenAddressSync(mintKey, to, true, mint.programId)
  const [srcInfo, dstInfo] = await rpc.read('read token accounts', (c) => c.getMultipleAccountsInfo([source, destination], rpc.commitment))
  if (srcInfo === null || srcInfo === undefined) {
    throw new WaiaasError('CHAIN_ACCOUNT_NOT_FOUND', `${from.toBase58()} has no token account for ${mintKey.toBase58()} on ${rpc.network}`, {
      details: { field: 'from', from: from.toBase58(), token: mintKey.toBase58(), account: source.toBase58(), network: rpc.network },
    })
  }
  const instructions: TransactionInstruction[] = []
  let createsAccount: PublicKey | null = null
  let rentLamports = 0n
  if (dstInfo === null || dstInfo === undefined) {
    createsAccount = destination
    rentLamports = BigInt(await rpc.read('read rent', (c) => c.getMinimumBalanceForRentExemption(ataSize(spl, mint), rpc.commitment)))
    instructions.push(spl.createAssociatedTokenAccountIdempotentInstruction(from, destination, to, mintKey, mint.programId))
  }
  instructions.push(spl.createTransferCheckedInstruction(source, mintKey, destination, from, amount, mint.decimals, [], mint.programId))
  return { instructions, mint, source, destination, createsAccount, rentLamports }
}

/** Sum of `owner`'s accounts of `mint` (0 when it holds none), with the mint's decimals. */
export async function readTokenBalance(rpc: SolanaRpc, owner: PublicKey, mintKey: PublicKey): Promise<Balance> {
  const [spl, mint] = await Promise.all([splToken(), readMint(rpc, mintKey)])
  const res = await rpc.read('read token balance', (c) => c.getTokenAccountsByOwner(owner, { mint: mintKey }, rpc.commitment))
  let amount = 0n
  for (const { pubkey, account } of res.value) amount += spl.unpackAccount(pubkey, account, mint.programId).amount
  const token = mintKey.toBase58()
  return { token, symbol: shortSymbol(token), decimals: mint.decimals, amount }
}

/** Every token `owner` holds under both token programs, one entry per mint (empty accounts included), by mint. */
export async function listTokenBalances(rpc: SolanaRpc, owner: PublicKey): Promise<Balance[]> {
  const spl = await splToken()
  const perProgram = await Promise.all(
    TOKEN_PROGRAMS.map((programId) => rpc.read('list token accounts', (c) => c.getTokenAccountsByOwner(owner, { programId }, rpc.commitment))),
  )
  const totals = new Map<string, { amount: bigint; programId: PublicKey }>()
  perProgram.forEach((res, i) => {
    const programId = TOKEN_PROGRAMS[i] ?? TOKEN_PROGRAM_ID
    for (const { pubkey, account } of res.value) {
      const acc = spl.unpackAccount(pubkey, account, programId)
      const key = acc.mint.toBase58()
      totals.set(key, { amount: (totals.get(key)?.amount ?? 0n) + acc.amount, programId })
    }
  })
  const mints = [...totals.keys()]
  const infos: Array<AccountInfo<Buffer> | null> = []
  for (let i = 0; i < mints.length; i += 100) {
    const chunk = mints.slice(i, i + 100).map((m) => new PublicKey(m))
    infos.push(...(await rpc.read('read mints', (c) => c.getMultipleAccountsInfo(chunk, rpc.commitment))))
  }
  return mints
    .map((m, i) => {
      const decimals = decodeMint(spl, new PublicKey(m), infos[i] ?? null, rpc.network).decimals
      return { token: m, symbol: shortSymbol(m), decimals, amount: totals.get(m)?.amount ?? 0n }
    })
    .sort((a, b) => a.token.localeCompare(b.token))
}

/**
 * SPL / Token-2022 approval: `delegate` may move up to `amount` from the owner's associated token account of `mint`
 * (ApproveChecked, so the mint and decimals are verified on chain). The owner must hold that account.
 */
export async function planTokenApprove(rpc: SolanaRpc, owner: PublicKey, delegate: PublicKey, mintKey: PublicKey, amount: bigint): Promise<TransactionInstruction[]> {
  const [spl, m] = await Promise.all([splToken(), readMint(rpc, mintKey)])
  const source = spl.getAssociatedTokenAddressSync(m.mint, owner, true, m.programId)
  const info = await rpc.read('read token account', (c) => c.getAccountInfo(source))
  if (info === null) {
    throw new WaiaasError('CHAIN_ACCOUNT_NOT_FOUND', `${owner.toBase58()} holds no account of token ${m.mint.toBase58()} to approve from`, {
      details: { network: rpc.network, token: m.mint.toBase58() },
    })
  }
  return [spl.createApproveCheckedInstruction(source, m.mint, delegate, owner, amount, m.decimals, [], m.programId)]
}
