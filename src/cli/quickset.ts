/**
 * What `waiaas quickset` sets up, per mode: the networks, the starter policies of each new wallet, the first
 * transfers of the local playground, and the MCP client config that points an agent at the new session. Pure data
 * and small builders; the command makes the daemon calls.
 */
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { formatAmount } from '../lib/amounts.js'
import type { Input, Output, PolicyView, SessionView, TxRequestView, Wallet } from '../lib/contract/index.js'
import { resolveNetwork } from '../lib/networks.js'

export const QUICKSET_MODES = ['local', 'testnet', 'mainnet'] as const
export type QuicksetMode = (typeof QUICKSET_MODES)[number]
export type Chain = 'evm' | 'solana'

/** One starter policy for one wallet (the wallet is filled in by the command). */
export type StarterPolicy = Omit<Input<'policy.add'>, 'wallet' | 'global'> & { rules: Record<string, unknown> }

interface ChainPlan {
  /** Networks the wallet may use (ALLOWED_NETWORKS), aliases; the first is where the playground sends. */
  networks: string[]
  /** The SPENDING_LIMIT tiers: native units on the local chains (they have no USD price), USD elsewhere. */
  spending: { network?: string; rules: Record<string, unknown> }
  /** Local mode: what the devnet gives the wallet and what it sends first (whole units of the native coin). */
  fund?: string
  firstTransfer?: string
}

/**
 * The seed article's tiers: ≤ 10 USD instant, ≤ 100 notify, ≤ 1000 delayed 5 minutes, above that approval, and
 * 500 USD a rolling day. Without a fresh price these fail closed to APPROVAL, which the command points out.
 */
const USD_TIERS = { instant_max_usd: '10', notify_max_usd: '100', delay_max_usd: '1000', delay_seconds: 300, daily_limit_usd: '500' }

/**
 * The same shape in native units for the local chains, which have no price source: a USD rule would send every
 * transfer to APPROVAL there. Scoped to the local network, where these units mean what they say.
 */
const LOCAL_TIERS: Record<Chain, Record<string, unknown>> = {
  evm: { instant_max: '0.01', notify_max: '0.1', delay_max: '1', delay_seconds: 300, daily_limit: '0.5' },
  solana: { instant_max: '0.1', notify_max: '1', delay_max: '10', delay_seconds: 300, daily_limit: '5' },
}

const PLANS: Record<QuicksetMode, Record<Chain, ChainPlan>> = {
  local: {
    evm: { networks: ['evm-local'], spending: { network: 'evm-local', rules: LOCAL_TIERS.evm }, fund: '10', firstTransfer: '0.001' },
    solana: { networks: ['solana-local'], spending: { network: 'solana-local', rules: LOCAL_TIERS.solana }, fund: '10', firstTransfer: '0.01' },
  },
  testnet: {
    evm: { networks: ['base-sepolia', 'sepolia'], spending: { rules: USD_TIERS } },
    solana: { networks: ['solana-devnet'], spending: { rules: USD_TIERS } },
  },
  mainnet: {
    evm: { networks: ['base', 'ethereum'], spending: { rules: USD_TIERS } },
    solana: { networks: ['solana'], spending: { rules: USD_TIERS } },
  },
}

/** The plan of one chain in one mode. */
export function chainPlan(mode: QuicksetMode, chain: Chain): Readonly<ChainPlan> {
  return PLANS[mode][chain]
}

/** The starter set of a new wallet: spending tiers with a daily cap, its networks only, and no unlimited approvals. */
export function starterPolicies(mode: QuicksetMode, chain: Chain): StarterPolicy[] {
  const plan = PLANS[mode][chain]
  const spending: StarterPolicy = { type: 'SPENDING_LIMIT', rules: { ...plan.spending.rules } }
  if (plan.spending.network !== undefined) spending.network = plan.spending.network
  return [
    spending,
    { type: 'ALLOWED_NETWORKS', rules: { networks: [...plan.networks] } },
    { type: 'APPROVE_AMOUNT_LIMIT', rules: { allow_unlimited: false } },
  ]
}

/** The names quickset gives its wallets, session and token file, from one prefix ("agent" by default). */
export function quicksetNames(prefix: string, dataDir: string): { evm: string; solana: string; session: string; tokenFile: string } {
  return { evm: `${prefix}-evm`, solana: `${prefix}-solana`, session: prefix, tokenFile: path.join(dataDir, `quickset-${prefix}.token`) }
}

/** A fresh address nobody holds a key for, to receive the playground's first transfer. */
export async function freshAddress(chain: Chain): Promise<string> {
  if (chain === 'evm') return `0x${randomBytes(20).toString('hex')}`
  const { base58 } = await import('@scure/base')
  return base58.encode(randomBytes(32))
}

/**
 * The lifetime of an agent session that quickset and `mcp setup` create unless told otherwise: 7 days, renewed by
 * `waiaas mcp` up to 4 times (about a month in all) before the operator has to set the agent up again.
 */
export const AGENT_SESSION_DEFAULTS = { ttlSeconds: 7 * 86_400, maxRenewals: 4 } as const

/** One `mcpServers` entry: how an MCP client (Claude Desktop, Cursor…) runs `waiaas mcp` as a session. */
export interface McpServerEntry {
  command: string
  args: string[]
  env: Record<string, string>
}

export interface McpConfig {
  mcpServers: { waiaas: McpServerEntry }
}

/** The entry that runs `waiaas mcp` with the token in `tokenFile`, on this data directory (and socket, when set). */
export function mcpServerEntry(opts: { node: string; bin: string; tokenFile: string; dataDir: string; socketPath?: string | undefined }): McpServerEntry {
  const env: Record<string, string> = { WAIAAS_DATA_DIR: opts.dataDir }
  if (opts.socketPath !== undefined) env.WAIAAS_SOCKET_PATH = opts.socketPath
  return { command: opts.node, args: [opts.bin, 'mcp', '--token-file', opts.tokenFile], env }
}

/** The `mcpServers` block quickset prints, with the one entry for its session. */
export function mcpConfig(opts: Parameters<typeof mcpServerEntry>[0]): McpConfig {
  return { mcpServers: { waiaas: mcpServerEntry(opts) } }
}

/** What quickset returns (the `--json` data): never the token or the password. */
export interface QuicksetResult {
  mode: QuicksetMode
  dataDir: string
  /** True when quickset set the master password of a new data directory. */
  initialized: boolean
  /** Where the master password is when quickset generated it (no terminal, none given); null otherwise. */
  recoveryKeyFile: string | null
  devnet: Output<'devnet.start'> | null
  wallets: Wallet[]
  policies: Pick<PolicyView, 'id' | 'type' | 'walletName' | 'network' | 'rules'>[]
  session: SessionView
  tokenFile: string
  funded: Output<'devnet.fund'>[]
  firstTransfers: TxRequestView[]
  mcpConfig: McpConfig
  next: string[]
  /** Things the operator should know, e.g. that recovery.key is readable by any process of this OS user. */
  warnings: string[]
}

/** A network's first alias ("evm-local"), or the id as given when it is unknown. */
function alias(network: string): string {
  try {
    return resolveNetwork(network).aliases[0] ?? network
  } catch {
    return network
  }
}

/** One line per thing quickset did, for the human checklist. */
export function quicksetSteps(d: QuicksetResult): string[] {
  const chainOf = (name: string | null): Chain => d.wallets.find((w) => w.name === name)?.chain ?? 'evm'
  const lines: string[] = []
  if (d.initialized) lines.push(`Initialised ${d.dataDir}`)
  if (d.recoveryKeyFile !== null) lines.push(`Generated a master password into ${d.recoveryKeyFile} (mode 0600): keep a copy somewhere safe`)
  if (d.devnet !== null) lines.push(`Devnet running: evm-local at ${d.devnet.evm?.url ?? '-'}, solana-local at ${d.devnet.solana?.url ?? '-'}`)
  for (const w of d.wallets) lines.push(`Wallet ${w.name} (${w.chain}): ${w.address}`)
  for (const p of d.policies) {
    const where = `${p.walletName ?? '-'}${p.network === null ? '' : ` on ${alias(p.network)}`}`
    const what =
      p.type === 'SPENDING_LIMIT' ? spendingText(p.rules, chainOf(p.walletName) === 'evm' ? 'ETH' : 'SOL')
      : p.type === 'ALLOWED_NETWORKS' ? `only ${(p.rules.networks as string[]).map(alias).join(', ')}`
      : p.type === 'APPROVE_AMOUNT_LIMIT' ? 'no unlimited token approvals'
      : JSON.stringify(p.rules)
    lines.push(`Policy ${p.type} for ${where}: ${what}`)
  }
  for (const f of d.funded) {
    const native = f.wallet.chain === 'evm' ? { symbol: 'ETH', decimals: 18 } : { symbol: 'SOL', decimals: 9 }
    const parts = f.funded.map((x) =>
      x.asset === native.symbol ? `${formatAmount(BigInt(x.amount), native.decimals)} ${native.symbol}` : `${formatAmount(BigInt(x.amount), 6)} test tokens (${x.asset})`,
    )
    lines.push(`Funded ${f.wallet.name}: ${parts.join(' and ')}`)
  }
  for (const t of d.firstTransfers) {
    lines.push(`First transfer, sent by the agent session: ${t.amount ?? '?'} ${t.symbol ?? ''} from ${t.walletName} to ${t.to ?? '?'}: ${t.tier ?? '-'}, ${t.state} (${t.txHash ?? t.id})`)
  }
  lines.push(`Agent session ${d.session.name} for ${d.session.wallets.map((w) => w.name).join(' and ')}, until ${d.session.expiresAt} (${d.session.maxRenewals} renewals)`)
  lines.push(`Its token is in ${d.tokenFile} (mode 0600), never printed`)
  return lines
}

/** "INSTANT ≤ 0.01, NOTIFY ≤ 0.1, DELAY 300 s ≤ 1, else APPROVAL; 0.5 a day" with the unit, for human output. */
export function spendingText(rules: Record<string, unknown>, unit: string): string {
  const usd = rules.instant_max_usd !== undefined || rules.daily_limit_usd !== undefined
  const get = (k: string): unknown => rules[usd ? `${k}_usd` : k]
  const parts: string[] = []
  if (get('instant_max') !== undefined) parts.push(`INSTANT ≤ ${String(get('instant_max'))}`)
  if (get('notify_max') !== undefined) parts.push(`NOTIFY ≤ ${String(get('notify_max'))}`)
  if (get('delay_max') !== undefined) parts.push(`DELAY ${String(rules.delay_seconds)} s ≤ ${String(get('delay_max'))}`)
  const tiers = `${parts.join(', ')}, else APPROVAL (${usd ? 'USD' : unit})`
  return get('daily_limit') === undefined ? tiers : `${tiers}; at most ${String(get('daily_limit'))} ${usd ? 'USD' : unit} a day`
}
