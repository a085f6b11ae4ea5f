/**
 * Validate stage: from what a caller asked to a Plan — the exact thing that will be signed, decoded into policy
 * actions, with display values and the amounts a reservation holds. Nothing here writes; the pipeline stores the
 * plan as the request's row.
 */
import { formatAmount } from '../../lib/amounts.js'
import type { RequestKind } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertFamily } from '../../lib/networks.js'
import type { ChainAdapter, TransferIntent, TxIntent } from '../chains/types.js'
import type { SubmitInput } from './facade-types.js'
import type { DaemonContext } from '../context.js'
import { toIntent } from '../intents.js'
import { effectiveNetwork, type EffectiveNetwork } from '../networks.js'
import { actionsFromIntent, typedDataDomain } from '../policy/decode.js'
import { signMessageBody } from '../policy/message-guard.js'
import type { Action } from '../policy/types.js'
import type { RequestSummary, ReservedAmount } from '../store/requests.js'
import { findWallet, type WalletRow } from '../store/wallets.js'
import { resolveTokenRef } from '../token-registry.js'

/** What callers may ask for; field names are the contract's. */
export type { SubmitInput } from './facade-types.js'

export interface TokenMeta {
  symbol: string
  decimals: number
}

export interface Plan {
  wallet: WalletRow
  net: EffectiveNetwork
  kind: RequestKind
  /** What will be signed: hashed into the content hash that approvals bind. */
  body: Record<string, unknown>
  intent: TxIntent | null
  actions: Action[]
  summary: RequestSummary
  amounts: ReservedAmount[]
  recipient: string | null
  nativeValue: bigint
  tokens: Record<string, TokenMeta>
  /** Sign-tx only: the fee bound read from the caller's transaction. */
  maxFee: bigint | null
  /**
   * False for a plan made offline that lacks what only the node can tell (a token's decimals, the owner of a Solana
   * token account): good for the policy pass that needs no chain data, not for deciding or signing.
   */
  complete: boolean
}

export interface PlanOptions {
  /** Never ask the node (see `Plan.complete`). */
  offline?: boolean
}


/** The network a sign-only request is scoped to when none is given: the family's main network. */
function defaultNetwork(chain: 'evm' | 'solana'): string {
  return chain === 'evm' ? 'eip155:1' : 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp'
}

/**
 * What `input` asks to sign, decoded into actions. Offline, nothing asks the node: a plan that needs the chain's data
 * comes back with `complete: false`. Online, a caller-built Solana transaction must carry a blockhash (or durable
 * nonce) of the network it is asked for, since a signature is valid wherever its blockhash is: NETWORK_MISMATCH.
 */
export async function buildPlan(ctx: Pick<DaemonContext, 'db' | 'chains'>, input: SubmitInput, opts: PlanOptions = {}): Promise<Plan> {
  const wallet = findWallet(ctx.db, input.wallet)
  const net = effectiveNetwork(ctx.db, input.network ?? defaultNetwork(wallet.chain))
  assertFamily(net, wallet.chain)
  switch (input.kind) {
    case 'sign-message':
      return signOnly(wallet, net, 'sign-message', signMessageBody(wallet, input), [{ kind: 'sign-message' }])
    case 'sign-typed-data': {
      if (wallet.chain !== 'evm') throw new WaiaasError('INPUT_INVALID', 'Typed data (EIP-712) is signed by EVM wallets only', { details: { field: 'typedData' } })
      const { parseTypedData } = await import('../chains/evm/signing.js')
      const typedData = parseTypedData(input.typedData as never)
      return signOnly(wallet, net, 'sign-typed-data', { typedData }, [{ kind: 'sign-typed-data', domain: typedDataDomain(typedData) }])
    }
    case 'sign-tx':
      return signTxPlan(ctx, wallet, net, input.transaction, opts.offline === true)
    case 'batch':
      return batchPlan(ctx, wallet, net, input, opts.offline === true)
    default:
      return txPlan(ctx, wallet, net, input, opts.offline === true)
  }
}

function signOnly(wallet: WalletRow, net: EffectiveNetwork, kind: RequestKind, body: Record<string, unknown>, actions: Action[]): Plan {
  return {
    wallet,
    net,
    kind,
    body,
    intent: null,
    actions,
    summary: { to: null, amount: null, token: null, symbol: null },
    amounts: [],
    recipient: null,
    nativeValue: 0n,
    tokens: {},
    maxFee: null,
    complete: true,
  }
}

/** Symbol and decimals of every token the actions name that `known` does not have yet. */
export async function tokenMeta(adapter: ChainAdapter, actions: Action[], known: Record<string, TokenMeta> = {}): Promise<Record<string, TokenMeta>> {
  const out: Record<string, TokenMeta> = { ...known }
  for (const a of actions) {
    if ((a.kind === 'token-transfer' || a.kind === 'token-approve') && out[a.token] === undefined) {
      try {
        const info = await adapter.tokenInfo(a.token)
        out[a.token] = { symbol: info.symbol, decimals: info.decimals }
      } catch (err) {
        // Calldata that looks like a token call on something that is not a token: no decimals, so token-unit
        // limits and USD fail closed for it in the engine. An unreachable node is still an error.
        if (err instanceof WaiaasError && err.code === 'CHAIN_RPC_UNREACHABLE') throw err
      }
    }
  }
  return out
}

/** Amounts reserved (value only: the pipeline adds the fee), native value, first recipient and display values. */
export function account(actions: Action[], net: EffectiveNetwork, tokens: Record<string, TokenMeta>): Pick<Plan, 'amounts' | 'recipient' | 'nativeValue' | 'summary'> {
  let nativeValue = 0n
  const byToken = new Map<string, bigint>()
  let recipient: string | null = null
  for (const a of actions) {
    if (a.kind === 'native-transfer') nativeValue += a.amount
    if (a.kind === 'contract-call') nativeValue += a.value
    if (a.kind === 'token-transfer') byToken.set(a.token, (byToken.get(a.token) ?? 0n) + a.amount)
    if ((a.kind === 'native-transfer' || a.kind === 'token-transfer') && recipient === null) recipient = a.to
  }
  const amounts: ReservedAmount[] = []
  if (nativeValue > 0n) amounts.push({ asset: 'native', amount: nativeValue })
  for (const [asset, amount] of byToken) amounts.push({ asset, amount })
  const first = actions[0]
  let summary: RequestSummary = { to: null, amount: null, token: null, symbol: null }
  if (first !== undefined) {
    switch (first.kind) {
      case 'native-transfer':
        summary = { to: first.to, amount: formatAmount(first.amount, net.nativeDecimals), token: null, symbol: net.nativeSymbol }
        break
      case 'token-transfer':
      case 'token-approve': {
        const meta = tokens[first.token]
        summary = {
          to: first.kind === 'token-transfer' ? first.to : first.spender,
          amount: meta === undefined ? first.amount.toString() : formatAmount(first.amount, meta.decimals),
          token: first.token,
          symbol: meta?.symbol ?? null,
        }
        break
      }
      case 'contract-call':
        summary = { to: first.contract, amount: formatAmount(first.value, net.nativeDecimals), token: null, symbol: net.nativeSymbol }
        break
      default:
        break
    }
  }
  return { amounts, recipient, nativeValue, summary }
}

async function txPlan(
  ctx: Pick<DaemonContext, 'db' | 'chains'>,
  wallet: WalletRow,
  net: EffectiveNetwork,
  input: Extract<SubmitInput, { kind: 'transfer' | 'call' | 'approve' }>,
  offline: boolean,
): Promise<Plan> {
  const adapter = await ctx.chains.adapter(net)
  // A symbol (`USDC`) becomes the registry's address for this network before anything is planned: the policies and
  // the approval's content hash see only the address.
  const token = (ref: string): string => resolveTokenRef(ctx.db, net.id, ref)
  const fields =
    input.kind === 'transfer'
      ? { to: input.to, amount: input.amount, token: input.token === undefined ? undefined : token(input.token) }
      : input.kind === 'call'
        ? { to: input.to, amount: input.amount, data: input.data, function: input.function, args: input.args }
        : { token: token(input.token), spender: input.spender, amount: input.amount }
  if (input.kind === 'call' && input.data === undefined && input.function === undefined) {
    throw new WaiaasError('INPUT_INVALID', 'A contract call needs `data` or `function`', { details: { field: 'data' } })
  }
  if (offline) {
    const read = await toIntent(adapter, net, fields, { offline: true })
    const { intent } = read
    const actions = actionsFromIntent(intent)
    // A token the actions name needs its symbol and decimals from the node before anything is decided.
    const complete = read.complete && !actions.some((a) => a.kind === 'token-transfer' || a.kind === 'token-approve')
    const acc = account(actions, net, {})
    // A token amount is not known in minor units offline: show the amount as the caller gave it.
    const summary = complete ? acc.summary : { ...acc.summary, amount: fields.amount ?? null }
    return { wallet, net, kind: intent.kind, body: { intent }, intent, actions, tokens: {}, maxFee: null, complete, ...acc, summary }
  }
  const intent = await toIntent(adapter, net, fields)
  const actions = actionsFromIntent(intent, wallet.address)
  const tokens = await tokenMeta(adapter, actions)
  return { wallet, net, kind: intent.kind, body: { intent }, intent, actions, tokens, maxFee: null, complete: true, ...account(actions, net, tokens) }
}

/** `sign tx`: the caller's transaction read by the network's adapter (decoded, checked, bound to the network). */
async function signTxPlan(
  ctx: Pick<DaemonContext, 'db' | 'chains'>,
  wallet: WalletRow,
  net: EffectiveNetwork,
  transaction: string | Record<string, unknown>,
  offline: boolean,
): Promise<Plan> {
  const adapter = await ctx.chains.adapter(net)
  const read = await adapter.readCallerTx(transaction, wallet.address, { offline })
  const tokens = offline ? {} : await tokenMeta(adapter, read.actions)
  return { wallet, net, kind: 'sign-tx', body: read.body, intent: null, actions: read.actions, tokens, maxFee: read.maxFee, complete: read.complete, ...account(read.actions, net, tokens) }
}

/**
 * Several transfers decided as one request and signed as one transaction: every transfer becomes the actions the
 * policies judge (each one, and their sum against the limits), and the reservation holds their total. Where the chain
 * cannot carry them as one transaction by itself (EVM), they go through the batching contract the operator allowlists
 * for the network (`via`, bound into what approvals sign), which the adapter checks online before anything is
 * decided (checkBatch: its code, one asset, the allowance); BATCH_UNSUPPORTED where the operator set none.
 */
async function batchPlan(
  ctx: Pick<DaemonContext, 'db' | 'chains'>,
  wallet: WalletRow,
  net: EffectiveNetwork,
  input: Extract<SubmitInput, { kind: 'batch' }>,
  offline: boolean,
): Promise<Plan> {
  const adapter = await ctx.chains.adapter(net)
  const via = adapter.batchesTransfers ? undefined : (net.batchContract ?? undefined)
  if (!adapter.batchesTransfers && via === undefined) {
    throw new WaiaasError('BATCH_UNSUPPORTED', `${net.name} carries several transfers in one transaction only through a batching contract, and the operator allowlists none`, {
      details: { field: 'transfers', network: net.id },
      hint: `The operator allowlists one with \`waiaas network set ${net.aliases[0] ?? net.id} --batch-contract 0x…\`; until then send the transfers one by one (tx.send).`,
    })
  }
  const batch = (transfers: TransferIntent[]): TxIntent => (via === undefined ? { kind: 'batch', transfers } : { kind: 'batch', transfers, via })
  const fields = input.transfers.map((t, i) => ({
    to: t.to,
    amount: t.amount,
    token: t.token === undefined ? undefined : resolveTokenRef(ctx.db, net.id, t.token, `transfers[${i}].token`),
  }))
  if (offline) {
    const reads = await Promise.all(fields.map((f) => toIntent(adapter, net, f, { offline: true })))
    const intent = batch(reads.map((r) => r.intent as TransferIntent))
    const actions = actionsFromIntent(intent)
    // Through a batcher, its code (and a token's allowance) is checked online before anything is decided.
    const complete = via === undefined && reads.every((r) => r.complete) && !actions.some((a) => a.kind === 'token-transfer')
    return { wallet, net, kind: 'batch', body: { intent }, intent, actions, tokens: {}, maxFee: null, complete, ...account(actions, net, {}) }
  }
  const transfers: TransferIntent[] = []
  for (const f of fields) transfers.push((await toIntent(adapter, net, f)) as TransferIntent)
  if (via !== undefined) await adapter.checkBatch(wallet.address, via, transfers, net.batchCodeHash)
  const intent = batch(transfers)
  const actions = actionsFromIntent(intent, wallet.address)
  const tokens = await tokenMeta(adapter, actions)
  return { wallet, net, kind: 'batch', body: { intent }, intent, actions, tokens, maxFee: null, complete: true, ...account(actions, net, tokens) }
}
