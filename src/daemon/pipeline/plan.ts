/**
 * Validate stage: from what a caller asked to a Plan — the exact thing that will be signed, decoded into policy
 * actions, with display values and the amounts a reservation holds. Nothing here writes; the pipeline stores the
 * plan as the request's row.
 */
import type { AccountInfo } from '@solana/web3.js'
import { formatAmount } from '../../lib/amounts.js'
import type { RequestKind } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertFamily } from '../../lib/networks.js'
import type { AnyAdapter } from '../chains/registry.js'
import type { TxIntent } from '../chains/types.js'
import type { DaemonContext } from '../context.js'
import { toIntent } from '../intents.js'
import { effectiveNetwork, type EffectiveNetwork } from '../networks.js'
import { actionsFromIntent, addressKey, actionsFromSolanaTx, decodeEvmCall, parseUnsignedEvmTx, typedDataDomain } from '../policy/decode.js'
import { signMessageBody, type MessageFormat } from '../policy/message-guard.js'
import type { Action } from '../policy/types.js'
import type { RequestSummary, ReservedAmount } from '../store/requests.js'
import { findWallet, type WalletRow } from '../store/wallets.js'

/** What callers may ask for; field names are the contract's. */
export type SubmitInput =
  | { kind: 'transfer'; wallet: string; network: string; to: string; amount: string; token?: string | undefined; idempotencyKey?: string | undefined }
  | {
      kind: 'call'
      wallet: string
      network: string
      to: string
      data?: string | undefined
      function?: string | undefined
      args?: unknown[] | undefined
      amount?: string | undefined
      idempotencyKey?: string | undefined
    }
  | { kind: 'approve'; wallet: string; network: string; token: string; spender: string; amount: string; idempotencyKey?: string | undefined }
  | { kind: 'sign-message'; wallet: string; network?: string | undefined; message: string; encoding: 'utf8' | 'hex'; format?: MessageFormat | undefined }
  | { kind: 'sign-typed-data'; wallet: string; network?: string | undefined; typedData: string | Record<string, unknown> }
  | { kind: 'sign-tx'; wallet: string; network: string; transaction: string | Record<string, unknown>; idempotencyKey?: string | undefined }

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
export async function tokenMeta(adapter: AnyAdapter, actions: Action[], known: Record<string, TokenMeta> = {}): Promise<Record<string, TokenMeta>> {
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
  const fields =
    input.kind === 'transfer'
      ? { to: input.to, amount: input.amount, token: input.token }
      : input.kind === 'call'
        ? { to: input.to, amount: input.amount, data: input.data, function: input.function, args: input.args }
        : { token: input.token, spender: input.spender, amount: input.amount }
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

async function signTxPlan(
  ctx: Pick<DaemonContext, 'db' | 'chains'>,
  wallet: WalletRow,
  net: EffectiveNetwork,
  transaction: string | Record<string, unknown>,
  offline: boolean,
): Promise<Plan> {
  const adapter = await ctx.chains.adapter(net)
  if (net.family === 'evm') {
    const tx = parseUnsignedEvmTx(transaction, net.chainId ?? 0)
    for (const field of ['nonce', 'gasLimit', 'maxFeePerGas', 'maxPriorityFeePerGas'] as const) {
      if (tx[field] === null) {
        throw new WaiaasError('INPUT_INVALID', `A transaction to sign must carry its ${field}: the caller broadcasts it`, {
          details: { field: `transaction.${field}` },
          hint: 'Give nonce, gasLimit, maxFeePerGas and maxPriorityFeePerGas; or use `waiaas send`/`call`, which fill them in.',
        })
      }
    }
    const actions = decodeEvmCall(tx.to, tx.data, tx.value, { wallet: wallet.address, field: 'transaction.data' })
    const tokens = offline ? {} : await tokenMeta(adapter, actions)
    const maxFee = (tx.gasLimit ?? 0n) * (tx.maxFeePerGas ?? 0n)
    const complete = !offline || !actions.some((a) => a.kind === 'token-transfer' || a.kind === 'token-approve')
    return { wallet, net, kind: 'sign-tx', body: { transaction: { ...tx, to: addressKey(tx.to) } }, intent: null, actions, tokens, maxFee, complete, ...account(actions, net, tokens) }
  }
  if (typeof transaction !== 'string') {
    throw new WaiaasError('INPUT_INVALID', 'A Solana transaction to sign is a base64 string', { details: { field: 'transaction' } })
  }
  if (adapter.family !== 'solana') throw new WaiaasError('INTERNAL', 'adapter family mismatch')
  const { PublicKey } = await import('@solana/web3.js')
  const { unpackAccount, getMint } = await import('@solana/spl-token')
  const connection = adapter.rpc.connection
  const infos = new Map<string, Promise<AccountInfo<Buffer> | null>>()
  const accountInfo = (address: string): Promise<AccountInfo<Buffer> | null> => {
    let p = infos.get(address)
    if (p === undefined) {
      const key = new PublicKey(address)
      p = adapter.rpc.read('read account', (c) => c.getAccountInfo(key))
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
  const decoded = offline ? await actionsFromSolanaTx(transaction, wallet.address, async () => null, async () => null) : await actionsFromSolanaTx(transaction, wallet.address, resolve, lamports)
  const { VersionedMessage } = await import('@solana/web3.js')
  const message = VersionedMessage.deserialize(decoded.message)
  // Offline, a token instruction whose accounts are unknown reads as a call on the token program: leave it to the
  // online pass, which resolves it (the offline pass only ever denies on what it knows).
  const actions = offline ? decoded.actions.filter((a) => !(a.kind === 'contract-call' && TOKEN_PROGRAM_IDS.includes(a.contract))) : decoded.actions
  if (!offline) await assertBlockhashOf(adapter, message)
  const tokens = offline ? {} : await tokenMeta(adapter, actions)
  return {
    wallet,
    net,
    kind: 'sign-tx',
    body: { message: Buffer.from(decoded.message).toString('base64') },
    intent: null,
    actions,
    tokens,
    // Base fee per signature plus the most its compute-unit price can cost.
    maxFee: 5000n * BigInt(message.header.numRequiredSignatures) + decoded.priorityFeeLamports,
    complete: !offline,
    ...account(actions, net, tokens),
  }
}

const TOKEN_PROGRAM_IDS = ['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb']

/**
 * A caller-built Solana transaction is valid on whichever network knows its blockhash, so it is bound to the network
 * it is decided for here: its recent blockhash must be live on that network's node (or, for a durable-nonce
 * transaction, its nonce account there must hold that value). NETWORK_MISMATCH otherwise, CHAIN_RPC_UNREACHABLE when
 * the node cannot be asked (never signed on trust).
 */
async function assertBlockhashOf(adapter: Extract<AnyAdapter, { family: 'solana' }>, message: import('@solana/web3.js').VersionedMessage): Promise<void> {
  const { NonceAccount } = await import('@solana/web3.js')
  const blockhash = message.recentBlockhash
  const first = message.compiledInstructions[0]
  const program = first === undefined ? undefined : message.staticAccountKeys[first.programIdIndex]?.toBase58()
  const durable = first !== undefined && program === '11111111111111111111111111111111' && first.data.length >= 4 && Buffer.from(first.data).readUInt32LE(0) === 4
  let live: boolean
  let why: string
  if (durable) {
    const nonceKey = message.staticAccountKeys[first.accountKeyIndexes[0] ?? -1]
    const info = nonceKey === undefined ? null : await adapter.rpc.read('read nonce account', (c) => c.getAccountInfo(nonceKey, adapter.rpc.commitment))
    let stored: string | null = null
    try {
      stored = info === null ? null : NonceAccount.fromAccountData(info.data).nonce
    } catch {
      stored = null
    }
    live = stored === blockhash
    why = `its durable nonce ${blockhash} is not the value of nonce account ${nonceKey?.toBase58() ?? '?'} on ${adapter.network}`
  } else {
    live = (await adapter.rpc.read('check blockhash', (c) => c.isBlockhashValid(blockhash, { commitment: adapter.rpc.commitment }))).value
    why = `its recent blockhash ${blockhash} is not a live blockhash of ${adapter.network}`
  }
  if (!live) {
    throw new WaiaasError('NETWORK_MISMATCH', `The transaction cannot be signed for ${adapter.network}: ${why} (built for another network, or expired)`, {
      details: { field: 'transaction.recentBlockhash', network: adapter.network, blockhash, durableNonce: durable },
      hint: 'Build the transaction with a recent blockhash from the network you name (getLatestBlockhash on its RPC), and sign it soon after.',
    })
  }
}
