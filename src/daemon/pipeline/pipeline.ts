/**
 * The transaction pipeline: validate → authorise → policy + reservation → wait (delay or approval) → sign →
 * broadcast → confirm. Each stage is a compare-and-set state change of the request's row in SQLite, written in the
 * same transaction as its audit entry (if the audit write fails, the stage did not happen).
 *
 * - Policy + reservation is one synchronous SQLite transaction: evaluation reads the spend ledger and the row is
 *   reserved before any other request can be evaluated, so cumulative limits cannot be raced.
 * - The signed raw transaction is stored before it is broadcast; broadcasting takes only stored bytes. After a crash,
 *   `start()` resumes every request from its stored state: pending ones are decided, approved ones signed, signed
 *   ones (re)broadcast — the same bytes, so never twice — and submitted ones followed.
 * - EVM nonces are taken only when a request may really be signed, and stored before signing.
 * - The kill switch holds everything before signing and broadcasting; submitted transactions are still followed.
 */
import { randomBytes } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import type { RequestKind, TxState } from '../../lib/contract/index.js'
import { approvalMessage, contentHash, parseApprovalMessage, verifyOwnerSignature } from '../approval/owner.js'
import { assertOwnerOutside, heldWallet } from '../approval/owner-rule.js'
import type { AnyAdapter } from '../chains/registry.js'
import type { EffectReport, PreparedTx, SignedTx } from '../chains/types.js'
import type { DaemonContext } from '../context.js'
import { wipe } from '../keystore/aead.js'
import { openPrivateKey } from '../keystore/vault.js'
import { effectiveNetwork, type EffectiveNetwork } from '../networks.js'
import { FEE_BOUND_FACTOR, applicablePolicies, evaluate, feeAboveCap } from '../policy/engine.js'
import { messageBytes } from '../policy/message-guard.js'
import type { Action, Decision, PolicyFacts, PolicyRequest } from '../policy/types.js'
import type { AssetRef, PriceService } from '../prices/index.js'
import { appendAudit } from '../store/audit.js'
import { getMeta, setMeta } from '../store/meta.js'
import { allPolicies, policyRevision } from '../store/policies.js'
import {
  countOpen,
  dueDelays,
  dueExpiries,
  findByIdempotencyKey,
  getRequest,
  hasPaid,
  insertPending,
  insertRequest,
  isFinal,
  patchRequest,
  requestsInState,
  SIGN_ONLY_KINDS,
  transition,
  type NewRequest,
  type RequestPatch,
  type RequestRow,
  type ReservedAmount,
  type StoredDecision,
} from '../store/requests.js'
import { inTransaction, prepared } from '../store/statements.js'
import { findWallet, listWallets, type WalletRow } from '../store/wallets.js'
import { GroupCommit } from './group-commit.js'
import { SpendLedger } from './ledger.js'
import { sessionCap } from './session-cap.js'
import { uncovered, withEffects } from './effects.js'
import { account, buildPlan, tokenMeta, type Plan, type SubmitInput, type TokenMeta } from './plan.js'
import { settle, withFee } from './settle.js'

export type PipelineEnv = Pick<DaemonContext, 'db' | 'keyring' | 'chains' | 'log'>

export interface PipelineOptions {
  prices: PriceService
  /** How often the sweep runs: due delays, expiries, held work, confirmations. */
  tickMs: number
  /** How long an APPROVAL waits unless the deciding SPENDING_LIMIT sets `approval_timeout_seconds`. */
  approvalTtlMs: number
  now?: () => number
  /** Test hook: SIGKILL this process right after the named stage commits (only with WAIAAS_TEST_HOOKS=1). */
  crashAt?: string | undefined
}

export interface KillSwitchState {
  on: boolean
  since: string | null
  actor: string | null
  reason: string | null
}

/** What `policy test` reports. */
export interface TestResult {
  decision: Decision
  revision: number
  usdMicros: bigint | null
  /** The most the fee can cost (native minor units), when the request is a transaction and it is known. */
  maxFee: bigint | null
  nativeDecimals: number
  policies: string[]
}

interface Payload {
  body: Record<string, unknown>
  tokens: Record<string, TokenMeta>
  maxFee: bigint | null
  /** How the decision saw the transaction's effect (see PolicyRequest.effects); `simulated` is checked again at signing. */
  effects?: EffectReport['status']
}

/** The asynchronous part of a decision: the request the engine judges and what the decision writes on the row. */
interface Gathered {
  request: PolicyRequest
  prepared?: PreparedTx
  /** The judged actions (decoded plus simulated effects), the amounts reserved (value plus maximum fee), the payload. */
  patch: { actions: Action[]; amounts: ReservedAmount[]; payload: Record<string, unknown> }
}

interface Signers {
  evm: typeof import('../chains/evm/signing.js')
  solana: typeof import('../chains/solana/signing.js')
  tx: typeof import('./sign-tx.js')
}

/** Key in a stored `prepared` that marks a cancelling replacement: the hash of the transaction it voids. */
const CANCELS = 'cancels'
/** Fee raise of a cancelling replacement over the transaction it replaces (nodes want at least 10%). */
const CANCEL_BUMP_PERCENT = 20
const cancelling = (row: RequestRow): boolean => typeof row.prepared?.[CANCELS] === 'string'

/** An EVM private key (a Buffer, wiped when dropped) or a node:crypto ed25519 KeyObject (Solana). */
type SigningKeyLike = Buffer | ReturnType<Signers['solana']['ed25519KeyObject']>

const KILL_KEY = 'killswitch'
/** Kinds that need the chain to be decided: for them, the rules that need no chain data are checked first, offline. */
const OFFLINE_FIRST: readonly RequestKind[] = ['native-transfer', 'token-transfer', 'contract-call', 'token-approve', 'sign-tx']

/** A request as the offline pass sees it: no fee, no USD value, amounts that may be placeholders. */
function offlineRequest(plan: Plan): PolicyRequest {
  return {
    walletId: plan.wallet.id,
    chain: plan.wallet.chain,
    network: plan.net.id,
    actions: plan.actions,
    maxFee: null,
    usdMicros: 0n,
    nativeValue: plan.nativeValue,
    nativeDecimals: plan.net.nativeDecimals,
    tokenDecimals: {},
  }
}
/** Errors after which the same stage is simply tried again on the next sweep. */
const TRANSIENT = new Set(['CHAIN_RPC_UNREACHABLE', 'CHAIN_RATE_LIMITED', 'KEYSTORE_LOCKED', 'KILL_SWITCH_ON'])

export class Pipeline {
  readonly ledger: SpendLedger
  private readonly commits: GroupCommit
  private signerModules: Promise<Signers> | undefined
  private killState: KillSwitchState | undefined
  private readonly keyCache = new Map<string, { epoch: number; key: SigningKeyLike }>()
  private readonly now: () => number
  private readonly inFlight = new Map<string, Promise<void>>()
  private readonly waiters = new Map<string, Set<() => void>>()
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined
  private stopped = false

  constructor(
    private readonly env: PipelineEnv,
    private readonly opts: PipelineOptions,
  ) {
    this.ledger = new SpendLedger(env.db)
    // A batch that fails to commit takes its reservations with it: rebuild the ledger from SQLite.
    this.commits = new GroupCommit(env.db, () => this.ledger.forget())
    this.now = opts.now ?? Date.now
  }

  // ---------------------------------------------------------------- lifecycle

  /** Resumes every unfinished request, then sweeps every tickMs. Call before the daemon takes requests. */
  async start(): Promise<void> {
    const t0 = Date.now()
    for (const w of listWallets(this.env.db)) this.ledger.load(w.id, this.now())
    if (Date.now() - t0 > 200) this.env.log.info('spend ledger loaded', { ms: Date.now() - t0 })
    await this.reconcileNonces()
    for (const row of requestsInState(this.env.db, 'pending', 10_000)) void this.track(`d:${row.id}`, () => this.redecide(row)).catch(() => undefined)
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs)
    this.timer.unref()
    void this.tick()
  }

  /**
   * After a restart: an EVM nonce handed out just before a crash, but never recorded with its request, would leave
   * a gap that blocks every later transaction of the account. Every recent nonce that no stored request holds is
   * given back; the nonce manager drops those the chain has already used when the account's lane starts.
   */
  private async reconcileNonces(): Promise<void> {
    const db = this.env.db
    const lanes = prepared<[], { chain_id: number; address: string; next_nonce: number }>(db, 'SELECT chain_id, address, next_nonce FROM evm_nonces').all()
    if (lanes.length === 0) return
    const held = new Set<string>()
    for (const state of ['approved', 'signed', 'submitted'] as const) {
      for (const row of requestsInState(db, state, 100_000, { sentOnly: true })) {
        const u = (row.prepared as { unsigned?: { chainId?: unknown; nonce?: unknown } } | null)?.unsigned
        const from = (row.prepared as { from?: unknown } | null)?.from
        if (typeof u?.chainId === 'string' && typeof u.nonce === 'string' && /^\d+$/.test(u.nonce) && typeof from === 'string') {
          held.add(`${u.chainId}:${from.toLowerCase()}:${u.nonce}`)
        }
      }
    }
    const nonces = await this.env.chains.nonceManager()
    for (const lane of lanes) {
      for (let n = Math.max(0, lane.next_nonce - 256); n < lane.next_nonce; n++) {
        if (!held.has(`${lane.chain_id}:${lane.address}:${n}`)) await nonces.release(lane.chain_id, lane.address, BigInt(n))
      }
    }
  }

  /** Stops sweeping and waits for work in flight. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) clearInterval(this.timer)
    await this.ticking
    await Promise.allSettled([...this.inFlight.values()])
  }

  // ---------------------------------------------------------------- submit and decide

  /** Validates, records, decides and (when allowed at once) signs and broadcasts. POLICY_DENIED for a denial. */
  async submit(input: SubmitInput, actor: string): Promise<RequestRow> {
    this.assertKillSwitchOff(actor, input.kind)
    const key = 'idempotencyKey' in input ? (input.idempotencyKey ?? null) : null
    // What needs no chain data is decided before any RPC call: a network, recipient or contract the policies refuse
    // is denied at once, even when that network's node is down.
    const draft = await buildPlan(this.env, input, { offline: true })
    if (OFFLINE_FIRST.includes(draft.kind)) {
      const denied = await this.denyOffline(draft, key, actor)
      if (denied !== undefined) return denied
    }
    const plan = draft.complete ? draft : await buildPlan(this.env, input)
    const payload: Payload = { body: plan.body, tokens: plan.tokens, maxFee: plan.maxFee }
    const hash = contentHash({ walletId: plan.wallet.id, network: plan.net.id, kind: plan.kind, body: plan.body })
    if (key !== null) {
      const existing = findByIdempotencyKey(this.env.db, plan.wallet.id, key)
      if (existing !== undefined) return this.replay(existing, hash, key)
    }
    if (SIGN_ONLY_KINDS.includes(plan.kind)) return this.submitSignOnly(plan, payload, hash, key, actor)
    const id = `req_${randomBytes(10).toString('hex')}`
    const inserted = insertPending(this.env.db, this.newRequest(id, plan, payload, hash, key, actor))
    if (!inserted && key !== null) {
      const existing = findByIdempotencyKey(this.env.db, plan.wallet.id, key)
      if (existing !== undefined) return this.replay(existing, hash, key)
    }
    this.notify(id)
    let hint: PreparedTx | undefined
    const work = (async () => {
      try {
        const gathered = await this.gather(getRequest(this.env.db, id), plan.wallet, plan.net, plan)
        hint = gathered.prepared
        this.decide(id, gathered)
      } catch (err) {
        // Nothing was reserved yet; the row records why it went no further and the caller gets the error.
        const e = err instanceof WaiaasError ? err : new WaiaasError('INTERNAL', 'Internal error', { cause: err })
        this.finishFailed(getRequest(this.env.db, id), ['pending'], { code: e.code, reason: e.message })
        throw err
      }
    })()
    await this.track(`d:${id}`, () => work)
    let row = getRequest(this.env.db, id)
    if (row.state === 'denied') throw this.denial(row)
    if (row.state === 'approved') {
      await this.execute(id, hint)
      row = getRequest(this.env.db, id)
    }
    if (row.state === 'failed' && row.error !== null && !SIGN_ONLY_KINDS.includes(row.kind)) {
      // Failed before it reached the chain (e.g. insufficient funds): the caller learns why, the row stays.
      throw new WaiaasError(row.error.code as never, row.error.reason, { details: { id: row.id, state: row.state } })
    }
    return row
  }

  /**
   * Sign-only requests (messages, typed data, caller-built transactions) need nothing from a node, so they are
   * recorded, decided and — when allowed at once — signed in one job of the group commit: one transaction, one
   * fsync shared with the other requests of the same moment. The signature leaves the daemon only after the commit.
   */
  private async submitSignOnly(plan: Plan, payload: Payload, hash: string, key: string | null, actor: string): Promise<RequestRow> {
    const db = this.env.db
    const m = await this.signers()
    const id = `req_${randomBytes(10).toString('hex')}`
    const skeleton = { kind: plan.kind, amounts: plan.amounts, actions: plan.actions, payload: payload as unknown as Record<string, unknown> } as RequestRow
    const gathered = await this.gather(skeleton, plan.wallet, plan.net, plan)
    const out = await this.commits.run((): { row: RequestRow; replayed: boolean } => {
      if (key !== null) {
        const existing = findByIdempotencyKey(db, plan.wallet.id, key)
        if (existing !== undefined) return { row: existing, replayed: true }
      }
      const pending = this.pendingRow(id, plan, payload, hash, key, actor)
      // The row is written once, in the state it ends this transaction in (pending never shows: nothing here waits).
      let row = this.decideWithin(id, gathered, pending, () => true)
      if (row === undefined) throw new WaiaasError('INTERNAL', 'a sign-only request was not decided')
      let signed = false
      if (row.state === 'approved' && !this.killSwitch().on && !this.env.keyring.locked) {
        const { signature, raw } = this.signOnly(row, plan.wallet, plan.net, m)
        row = { ...row, state: 'signed', signature, raw, updatedAt: this.now() }
        signed = true
      }
      insertRequest(db, row)
      if (signed) appendAudit(db, { actor: 'daemon', action: 'tx.signed', target: id, outcome: 'ok', details: { kind: row.kind, network: row.network, txHash: null } })
      return { row, replayed: false }
    })
    if (out.replayed) return this.replay(out.row, hash, key ?? '')
    this.notify(id)
    if (out.row.state === 'denied') throw this.denial(out.row)
    return out.row
  }

  /** The whole row of a request that is written only once decided (sign-only requests, offline denials). */
  private pendingRow(id: string, plan: Plan, payload: Payload, hash: string, key: string | null, actor: string): RequestRow {
    const fresh = this.newRequest(id, plan, payload, hash, key, actor)
    return {
      ...fresh,
      state: 'pending',
      tier: null,
      usdMicros: null,
      counted: false,
      decision: null,
      policyRevision: null,
      delayUntil: null,
      expiresAt: null,
      prepared: null,
      raw: null,
      txHash: null,
      hashes: [],
      signature: null,
      error: null,
      acceptedAt: null,
      updatedAt: fresh.createdAt,
    }
  }

  /** The row a plan becomes. */
  private newRequest(id: string, plan: Plan, payload: Payload, hash: string, key: string | null, actor: string): NewRequest {
    return {
      id,
      walletId: plan.wallet.id,
      network: plan.net.id,
      kind: plan.kind,
      idempotencyKey: key,
      contentHash: hash,
      payload: payload as unknown as Record<string, unknown>,
      summary: plan.summary,
      actions: plan.actions,
      amounts: plan.amounts,
      recipient: plan.recipient,
      actor,
      createdAt: this.now(),
    }
  }

  /** The same idempotency key again: the same request, or IDEMPOTENCY_CONFLICT when it asked for something else. */
  private replay(existing: RequestRow, hash: string, key: string): RequestRow {
    if (existing.contentHash !== hash) {
      throw new WaiaasError('IDEMPOTENCY_CONFLICT', `Idempotency key "${key}" was used for a different request (${existing.id})`, {
        details: { id: existing.id, idempotencyKey: key },
      })
    }
    if (existing.state === 'denied') throw this.denial(existing)
    return existing
  }

  private denial(row: RequestRow): WaiaasError {
    const d = row.decision
    return new WaiaasError('POLICY_DENIED', d?.reason ?? 'Denied by policy', {
      details: { id: row.id, tier: 'DENY', rule: d?.rule ?? null, reason: d?.reason ?? null, wouldPass: d?.wouldPass ?? null, policyRevision: d?.policyRevision ?? null },
      ...(d?.wouldPass ? { hint: `${d.wouldPass}. See \`waiaas policy test\` for every rule that applies.` } : {}),
    })
  }

  /**
   * The asynchronous part of a decision: the transaction built (EVM: without a nonce) for its fee, its effect
   * simulated where code runs beyond what the decoder reads (a contract call, a transfer to an address with code, any
   * caller-built transaction), the USD value of what leaves the wallet (value and maximum fee), and for a fee the
   * caller chose, the bound it must stay under. `chain: false` asks the node nothing (a `policy test` whose
   * transaction the node refuses to build).
   */
  private async gather(row: RequestRow, wallet: WalletRow, net: EffectiveNetwork, plan?: Plan, opts: { chain?: boolean } = {}): Promise<Gathered> {
    const payload = row.payload as unknown as Payload
    const kind = plan?.kind ?? row.kind
    const ask = opts.chain !== false
    let prepared: PreparedTx | undefined
    let maxFee: bigint | null = payload.maxFee
    let feeBound: bigint | null = null
    let report: EffectReport | undefined
    const intent = plan?.intent ?? (payload.body.intent as PreparedTx['intent'] | undefined)
    const adapter = ask && (intent != null || kind === 'sign-tx') ? await this.env.chains.adapter(net) : undefined
    if (adapter !== undefined && intent !== undefined && intent !== null) {
      prepared = adapter.family === 'evm' ? await adapter.prepare(wallet.address, intent, { nonce: false }) : await adapter.prepare(wallet.address, intent)
      maxFee = prepared.fee.maxFee
      if (adapter.runsCode(prepared)) report = await adapter.simulateEffects(wallet.address, prepared.unsigned, maxFee)
    } else if (adapter !== undefined && kind === 'sign-tx') {
      // EVM: the caller's fields (to, data, value, gasLimit, …); Solana: the message to sign.
      const unsigned = (payload.body.transaction as Record<string, unknown> | undefined) ?? { message: payload.body.message }
      report = await adapter.simulateEffects(wallet.address, unsigned, maxFee ?? 0n)
      feeBound = FEE_BOUND_FACTOR * (await adapter.suggestedFee(wallet.address, unsigned, report))
    }
    const actions = report?.status === 'simulated' ? withEffects(row.actions, report.actions) : row.actions
    const tokens = adapter === undefined || actions === row.actions ? payload.tokens : await tokenMeta(adapter, actions, payload.tokens)
    const value = actions === row.actions ? { amounts: row.amounts, nativeValue: row.amounts.find((a) => a.asset === 'native')?.amount ?? 0n } : account(actions, net, tokens)
    const isTx = kind !== 'sign-message' && kind !== 'sign-typed-data'
    const fee = isTx ? maxFee : null
    const [valueUsd, feeUsd] = await Promise.all([this.usdOf(value.amounts, net, tokens), fee === null || fee === 0n ? Promise.resolve(0n) : this.usdOf([{ asset: 'native', amount: fee }], net, tokens)])
    const tokenDecimals: Record<string, number> = {}
    for (const [k, m] of Object.entries(tokens)) tokenDecimals[k] = m.decimals
    const request: PolicyRequest = {
      walletId: wallet.id,
      chain: wallet.chain,
      network: net.id,
      actions,
      maxFee: fee,
      feeBound,
      usdMicros: valueUsd === null || feeUsd === null ? null : valueUsd + feeUsd,
      nativeValue: value.nativeValue,
      nativeDecimals: net.nativeDecimals,
      tokenDecimals,
      ...(report === undefined ? {} : { effects: report.status }),
    }
    const patch = {
      actions,
      amounts: withFee(value.amounts, fee, feeUsd),
      payload: { ...(payload as unknown as Record<string, unknown>), tokens, ...(report === undefined ? {} : { effects: report.status }) },
    }
    return prepared === undefined ? { request, patch } : { request, prepared, patch }
  }

  /** The USD value of `amounts` on `net` (micro-dollars); null when an asset has no fresh price or no known decimals. */
  private usdOf(amounts: readonly ReservedAmount[], net: EffectiveNetwork, tokens: Record<string, TokenMeta>): Promise<bigint | null> {
    const items: { asset: AssetRef; amount: bigint }[] = []
    for (const a of amounts) {
      if (a.amount === 0n) continue
      if (a.asset === 'native') {
        items.push({ asset: { network: net.id, token: null, symbol: net.nativeSymbol, decimals: net.nativeDecimals }, amount: a.amount })
      } else {
        const meta = tokens[a.asset]
        // A token without known decimals cannot be priced: USD rules fail closed for it.
        if (meta === undefined) return Promise.resolve(null)
        items.push({ asset: { network: net.id, token: a.asset, symbol: meta.symbol, decimals: meta.decimals }, amount: a.amount })
      }
    }
    return items.length === 0 ? Promise.resolve(0n) : this.opts.prices.totalUsdMicros(items)
  }

  private facts(walletId: string, network: string, now: number): PolicyFacts {
    const db = this.env.db
    return {
      now,
      spent: this.ledger.spent(walletId, network, now),
      countSince: (seconds) => this.ledger.countSince(walletId, now, seconds),
      // Read only when a MAX_PENDING policy asks.
      get pending() {
        return countOpen(db, walletId)
      },
      knownRecipient: (to) => hasPaid(db, walletId, to),
    }
  }

  /**
   * Policy + reservation, inside the caller's transaction: evaluation, the row's new state, its audit entry and the
   * ledger's reservation happen in one synchronous block, before anything else can run. The ledger is updated at
   * once, so the next decision in the same transaction sees it; if that transaction fails, forget the ledger.
   */
  private decideWithin(
    id: string,
    gathered: Pick<Gathered, 'request' | 'patch'>,
    known?: RequestRow,
    persist: (state: TxState, patch: RequestPatch, now: number) => boolean = (state, patch, now) => transition(this.env.db, id, ['pending'], state, patch, now),
    opts: { offline?: boolean } = {},
  ): RequestRow | undefined {
    const { request } = gathered
    const db = this.env.db
    const result = ((): { counted: boolean; now: number; row: RequestRow } | undefined => {
      const row = known ?? getRequest(db, id)
      if (row.state !== 'pending') return undefined
      const now = this.now()
      const revision = policyRevision(db)
      const session = opts.offline === true ? undefined : sessionCap(db, row.actor, now)
      const decision = evaluate(request, applicablePolicies([...allPolicies(db)], row.walletId, row.network), this.facts(row.walletId, row.network, now), { ...opts, session })
      // The offline pass only ever denies; anything else waits for the decision with the chain's data.
      if (opts.offline === true && decision.tier !== 'DENY') return undefined
      const stored: StoredDecision = {
        tier: decision.tier,
        delaySeconds: decision.delaySeconds,
        reason: decision.decisive.reason,
        rule: decision.decisive.rule,
        wouldPass: decision.decisive.wouldPass ?? null,
        verdicts: decision.verdicts.map((v) => ({ tier: v.tier, reason: v.reason, rule: v.rule })),
        policyRevision: revision,
      }
      const counted = decision.tier !== 'DENY'
      const state: TxState =
        decision.tier === 'DENY' ? 'denied' : decision.tier === 'APPROVAL' ? 'awaiting_approval' : decision.tier === 'DELAY' ? 'queued' : 'approved'
      const ttl = decision.approvalTimeoutSeconds !== undefined ? decision.approvalTimeoutSeconds * 1000 : this.opts.approvalTtlMs
      const patch = {
        ...gathered.patch,
        tier: decision.tier,
        counted,
        usdMicros: request.usdMicros,
        decision: stored,
        policyRevision: revision,
        acceptedAt: counted ? now : null,
        delayUntil: decision.tier === 'DELAY' ? now + decision.delaySeconds * 1000 : null,
        expiresAt: decision.tier === 'APPROVAL' ? now + ttl : null,
      }
      if (!persist(state, patch, now)) return undefined
      const decided: RequestRow = { ...row, ...patch, state, updatedAt: now }
      appendAudit(db, {
        actor: row.actor,
        action: 'tx.decision',
        target: id,
        outcome: counted ? 'ok' : 'denied',
        details: {
          kind: row.kind,
          network: row.network,
          tier: decision.tier,
          delaySeconds: decision.tier === 'DELAY' ? decision.delaySeconds : null,
          rule: stored.rule,
          reason: stored.reason,
          policyRevision: revision,
          to: row.summary.to,
          amount: row.summary.amount,
          token: row.summary.token,
          usdMicros: request.usdMicros?.toString() ?? null,
          contentHash: row.contentHash,
        },
      })
      return { counted, now, row: decided }
    })()
    if (result?.counted === true) {
      this.ledger.reserve(result.row.walletId, { acceptedAt: result.now, network: result.row.network, usdMicros: request.usdMicros, amounts: gathered.patch.amounts })
    }
    return result?.row
  }

  /** Policy + reservation as a transaction of its own. */
  private decide(id: string, gathered: Gathered): void {
    try {
      inTransaction(this.env.db, () => this.decideWithin(id, gathered))
    } catch (err) {
      this.ledger.forget()
      throw err
    }
    this.notify(id)
    this.crashHook('decided')
  }

  /** After a restart: a request that was recorded but not decided is decided now. */
  private async redecide(row: RequestRow): Promise<void> {
    try {
      const wallet = findWallet(this.env.db, row.walletId)
      const net = effectiveNetwork(this.env.db, row.network)
      this.decide(row.id, await this.gather(row, wallet, net))
      if (getRequest(this.env.db, row.id).state === 'approved') await this.execute(row.id)
    } catch (err) {
      this.failUnlessTransient(row.id, ['pending'], err)
    }
  }

  /**
   * The offline pass of a request that needs the chain (see `submit`): when a rule that needs no chain data denies
   * it, the request is recorded as denied (with its idempotency key) and POLICY_DENIED is thrown, before any RPC call.
   * Undefined when nothing denied it offline, or when its idempotency key is taken (the full path replays that).
   */
  private async denyOffline(plan: Plan, key: string | null, actor: string): Promise<RequestRow | undefined> {
    const db = this.env.db
    const payload: Payload = { body: plan.body, tokens: plan.tokens, maxFee: plan.maxFee }
    const hash = contentHash({ walletId: plan.wallet.id, network: plan.net.id, kind: plan.kind, body: plan.body })
    const id = `req_${randomBytes(10).toString('hex')}`
    const gathered = { request: offlineRequest(plan), patch: { actions: plan.actions, amounts: [], payload: payload as unknown as Record<string, unknown> } }
    const row = await this.commits.run((): RequestRow | undefined => {
      if (key !== null && findByIdempotencyKey(db, plan.wallet.id, key) !== undefined) return undefined
      const denied = this.decideWithin(id, gathered, this.pendingRow(id, plan, payload, hash, key, actor), () => true, { offline: true })
      if (denied !== undefined) insertRequest(db, denied)
      return denied
    })
    if (row === undefined) return undefined
    this.notify(id)
    throw this.denial(row)
  }

  /** `policy test`: the same evaluation on the same facts, with nothing recorded or reserved. */
  async test(input: SubmitInput, actor = 'operator'): Promise<TestResult> {
    const db = this.env.db
    const draft = await buildPlan(this.env, input, { offline: true })
    if (OFFLINE_FIRST.includes(draft.kind)) {
      // What needs no chain data is answered offline: a denial here needs no node.
      const policies = applicablePolicies([...allPolicies(db)], draft.wallet.id, draft.net.id)
      const decision = evaluate(offlineRequest(draft), policies, this.facts(draft.wallet.id, draft.net.id, this.now()), { offline: true })
      if (decision.tier === 'DENY') return { decision, revision: policyRevision(db), usdMicros: null, maxFee: null, nativeDecimals: draft.net.nativeDecimals, policies: policies.map((p) => p.id) }
    }
    const plan = draft.complete ? draft : await buildPlan(this.env, input)
    const payload: Payload = { body: plan.body, tokens: plan.tokens, maxFee: plan.maxFee }
    const row = {
      kind: plan.kind,
      amounts: plan.amounts,
      actions: plan.actions,
      payload: payload as unknown as Record<string, unknown>,
    } as RequestRow
    let request: PolicyRequest
    try {
      request = (await this.gather(row, plan.wallet, plan.net, plan)).request
    } catch (err) {
      // A transaction the node would refuse (no funds, a revert) can still be judged by policy; its fee is unknown.
      if (!(err instanceof WaiaasError) || !['CHAIN_INSUFFICIENT_FUNDS', 'CHAIN_REVERTED', 'CHAIN_ERROR'].includes(err.code)) throw err
      request = (await this.gather(row, plan.wallet, plan.net, plan, { chain: false })).request
    }
    const policies = applicablePolicies([...allPolicies(db)], plan.wallet.id, plan.net.id)
    const now = this.now()
    const decision = evaluate(request, policies, this.facts(plan.wallet.id, plan.net.id, now), { session: sessionCap(db, actor, now) })
    return { decision, revision: policyRevision(db), usdMicros: request.usdMicros, maxFee: request.maxFee, nativeDecimals: plan.net.nativeDecimals, policies: policies.map((p) => p.id) }
  }

  // ---------------------------------------------------------------- execute: sign, broadcast, follow

  /** Runs the next stages of an approved or signed request; concurrent calls for one request share one run. */
  execute(id: string, hint?: PreparedTx): Promise<void> {
    return this.track(`x:${id}`, () => this.runExecute(id, hint))
  }

  private async runExecute(id: string, hint?: PreparedTx): Promise<void> {
    let row = getRequest(this.env.db, id)
    try {
      if (row.state === 'approved') row = await this.signStage(row, hint)
      if (row.state === 'signed' && !SIGN_ONLY_KINDS.includes(row.kind)) row = await this.broadcastStage(row)
    } catch (err) {
      this.failUnlessTransient(id, ['approved', 'signed'], err)
    }
  }

  private async signStage(row: RequestRow, hint?: PreparedTx): Promise<RequestRow> {
    const db = this.env.db
    if (this.killSwitch().on) return row
    const dataKey = this.env.keyring.heldDataKey()
    const wallet = findWallet(db, row.walletId)
    const net = effectiveNetwork(db, row.network)
    const payload = row.payload as unknown as Payload
    if (SIGN_ONLY_KINDS.includes(row.kind)) {
      if (row.kind === 'sign-tx') {
        // Decided a while ago (a delay, an approval): what the transaction does now must still be what was decided.
        const unsigned = (payload.body.transaction as Record<string, unknown> | undefined) ?? { message: payload.body.message }
        await this.assertEffectCovered(row, wallet, await this.env.chains.adapter(net), unsigned, payload.maxFee ?? 0n)
      }
      const { signature, raw } = this.signOnly(row, wallet, net, await this.signers())
      return this.commitSigned(row, { signature, raw, txHash: null, hashes: [] })
    }
    const adapter = await this.env.chains.adapter(net)
    let tx = row.prepared !== null ? (row.prepared as unknown as PreparedTx) : hint
    if (tx === undefined) {
      const intent = payload.body.intent as PreparedTx['intent']
      tx = adapter.family === 'evm' ? await adapter.prepare(wallet.address, intent, { nonce: false }) : await adapter.prepare(wallet.address, intent)
      this.assertFeeCap(row, net, tx.fee.maxFee)
    }
    // Signed at once after its decision (the hint), the transaction is the one just simulated; signed later, it is
    // simulated again, and signed only while its effect stays within what was decided.
    if (hint === undefined && payload.effects === 'simulated') await this.assertEffectCovered(row, wallet, adapter, tx.unsigned, tx.fee.maxFee)
    if (adapter.family === 'evm' && !adapter.hasNonce(tx)) {
      tx = await adapter.assignNonce(tx)
      this.crashHook('nonce')
      // The nonce is recorded before signing, so a crash from here on reuses it instead of leaving a gap.
      if (!patchRequest(db, row.id, 'approved', { prepared: tx as unknown as Record<string, unknown> }, this.now())) {
        await adapter.releaseNonce(tx)
        return getRequest(db, row.id)
      }
    }
    const signed = await this.signWith(adapter, wallet, tx, dataKey)
    if (this.killSwitch().on) return getRequest(db, row.id)
    const next = this.commitSigned(row, { raw: signed.raw, txHash: signed.hash, hashes: [signed.hash], prepared: tx as unknown as Record<string, unknown>, signature: null })
    if (next.state !== 'signed' && adapter.family === 'evm') await this.releaseIfUnsent(adapter, tx, next)
    return next
  }

  /**
   * Simulates `unsigned` again and refuses (POLICY_EFFECT_CHANGED) when it now moves more out of the wallet, grants
   * more, or changes an authority, beyond the actions the decision judged; or when it can no longer be simulated.
   */
  private async assertEffectCovered(row: RequestRow, wallet: WalletRow, adapter: AnyAdapter, unsigned: Record<string, unknown>, maxFee: bigint): Promise<void> {
    const report = await adapter.simulateEffects(wallet.address, unsigned, maxFee)
    if (report.status === 'simulated') {
      const extra = uncovered(row.actions, report.actions)
      if (extra.length === 0) return
      throw new WaiaasError('POLICY_EFFECT_CHANGED', `Request ${row.id} was not signed: simulated now, it does more than was decided (${describeExtra(extra)})`, {
        details: { id: row.id, extra: extra.map((a) => ({ ...a, ...('amount' in a ? { amount: a.amount.toString() } : {}), ...('value' in a ? { value: a.value.toString() } : {}) })) },
      })
    }
    if ((row.payload as unknown as Payload).effects !== 'simulated') return
    throw new WaiaasError('POLICY_EFFECT_CHANGED', `Request ${row.id} was not signed: it ${report.status === 'reverted' ? `now reverts in simulation (${report.reason ?? 'reverted'})` : 'can no longer be simulated'}, so its effect cannot be checked`, {
      details: { id: row.id, simulation: report.status },
    })
  }

  private async releaseIfUnsent(adapter: AnyAdapter, tx: PreparedTx, row: RequestRow): Promise<void> {
    if (adapter.family === 'evm' && (row.state === 'cancelled' || row.state === 'rejected' || row.state === 'failed')) await adapter.releaseNonce(tx)
  }

  /** approved → signed with the signature or raw bytes and its audit entry, in one transaction. */
  private commitSigned(
    row: RequestRow,
    s: { raw: string | null; txHash: string | null; hashes: string[]; signature: string | null; prepared?: Record<string, unknown> },
  ): RequestRow {
    const db = this.env.db
    const moved = inTransaction(db, () => {
      const ok = transition(db, row.id, ['approved'], 'signed', { raw: s.raw, txHash: s.txHash, hashes: s.hashes, signature: s.signature, ...(s.prepared ? { prepared: s.prepared } : {}) }, this.now())
      if (ok) appendAudit(db, { actor: 'daemon', action: 'tx.signed', target: row.id, outcome: 'ok', details: { kind: row.kind, network: row.network, txHash: s.txHash } })
      return ok
    })
    if (moved) {
      this.notify(row.id)
      this.crashHook('signed')
    }
    return getRequest(db, row.id)
  }

  /** The signing modules, loaded once, so sign-only requests sign synchronously inside their transaction. */
  private async signers(): Promise<Signers> {
    this.signerModules ??= Promise.all([import('../chains/evm/signing.js'), import('../chains/solana/signing.js'), import('./sign-tx.js')]).then(
      ([evm, solana, tx]) => ({ evm, solana, tx }),
    )
    return this.signerModules
  }

  /** Signs `tx` with the wallet's key, decrypted for this one signature and wiped right after. */
  private async signWith(adapter: AnyAdapter, wallet: WalletRow, tx: PreparedTx, dataKey = this.env.keyring.heldDataKey()): Promise<SignedTx> {
    const key = openPrivateKey(dataKey, wallet.id, wallet.address, wallet.sealedKey)
    try {
      return await adapter.sign(tx, key)
    } finally {
      wipe(key)
    }
  }

  /**
   * The wallet's signing key object (ethers SigningKey, node:crypto KeyObject), made once per unlock: building one
   * costs far more than a signature. Kept only while the keyring holds the same data key (dropped on lock, on a new
   * unlock and when the wallet is deleted); the decrypted key buffer is wiped at once.
   */
  private signingKey(wallet: WalletRow, m: Signers): SigningKeyLike {
    const epoch = this.env.keyring.epoch
    const hit = this.keyCache.get(wallet.id)
    if (hit !== undefined && hit.epoch === epoch) return hit.key
    const raw = openPrivateKey(this.env.keyring.heldDataKey(), wallet.id, wallet.address, wallet.sealedKey)
    try {
      if (this.keyCache.size > 0 && [...this.keyCache.values()][0]?.epoch !== epoch) this.forgetKey()
      if (wallet.chain === 'evm') {
        // The raw key itself (a Buffer, wiped when forgotten): secp256k1 signing needs nothing prepared.
        const key = Buffer.from(raw)
        this.keyCache.set(wallet.id, { epoch, key })
        return key
      }
      const key = m.solana.ed25519KeyObject(raw)
      this.keyCache.set(wallet.id, { epoch, key })
      return key
    } finally {
      wipe(raw)
    }
  }

  /** Drops a deleted wallet's cached signing key, or every one (on lock). */
  forgetKey(walletId?: string): void {
    for (const [id, { key }] of this.keyCache) {
      if (walletId !== undefined && id !== walletId) continue
      if (Buffer.isBuffer(key)) wipe(key)
      this.keyCache.delete(id)
    }
  }

  private signOnly(row: RequestRow, wallet: WalletRow, net: EffectiveNetwork, m: Signers): { signature: string | null; raw: string | null } {
    const body = (row.payload as unknown as Payload).body
    const key = this.signingKey(wallet, m)
    if (row.kind === 'sign-message') {
      const message = messageBytes(body)
      return { signature: wallet.chain === 'evm' ? m.evm.signPersonalMessage(key as never, message) : m.solana.signMessageBytes(key as never, message), raw: null }
    }
    if (row.kind === 'sign-typed-data') return { signature: m.evm.signTypedData(key as never, body.typedData as never), raw: null }
    const raw = net.family === 'evm' ? m.tx.signEvmTransaction(key as never, body.transaction as never) : m.tx.signSolanaMessage(key as never, wallet.address, String(body.message))
    return { signature: raw, raw }
  }


  private async broadcastStage(row: RequestRow): Promise<RequestRow> {
    const db = this.env.db
    if (this.killSwitch().on || row.raw === null || row.txHash === null) return row
    const net = effectiveNetwork(db, row.network)
    const adapter = await this.env.chains.adapter(net)
    try {
      await adapter.broadcast({ raw: row.raw, hash: row.txHash })
    } catch (err) {
      if (err instanceof WaiaasError && err.code === 'CHAIN_NONCE_TOO_LOW' && adapter.family === 'evm') {
        // Not our bytes on chain (broadcast() checks that), so someone else used this nonce: these bytes can never
        // land. Resynchronise the account and sign again under the same decision.
        await adapter.resyncNonce(row.prepared === null ? findWallet(db, row.walletId).address : String((row.prepared as { from: string }).from))
        inTransaction(db, () => {
          if (transition(db, row.id, ['signed'], 'approved', { raw: null, txHash: null, hashes: [], prepared: null }, this.now())) {
            appendAudit(db, { actor: 'daemon', action: 'tx.rebuild', target: row.id, outcome: 'ok', details: { reason: 'nonce already used by another transaction' } })
          }
        })
        return getRequest(db, row.id)
      }
      if (err instanceof WaiaasError && err.code === 'CHAIN_BLOCKHASH_EXPIRED' && adapter.family === 'solana' && row.prepared !== null) {
        if (await adapter.isExpired(row.prepared as unknown as PreparedTx)) {
          // These bytes can never land now: build and sign again under the same decision.
          inTransaction(db, () => {
            if (transition(db, row.id, ['signed'], 'approved', { raw: null, txHash: null, hashes: [], prepared: null }, this.now())) {
              appendAudit(db, { actor: 'daemon', action: 'tx.rebuild', target: row.id, outcome: 'ok', details: { reason: 'blockhash expired before broadcast' } })
            }
          })
          return getRequest(db, row.id)
        }
      }
      throw err
    }
    this.crashHook('broadcast')
    inTransaction(db, () => {
      if (transition(db, row.id, ['signed'], 'submitted', {}, this.now())) {
        appendAudit(db, { actor: 'daemon', action: 'tx.submitted', target: row.id, outcome: 'ok', details: { network: row.network, txHash: row.txHash } })
      }
    })
    this.notify(row.id)
    this.crashHook('submitted')
    return getRequest(db, row.id)
  }

  /** One look at a submitted transaction's status; the sweep calls it again until it is final. */
  private async follow(row: RequestRow): Promise<void> {
    const db = this.env.db
    const net = effectiveNetwork(db, row.network)
    const adapter = await this.env.chains.adapter(net)
    for (const hash of [...row.hashes].reverse()) {
      const status = await adapter.status(hash)
      if (status.state === 'confirmed' && cancelling(row) && hash === row.txHash) {
        // The cancelling replacement landed: nothing the request asked for happened, but its fee was paid.
        const settled = settle(row.amounts, row.usdMicros, status.fee, false)
        const moved = inTransaction(db, () => {
          const patch: RequestPatch = settled === null ? { counted: false, txHash: hash } : { txHash: hash, ...settled }
          const ok = transition(db, row.id, ['submitted'], 'cancelled', patch, this.now())
          if (ok) appendAudit(db, { actor: 'daemon', action: 'tx.cancelled', target: row.id, outcome: 'ok', details: { txHash: hash, block: status.block.toString(), fee: status.fee.toString() } })
          return ok
        })
        if (moved) this.settleReservation(row, settled)
        this.notify(row.id)
        return
      }
      if (status.state === 'confirmed') {
        const settled = settle(row.amounts, row.usdMicros, status.fee, true)
        const moved = inTransaction(db, () => {
          const ok = transition(db, row.id, ['submitted'], 'confirmed', { txHash: hash, ...settled }, this.now())
          if (ok) appendAudit(db, { actor: 'daemon', action: 'tx.confirmed', target: row.id, outcome: 'ok', details: { txHash: hash, block: status.block.toString(), fee: status.fee.toString() } })
          return ok
        })
        if (moved && settled !== null) this.settleReservation(row, settled)
        this.notify(row.id)
        return
      }
      if (status.state === 'failed') {
        this.finishFailed(row, ['submitted'], { code: 'CHAIN_REVERTED', reason: status.reason }, hash, status.block === null ? undefined : status.fee)
        return
      }
    }
    if (adapter.family === 'solana' && row.prepared !== null && (await adapter.isExpired(row.prepared as unknown as PreparedTx))) {
      // Check once more after seeing expiry: it may have landed in between.
      const last = await adapter.status(row.txHash ?? '')
      if (last.state === 'unknown') this.finishFailed(row, ['submitted'], { code: 'CHAIN_BLOCKHASH_EXPIRED', reason: 'not included before its blockhash expired' })
      return
    }
    if (row.raw !== null && this.now() - row.updatedAt > 30_000) {
      // Not seen for a while: send the same bytes again (a node may have dropped them). Safe: same hash.
      await adapter.broadcast({ raw: row.raw, hash: row.txHash ?? '' }).catch(() => undefined)
    }
  }

  /** → failed (or stays, for transient errors); releases the reservation and, for unsent EVM transactions, the nonce. */
  private failUnlessTransient(id: string, from: TxState[], err: unknown): void {
    const e = err instanceof WaiaasError ? err : new WaiaasError('INTERNAL', 'Internal error', { cause: err })
    if (TRANSIENT.has(e.code)) {
      this.env.log.warn('request held', { id, code: e.code })
      return
    }
    if (e.code === 'INTERNAL') this.env.log.error('request failed', { id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    const row = getRequest(this.env.db, id)
    if (!from.includes(row.state)) return
    this.finishFailed(row, from, { code: e.code, reason: e.message })
    if (row.prepared !== null && row.state !== 'submitted') {
      const tx = row.prepared as unknown as PreparedTx
      void this.env.chains
        .adapter(effectiveNetwork(this.env.db, row.network))
        .then((a) => (a.family === 'evm' ? a.releaseNonce(tx) : undefined))
        .catch(() => undefined)
    }
  }

  /** → failed; the reservation is released, or, for a transaction mined and reverted, settled to the fee it paid. */
  private finishFailed(row: RequestRow, from: TxState[], error: { code: string; reason: string }, hash?: string, paidFee?: bigint): void {
    const db = this.env.db
    const settled = paidFee === undefined ? null : settle(row.amounts, row.usdMicros, paidFee, false)
    const moved = inTransaction(db, () => {
      const patch: RequestPatch = { error, ...(hash ? { txHash: hash } : {}), ...(settled === null ? { counted: false } : settled) }
      const ok = transition(db, row.id, from, 'failed', patch, this.now())
      if (ok) appendAudit(db, { actor: 'daemon', action: 'tx.failed', target: row.id, outcome: 'failed', details: { code: error.code, reason: error.reason.slice(0, 500) } })
      return ok
    })
    if (moved) this.settleReservation(row, settled)
    this.notify(row.id)
  }

  /** The ledger follows a settled row (value and paid fee), or drops the reservation when nothing stays counted. */
  private settleReservation(row: RequestRow, settled: { amounts: ReservedAmount[]; usdMicros: bigint | null } | null): void {
    if (settled === null) return this.releaseReservation(row)
    if (!row.counted || row.acceptedAt === null) return
    const base = { acceptedAt: row.acceptedAt, network: row.network }
    this.ledger.settle(row.walletId, { ...base, usdMicros: row.usdMicros, amounts: row.amounts }, { ...base, ...settled })
  }

  private releaseReservation(row: RequestRow): void {
    if (row.counted && row.acceptedAt !== null) {
      this.ledger.release(row.walletId, { acceptedAt: row.acceptedAt, network: row.network, usdMicros: row.usdMicros, amounts: row.amounts })
    }
  }

  private assertFeeCap(row: RequestRow, net: EffectiveNetwork, maxFee: bigint): void {
    const above = feeAboveCap(applicablePolicies([...allPolicies(this.env.db)], row.walletId, row.network), maxFee, net.nativeDecimals)
    if (above !== undefined) {
      const p = above.policy
      throw new WaiaasError('CHAIN_FEE_TOO_HIGH', `The fee now (${maxFee} minor units) is above FEE_CAP ${p.id} (${String(p.rules.max_fee)} ${net.nativeSymbol})`, {
        details: { policyId: p.id, maxFee: maxFee.toString() },
      })
    }
  }

  // ---------------------------------------------------------------- operator and owner acts

  /** Operator approval of a request awaiting approval. */
  async approve(id: string, actor: string): Promise<RequestRow> {
    this.decideApproval(id, 'approve', actor, {})
    await this.execute(id)
    return getRequest(this.env.db, id)
  }

  /** Operator rejection of a request awaiting approval or waiting out a delay. */
  reject(id: string, actor: string, reason: string | undefined): RequestRow {
    this.decideApproval(id, 'reject', actor, reason === undefined ? {} : { reason })
    return getRequest(this.env.db, id)
  }

  private decideApproval(id: string, decision: 'approve' | 'reject', actor: string, details: Record<string, unknown>, inside?: () => void): void {
    const db = this.env.db
    const row = getRequest(db, id)
    this.expireIfDue(row)
    const from: TxState[] = decision === 'approve' ? ['awaiting_approval'] : ['awaiting_approval', 'queued']
    const to: TxState = decision === 'approve' ? 'approved' : 'rejected'
    const moved = inTransaction(db, () => {
      inside?.()
      const ok = transition(db, id, from, to, decision === 'reject' ? { counted: false } : {}, this.now())
      if (ok) appendAudit(db, { actor, action: `tx.${decision}`, target: id, outcome: 'ok', details: { contentHash: row.contentHash, policyRevision: row.policyRevision, ...details } })
      return ok
    })
    if (!moved) throw this.stateConflict(getRequest(db, id), decision)
    if (decision === 'reject') this.releaseReservation(row)
    this.notify(id)
  }

  private stateConflict(row: RequestRow, act: string): WaiaasError {
    const done: Record<string, string> = { approve: 'approved', reject: 'rejected', cancel: 'cancelled', 'speed up': 'sped up' }
    return new WaiaasError('TX_STATE_CONFLICT', `Request ${row.id} is ${row.state}; it cannot be ${done[act] ?? act} now`, {
      details: { id: row.id, state: row.state },
    })
  }

  /** Cancels a request that has not been signed. */
  async cancel(id: string, actor: string): Promise<RequestRow> {
    const db = this.env.db
    const row = getRequest(db, id)
    if (row.state === 'submitted') return this.cancelSubmitted(row, actor)
    if (this.inFlight.has(`x:${id}`) || this.inFlight.has(`d:${id}`)) {
      throw new WaiaasError('TX_STATE_CONFLICT', `Request ${id} is being processed right now; it cannot be cancelled`, { details: { id, state: row.state } })
    }
    const moved = inTransaction(db, () => {
      const ok = transition(db, id, ['queued', 'awaiting_approval', 'approved'], 'cancelled', { counted: false }, this.now())
      if (ok) appendAudit(db, { actor, action: 'tx.cancel', target: id, outcome: 'ok', details: { from: row.state } })
      return ok
    })
    if (!moved) throw this.stateConflict(getRequest(db, id), 'cancel')
    this.releaseReservation(row)
    if (row.prepared !== null) {
      const adapter = await this.env.chains.adapter(effectiveNetwork(db, row.network))
      if (adapter.family === 'evm') await adapter.releaseNonce(row.prepared as unknown as PreparedTx)
    }
    this.notify(id)
    return getRequest(db, id)
  }

  /**
   * Cancels a broadcast EVM transaction by replacement: a 0-value transfer to the wallet itself with the same nonce
   * and higher fees (within FEE_CAP). The request stays `submitted` until one of its transactions lands: the
   * replacement makes it `cancelled` (its reservation released), the original (it won the race) `confirmed`.
   */
  private async cancelSubmitted(row: RequestRow, actor: string): Promise<RequestRow> {
    const db = this.env.db
    if (this.killSwitch().on) throw new WaiaasError('KILL_SWITCH_ON', 'The kill switch is on: nothing is signed, not even a cancellation')
    const net = effectiveNetwork(db, row.network)
    const adapter = await this.env.chains.adapter(net)
    if (adapter.family !== 'evm' || row.prepared === null || row.raw === null || row.txHash === null) {
      throw new WaiaasError('TX_STATE_CONFLICT', `Request ${row.id} is already broadcast; only an EVM transaction can be cancelled by replacement`, {
        details: { id: row.id, state: row.state, network: row.network },
        hint: 'A Solana transaction that does not land expires with its blockhash, and the request then fails.',
      })
    }
    if (cancelling(row)) throw this.stateConflict(row, 'cancel again')
    const wallet = findWallet(db, row.walletId)
    const next = await adapter.cancel(row.prepared as unknown as PreparedTx, { raw: row.raw, hash: row.txHash }, CANCEL_BUMP_PERCENT)
    this.assertFeeCap(row, net, next.fee.maxFee)
    const signed = await this.signWith(adapter, wallet, next)
    const prepared = { ...(next as unknown as Record<string, unknown>), [CANCELS]: row.txHash }
    const stored = inTransaction(db, () => {
      const ok = patchRequest(db, row.id, 'submitted', { prepared, raw: signed.raw, txHash: signed.hash, hashes: [...row.hashes, signed.hash] }, this.now())
      if (ok) appendAudit(db, { actor, action: 'tx.cancel', target: row.id, outcome: 'ok', details: { from: 'submitted', replaces: row.txHash, txHash: signed.hash } })
      return ok
    })
    if (!stored) throw this.stateConflict(getRequest(db, row.id), 'cancel')
    await adapter.broadcast(signed)
    this.notify(row.id)
    return getRequest(db, row.id)
  }

  /** The canonical message the owner signs, with a fresh single-use nonce. */
  approvalMessage(id: string, decision: 'approve' | 'reject'): { message: string; owner: string; expiresAt: string } {
    const db = this.env.db
    const row = getRequest(db, id)
    this.expireIfDue(row)
    if (row.state !== 'awaiting_approval' || row.expiresAt === null || row.policyRevision === null) throw this.stateConflict(getRequest(db, id), decision)
    const wallet = findWallet(db, row.walletId)
    if (wallet.owner === null) throw new WaiaasError('OWNER_NOT_SET', `Wallet "${wallet.name}" has no owner address`, { details: { wallet: wallet.id } })
    assertOwnerOutside(db, wallet.chain, wallet.owner)
    const expiresAt = new Date(row.expiresAt).toISOString()
    const nonce = randomBytes(16).toString('hex')
    const message = approvalMessage({ decision, requestId: id, wallet: wallet.address, network: row.network, contentHash: row.contentHash, policyRevision: row.policyRevision, expiresAt, nonce })
    prepared(db, 'INSERT INTO approval_nonces (nonce, request_id, decision, message, expires_at) VALUES (?, ?, ?, ?, ?)').run(nonce, id, decision, message, row.expiresAt)
    return { message, owner: wallet.owner, expiresAt }
  }

  /**
   * Owner approval or rejection by signature; refuses replays, other requests, changed content and expiry. `inside`
   * runs in the transaction that records the decision (after every check), so a caller can consume something of its
   * own (an approval link) atomically with it; when it throws, nothing is decided.
   */
  async ownerDecide(id: string, message: string, signature: string, inside?: () => void): Promise<RequestRow> {
    const db = this.env.db
    const row = getRequest(db, id)
    const wallet = findWallet(db, row.walletId)
    if (wallet.owner === null) throw new WaiaasError('OWNER_NOT_SET', `Wallet "${wallet.name}" has no owner address`, { details: { wallet: wallet.id } })
    const refuse = (reason: string): WaiaasError => {
      appendAudit(db, { actor: `owner:${wallet.owner}`, action: 'tx.owner-decision', target: id, outcome: 'denied', details: { reason } })
      return new WaiaasError('APPROVAL_INVALID', `Owner approval refused: ${reason}`, { details: { id, reason } })
    }
    let fields
    try {
      fields = parseApprovalMessage(message)
    } catch {
      throw refuse('the message is not a waiaas approval message')
    }
    const issued = prepared<[string], { request_id: string; decision: string; message: string; expires_at: number; used_at: number | null }>(
      db,
      'SELECT request_id, decision, message, expires_at, used_at FROM approval_nonces WHERE nonce = ?',
    ).get(fields.nonce)
    if (fields.requestId !== id || (issued !== undefined && issued.request_id !== id)) throw refuse('the message is for another request')
    if (issued === undefined || issued.message !== message) throw refuse('the message was not issued by this daemon')
    if (issued.used_at !== null) throw refuse('this approval message was already used')
    if (fields.contentHash !== row.contentHash) throw refuse("the message does not match the request's content")
    if (fields.policyRevision !== row.policyRevision || fields.network !== row.network || fields.wallet !== wallet.address) throw refuse('the message does not match the request')
    if (this.now() >= issued.expires_at) throw refuse('the approval has expired')
    if (heldWallet(db, wallet.chain, wallet.owner) !== undefined) throw refuse('the owner key is held by this daemon')
    if (!verifyOwnerSignature(wallet.chain, wallet.owner, message, signature)) throw refuse("the signature is not the owner's")
    this.expireIfDue(row)
    const decision = fields.decision
    const useNonce = (): void => {
      const { changes } = prepared(db, 'UPDATE approval_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL').run(this.now(), fields.nonce)
      if (changes !== 1) throw new WaiaasError('APPROVAL_INVALID', 'Owner approval refused: this approval message was already used', { details: { id } })
    }
    this.decideApproval(id, decision, `owner:${wallet.owner}`, { nonce: fields.nonce }, () => {
      useNonce()
      inside?.()
    })
    if (decision === 'approve') await this.execute(id)
    return getRequest(db, id)
  }

  /** Moves an approval whose time is up to expired (committed on its own, before any refusal is thrown). */
  private expireIfDue(row: RequestRow): void {
    if (row.state !== 'awaiting_approval' || row.expiresAt === null || row.expiresAt > this.now()) return
    const db = this.env.db
    const moved = inTransaction(db, () => {
      const ok = transition(db, row.id, ['awaiting_approval'], 'expired', { counted: false }, this.now())
      if (ok) appendAudit(db, { actor: 'daemon', action: 'tx.expired', target: row.id, outcome: 'ok', details: {} })
      return ok
    })
    if (moved) this.releaseReservation(row)
    this.notify(row.id)
  }

  /** Replaces a submitted EVM transaction with higher fees (same nonce), within FEE_CAP. */
  async speedUp(id: string, bumpPercent: number, actor: string): Promise<RequestRow> {
    const db = this.env.db
    if (this.killSwitch().on) throw new WaiaasError('KILL_SWITCH_ON', 'The kill switch is on: nothing is signed')
    const row = getRequest(db, id)
    if (row.state !== 'submitted' || row.prepared === null || row.raw === null || row.txHash === null) throw this.stateConflict(row, 'speed up')
    const net = effectiveNetwork(db, row.network)
    const adapter = await this.env.chains.adapter(net)
    if (adapter.family !== 'evm') throw new WaiaasError('TX_STATE_CONFLICT', 'Speed-up is for EVM transactions', { details: { id, network: row.network } })
    const wallet = findWallet(db, row.walletId)
    const next = await adapter.speedUp(row.prepared as unknown as PreparedTx, { raw: row.raw, hash: row.txHash }, bumpPercent)
    this.assertFeeCap(row, net, next.fee.maxFee)
    const signed = await this.signWith(adapter, wallet, next)
    const stored = inTransaction(db, () => {
      const ok = patchRequest(db, id, 'submitted', { prepared: next as unknown as Record<string, unknown>, raw: signed.raw, txHash: signed.hash, hashes: [...row.hashes, signed.hash] }, this.now())
      if (ok) appendAudit(db, { actor, action: 'tx.speed-up', target: id, outcome: 'ok', details: { replaces: row.txHash, txHash: signed.hash, bumpPercent } })
      return ok
    })
    if (!stored) throw this.stateConflict(getRequest(db, id), 'speed up')
    await adapter.broadcast(signed)
    this.notify(id)
    return getRequest(db, id)
  }

  // ---------------------------------------------------------------- kill switch

  /** The kill switch, kept in memory (this class is its only writer) and persisted in meta. */
  killSwitch(): KillSwitchState {
    this.killState ??= getMeta<KillSwitchState>(this.env.db, KILL_KEY) ?? { on: false, since: null, actor: null, reason: null }
    return this.killState
  }

  setKillSwitch(on: boolean, actor: string, reason: string | null): KillSwitchState {
    const db = this.env.db
    const state: KillSwitchState = on ? { on: true, since: new Date(this.now()).toISOString(), actor, reason } : { on: false, since: null, actor, reason: null }
    inTransaction(db, () => {
      setMeta(db, KILL_KEY, state)
      appendAudit(db, { actor, action: on ? 'killswitch.on' : 'killswitch.off', outcome: 'ok', details: reason === null ? {} : { reason } })
    })
    this.killState = state
    if (!on) void this.tick()
    return state
  }

  private assertKillSwitchOff(actor: string, kind: string): void {
    if (!this.killSwitch().on) return
    appendAudit(this.env.db, { actor, action: 'tx.request', outcome: 'denied', details: { kind, reason: 'kill switch on' } })
    throw new WaiaasError('KILL_SWITCH_ON', 'The kill switch is on: no request is accepted or signed', { details: { kind } })
  }

  // ---------------------------------------------------------------- waiting and sweeping

  /** Resolves when request `id` is final or `timeoutMs` passed. */
  async wait(id: string, timeoutMs: number): Promise<RequestRow> {
    const deadline = Date.now() + timeoutMs
    // While submitted, look again soon and then less often: a local chain confirms in milliseconds, others in seconds.
    let poll = 5
    for (;;) {
      let row = getRequest(this.env.db, id)
      if (row.state === 'submitted') {
        // Someone is waiting: look now rather than at the next sweep.
        await this.track(`f:${id}`, () => this.follow(row))
        row = getRequest(this.env.db, id)
      }
      const left = deadline - Date.now()
      if (isFinal(row.kind, row.state) || left <= 0 || this.stopped) return row
      if (row.state === 'submitted') poll = Math.min(poll * 2, 1000)
      await new Promise<void>((resolve) => {
        let set = this.waiters.get(id)
        if (set === undefined) this.waiters.set(id, (set = new Set()))
        const done = (): void => {
          clearTimeout(timer)
          set?.delete(done)
          if (set?.size === 0) this.waiters.delete(id)
          resolve()
        }
        const timer = setTimeout(done, Math.min(left, row.state === 'submitted' ? Math.min(poll, this.opts.tickMs) : 1000))
        set.add(done)
      })
    }
  }

  private notify(id: string): void {
    const set = this.waiters.get(id)
    if (set !== undefined) for (const fn of [...set]) fn()
  }

  /** One sweep: expiries, due delays, held work, broadcasts to retry and confirmations to read. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    this.ticking ??= this.sweep().finally(() => (this.ticking = undefined))
    return this.ticking
  }

  private async sweep(): Promise<void> {
    const db = this.env.db
    try {
      const now = this.now()
      for (const row of dueExpiries(db, now)) this.expireIfDue(row)
      const held = this.killSwitch().on
      if (!held) {
        for (const row of dueDelays(db, now)) {
          const moved = inTransaction(db, () => {
            const ok = transition(db, row.id, ['queued'], 'approved', {}, this.now())
            if (ok) appendAudit(db, { actor: 'daemon', action: 'tx.delay-elapsed', target: row.id, outcome: 'ok', details: {} })
            return ok
          })
          if (moved) this.notify(row.id)
        }
        for (const row of requestsInState(db, 'pending')) void this.track(`d:${row.id}`, () => this.redecide(row)).catch(() => undefined)
        if (!this.env.keyring.locked) for (const row of requestsInState(db, 'approved')) void this.execute(row.id)
        for (const row of requestsInState(db, 'signed', 500, { sentOnly: true })) void this.execute(row.id)
      }
      const follows = requestsInState(db, 'submitted').map((row) => this.track(`f:${row.id}`, () => this.follow(row)))
      await Promise.allSettled(follows)
    } catch (err) {
      this.env.log.error('pipeline sweep failed', { error: err instanceof Error ? err.message : String(err) })
    }
  }

  /** Runs `fn` once per key at a time; a second caller gets the running promise. Errors are logged, not thrown. */
  private track(key: string, fn: () => Promise<void>): Promise<void> {
    const running = this.inFlight.get(key)
    if (running !== undefined) return running
    const p = fn()
      .catch((err: unknown) => {
        const e = err instanceof WaiaasError ? err : undefined
        if (e === undefined || e.code === 'INTERNAL') this.env.log.error('pipeline step failed', { key, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
        else if (!TRANSIENT.has(e.code)) this.env.log.warn('pipeline step failed', { key, code: e.code })
        if (key.startsWith('d:')) throw err
      })
      .finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, p)
    return p
  }

  private crashHook(stage: string): void {
    if (this.opts.crashAt === stage) process.kill(process.pid, 'SIGKILL')
  }
}

/** A short list of effects for a message. */
function describeExtra(actions: Action[]): string {
  return actions
    .slice(0, 3)
    .map((a) => {
      switch (a.kind) {
        case 'native-transfer':
          return `${a.amount} native units to ${a.to}`
        case 'token-transfer':
          return `${a.amount} of token ${a.token} to ${a.to}`
        case 'token-approve':
          return `an allowance of token ${a.token} for ${a.spender}`
        case 'authority-change':
          return a.what
        default:
          return a.kind
      }
    })
    .join('; ')
}

/** Kinds whose amounts count against limits (for callers that list them). */
export const VALUE_KINDS: readonly RequestKind[] = ['native-transfer', 'token-transfer', 'contract-call', 'sign-tx']
