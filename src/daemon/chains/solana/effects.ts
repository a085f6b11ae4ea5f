/**
 * What a Solana transaction does to the wallet, read from the node's simulation (simulateTransaction with the
 * accounts it writes returned) rather than from its instructions. A transaction can only change the accounts its
 * message marks writable, so those are read before and after:
 *
 * - the wallet's own account: lamports it loses beyond the fee are native value leaving it; being reassigned to
 *   another program or given data is an authority change (the wallet could no longer pay fees);
 * - token accounts the wallet owns (SPL Token and Token-2022): a lower balance is a transfer out, a new or raised
 *   delegate is an approval, a new owner or close authority is an authority change, closing one sends its
 *   remaining balance and rent away;
 * - any other account that names the wallet (a mint, stake or nonce account whose authority it is): when those 32
 *   bytes are gone after the transaction, it changed an authority of the wallet's.
 *
 * Recipients are the accounts that gained what the wallet lost (the owner of a token account that gained the mint,
 * the account that gained lamports); what no account gained (tokens burned, lamports to no writable account) is
 * attributed to the mint, or to the System program, so recipient lists never let it through unseen.
 */
import { PublicKey, VersionedMessage, VersionedTransaction, type AccountInfo } from '@solana/web3.js'
import type { Account as TokenAccount } from '@solana/spl-token'
import type { Action } from '../../policy/types.js'
import type { EffectReport } from '../types.js'
import type { SolanaRpc } from './connection.js'
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, splToken, type SplToken } from './spl.js'

const SYSTEM_PROGRAM = '11111111111111111111111111111111'
const U64_MAX = (1n << 64n) - 1n

interface State {
  lamports: bigint
  owner: string
  data: Buffer
}

function tokenAccount(spl: SplToken, address: PublicKey, s: State | null): TokenAccount | null {
  if (s === null || !(s.owner === TOKEN_PROGRAM_ID.toBase58() || s.owner === TOKEN_2022_PROGRAM_ID.toBase58())) return null
  try {
    const info = { data: s.data, executable: false, lamports: Number(s.lamports), owner: new PublicKey(s.owner), rentEpoch: 0 } as AccountInfo<Buffer>
    return spl.unpackAccount(address, info, info.owner)
  } catch {
    return null
  }
}

/** Offsets at which `needle` (32 bytes) occurs in `data`. */
function offsetsOf(data: Buffer, needle: Buffer): number[] {
  const out: number[] = []
  for (let i = data.indexOf(needle); i >= 0; i = data.indexOf(needle, i + 1)) out.push(i)
  return out
}

/** Gains per recipient, taken from `gains` in order; what none gained goes to `rest`. */
function attribute(amount: bigint, gains: Map<string, bigint>, rest: string): { to: string; amount: bigint }[] {
  const out: { to: string; amount: bigint }[] = []
  let left = amount
  for (const [to, gain] of gains) {
    if (left <= 0n) break
    const take = gain < left ? gain : left
    if (take <= 0n) continue
    out.push({ to, amount: take })
    gains.set(to, gain - take)
    left -= take
  }
  if (left > 0n) out.push({ to: rest, amount: left })
  return out
}

/** The effect on `wallet` of the message `messageBase64` (fee at most `maxFee` lamports), simulated as is. */
export async function simulateSolanaEffects(rpc: SolanaRpc, wallet: string, messageBase64: string, maxFee: bigint): Promise<EffectReport> {
  const message = VersionedMessage.deserialize(Buffer.from(messageBase64, 'base64'))
  const keys = message.staticAccountKeys
  const writable = keys.filter((_, i) => message.isAccountWritable(i))
  const addresses = writable.map((k) => k.toBase58())
  const [spl, preInfos, sim] = await Promise.all([
    splToken(),
    rpc.read('read accounts', (c) => c.getMultipleAccountsInfo(writable, rpc.commitment)),
    rpc.read('simulate effects', (c) =>
      c.simulateTransaction(new VersionedTransaction(message), { sigVerify: false, replaceRecentBlockhash: false, commitment: rpc.commitment, accounts: { addresses, encoding: 'base64' } }),
    ),
  ])
  if (sim.value.err !== null) return { status: 'reverted', actions: [], gasUsed: null, reason: JSON.stringify(sim.value.err) }
  const posts = sim.value.accounts
  if (posts === null || posts === undefined || posts.length !== writable.length) return { status: 'unavailable', actions: [], gasUsed: null }
  const pre: (State | null)[] = preInfos.map((a) => (a === null ? null : { lamports: BigInt(a.lamports), owner: a.owner.toBase58(), data: Buffer.from(a.data) }))
  const post: (State | null)[] = posts.map((a) =>
    a === null || a.lamports === 0 ? null : { lamports: BigInt(a.lamports), owner: a.owner, data: Buffer.from(a.data[0] ?? '', 'base64') },
  )
  const walletBytes = new PublicKey(wallet).toBuffer()
  const actions: Action[] = []
  /** Lamports of the wallet and of the token accounts it owns, after minus before (closing one into the wallet nets out). */
  let walletNet = 0n
  const tokensOut = new Map<string, bigint>()
  const lamportGains = new Map<string, bigint>()
  const tokenGains = new Map<string, Map<string, bigint>>()
  const authority = (account: string, what: string): void => void actions.push({ kind: 'authority-change', account, what })

  writable.forEach((key, i) => {
    const address = addresses[i] ?? ''
    const before = pre[i] ?? null
    const after = post[i] ?? null
    const lamportDelta = (after?.lamports ?? 0n) - (before?.lamports ?? 0n)
    if (address === wallet) {
      walletNet += lamportDelta
      if (after !== null && after.owner !== SYSTEM_PROGRAM) authority(address, `the wallet's account is assigned to program ${after.owner}`)
      else if (after !== null && after.data.length !== (before?.data.length ?? 0)) authority(address, "the wallet's account is given data")
      return
    }
    const tokBefore = tokenAccount(spl, key, before)
    const tokAfter = tokenAccount(spl, key, after)
    if (tokBefore !== null && tokBefore.owner.toBase58() === wallet) {
      const mint = tokBefore.mint.toBase58()
      const remaining = tokAfter === null || !tokAfter.mint.equals(tokBefore.mint) ? 0n : tokAfter.amount
      if (tokBefore.amount > remaining) tokensOut.set(mint, (tokensOut.get(mint) ?? 0n) + tokBefore.amount - remaining)
      // Rent (and, for wrapped SOL, the balance) of a closed or drained account leaves the wallet too.
      walletNet += lamportDelta
      if (tokAfter === null) return
      if (!tokAfter.owner.equals(tokBefore.owner)) authority(address, `the owner of token account ${address} becomes ${tokAfter.owner.toBase58()}`)
      const close = (a: TokenAccount): string => a.closeAuthority?.toBase58() ?? ''
      if (close(tokAfter) !== close(tokBefore) && close(tokAfter) !== '' && close(tokAfter) !== wallet) {
        authority(address, `the close authority of token account ${address} becomes ${close(tokAfter)}`)
      }
      const delegate = tokAfter.delegate?.toBase58()
      if (delegate !== undefined && (delegate !== tokBefore.delegate?.toBase58() || tokAfter.delegatedAmount > tokBefore.delegatedAmount)) {
        actions.push({ kind: 'token-approve', token: mint, spender: delegate, amount: tokAfter.delegatedAmount, unlimited: tokAfter.delegatedAmount >= U64_MAX })
      }
      return
    }
    if (lamportDelta > 0n) lamportGains.set(address, (lamportGains.get(address) ?? 0n) + lamportDelta)
    if (tokAfter !== null) {
      const gained = tokAfter.amount - (tokBefore !== null && tokBefore.mint.equals(tokAfter.mint) ? tokBefore.amount : 0n)
      if (gained > 0n) {
        const mint = tokAfter.mint.toBase58()
        const gains = tokenGains.get(mint) ?? new Map<string, bigint>()
        const owner = tokAfter.owner.toBase58()
        gains.set(owner, (gains.get(owner) ?? 0n) + gained)
        tokenGains.set(mint, gains)
      }
    }
    if (before !== null) {
      for (const at of offsetsOf(before.data, walletBytes)) {
        if (after === null || !after.data.subarray(at, at + 32).equals(walletBytes)) {
          authority(address, `account ${address} no longer names the wallet at byte ${at} (an authority of the wallet's changes)`)
          break
        }
      }
    }
  })

  const native = -walletNet - maxFee
  if (native > 0n) for (const r of attribute(native, lamportGains, SYSTEM_PROGRAM)) actions.push({ kind: 'native-transfer', to: r.to, amount: r.amount })
  for (const [mint, amount] of tokensOut) {
    for (const r of attribute(amount, tokenGains.get(mint) ?? new Map(), mint)) actions.push({ kind: 'token-transfer', token: mint, to: r.to, amount: r.amount })
  }
  return { status: 'simulated', actions, gasUsed: null }
}
