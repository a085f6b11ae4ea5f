/**
 * The network registry: every network waiaas knows, by CAIP-2 id (`eip155:8453`,
 * `solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`) and by friendly aliases (`base`, `solana-devnet`). Pure TypeScript:
 * the CLI loads this module, so it must not import chain libraries.
 *
 * Choices:
 * - `solana-local` has no real genesis hash (litesvm makes a fresh one per run), so its id is the fixed placeholder
 *   `solana:waiaaslocal000000000000000`. It is valid CAIP-2 (reference: 1-32 of `[-_a-zA-Z0-9]`) and can never
 *   collide with a real Solana network, whose references are base58 (which has no `0` and no `l`).
 * - `confirmations`: EVM — blocks on top of the including block the adapter waits for (1 = included). Ethereum
 *   mainnet 3 (post-merge reorgs deeper than one or two blocks are practically unseen, and waiting for finality,
 *   ~64 blocks, is too slow for an agent); BNB Chain 3 (fast finality within a few blocks); Polygon PoS 16
 *   (historically the most reorg-prone; milestones now finalise in seconds, 16 blocks ≈ 30 s); rollups (Base,
 *   Arbitrum, Optimism) 1 (the sequencer's order is what L1 later posts); every testnet and local chain 1.
 *   Solana — commitment levels: `SOLANA_CONFIRMED` (1) = 'confirmed' (supermajority voted), `SOLANA_FINALIZED` (32)
 *   = 'finalized' (31+ confirmed blocks on top, max lockout). Mainnet uses finalized, devnet, testnet and local
 *   confirmed. `solanaCommitment()` maps the number back.
 * - `testnet` means "holds no real value": it is true for local chains too; `local` tells those apart.
 * - There are no bare `devnet`/`testnet` aliases: `waiaas devnet` is the local playground, so `--network devnet`
 *   would be ambiguous. `mainnet` is Ethereum mainnet (as in ethers); a Solana wallet given it gets NETWORK_MISMATCH.
 * - Default RPC URLs are public endpoints for convenience (rate limited; configure your own with
 *   `waiaas network set`). Tests never contact them.
 */
import { WaiaasError } from './errors.js'

export type NetworkFamily = 'evm' | 'solana'

export interface NetworkInfo {
  /** CAIP-2 id, e.g. 'eip155:1', 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp'. */
  id: string
  family: NetworkFamily
  /** Human name, e.g. 'Base Sepolia'. */
  name: string
  /** Lower-case friendly names; the first is the primary one that `network list` shows. */
  aliases: string[]
  /** EVM chain id (the CAIP-2 reference as a number). Absent on Solana. */
  chainId?: number
  nativeSymbol: string
  nativeDecimals: number
  defaultRpcUrl: string | null
  /** EVM: blocks on top of inclusion to wait for (1 = included). Solana: 1 = 'confirmed', 32 = 'finalized'. */
  confirmations: number
  /** Holds no real value (true for local chains too). */
  testnet: boolean
  /** A chain on this machine (`waiaas devnet`). */
  local: boolean
}

/** Solana 'confirmed' commitment, as a `confirmations` value. */
export const SOLANA_CONFIRMED = 1
/** Solana 'finalized' commitment, as a `confirmations` value. */
export const SOLANA_FINALIZED = 32

export const EVM_LOCAL_ID = 'eip155:31337'
/** Placeholder CAIP-2 id of the local Solana chain (see the module comment). */
export const SOLANA_LOCAL_ID = 'solana:waiaaslocal000000000000000'
export const SOLANA_MAINNET_ID = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp'
export const SOLANA_DEVNET_ID = 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1'
export const SOLANA_TESTNET_ID = 'solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z'

/** CAIP-2: namespace `[-a-z0-9]{3,8}`, reference `[-_a-zA-Z0-9]{1,32}`. */
export const CAIP2 = /^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/

interface EvmRow {
  chainId: number
  name: string
  aliases: string[]
  symbol: string
  rpc: string | null
  confirmations: number
  testnet: boolean
  local?: boolean
}

function evm(r: EvmRow): NetworkInfo {
  return {
    id: `eip155:${r.chainId}`,
    family: 'evm',
    name: r.name,
    aliases: r.aliases,
    chainId: r.chainId,
    nativeSymbol: r.symbol,
    nativeDecimals: 18,
    defaultRpcUrl: r.rpc,
    confirmations: r.confirmations,
    testnet: r.testnet,
    local: r.local ?? false,
  }
}

function solana(id: string, name: string, aliases: string[], rpc: string, confirmations: number, testnet: boolean, local = false): NetworkInfo {
  return { id, family: 'solana', name, aliases, nativeSymbol: 'SOL', nativeDecimals: 9, defaultRpcUrl: rpc, confirmations, testnet, local }
}

const TABLE: readonly NetworkInfo[] = [
  evm({ chainId: 1, name: 'Ethereum', aliases: ['ethereum', 'mainnet', 'eth', 'ethereum-mainnet', 'eth-mainnet'], symbol: 'ETH', rpc: 'https://ethereum-rpc.publicnode.com', confirmations: 3, testnet: false }),
  evm({ chainId: 11155111, name: 'Sepolia', aliases: ['sepolia', 'ethereum-sepolia', 'eth-sepolia'], symbol: 'ETH', rpc: 'https://ethereum-sepolia-rpc.publicnode.com', confirmations: 1, testnet: true }),
  evm({ chainId: 8453, name: 'Base', aliases: ['base', 'base-mainnet'], symbol: 'ETH', rpc: 'https://mainnet.base.org', confirmations: 1, testnet: false }),
  evm({ chainId: 84532, name: 'Base Sepolia', aliases: ['base-sepolia'], symbol: 'ETH', rpc: 'https://sepolia.base.org', confirmations: 1, testnet: true }),
  evm({ chainId: 42161, name: 'Arbitrum One', aliases: ['arbitrum', 'arbitrum-one', 'arb'], symbol: 'ETH', rpc: 'https://arb1.arbitrum.io/rpc', confirmations: 1, testnet: false }),
  evm({ chainId: 421614, name: 'Arbitrum Sepolia', aliases: ['arbitrum-sepolia', 'arb-sepolia'], symbol: 'ETH', rpc: 'https://sepolia-rollup.arbitrum.io/rpc', confirmations: 1, testnet: true }),
  evm({ chainId: 10, name: 'OP Mainnet', aliases: ['optimism', 'op', 'op-mainnet', 'optimism-mainnet'], symbol: 'ETH', rpc: 'https://mainnet.optimism.io', confirmations: 1, testnet: false }),
  evm({ chainId: 11155420, name: 'OP Sepolia', aliases: ['op-sepolia', 'optimism-sepolia'], symbol: 'ETH', rpc: 'https://sepolia.optimism.io', confirmations: 1, testnet: true }),
  evm({ chainId: 137, name: 'Polygon', aliases: ['polygon', 'polygon-mainnet', 'polygon-pos', 'matic'], symbol: 'POL', rpc: 'https://polygon-rpc.com', confirmations: 16, testnet: false }),
  evm({ chainId: 80002, name: 'Polygon Amoy', aliases: ['polygon-amoy', 'amoy'], symbol: 'POL', rpc: 'https://rpc-amoy.polygon.technology', confirmations: 1, testnet: true }),
  evm({ chainId: 56, name: 'BNB Smart Chain', aliases: ['bnb', 'bsc', 'bnb-chain', 'bnb-mainnet', 'bsc-mainnet'], symbol: 'BNB', rpc: 'https://bsc-dataseed.bnbchain.org', confirmations: 3, testnet: false }),
  evm({ chainId: 97, name: 'BNB Smart Chain Testnet', aliases: ['bnb-testnet', 'bsc-testnet'], symbol: 'tBNB', rpc: 'https://data-seed-prebsc-1-s1.bnbchain.org:8545', confirmations: 1, testnet: true }),
  evm({ chainId: 31337, name: 'Local EVM (anvil)', aliases: ['evm-local', 'anvil'], symbol: 'ETH', rpc: 'http://127.0.0.1:8545', confirmations: 1, testnet: true, local: true }),
  solana(SOLANA_MAINNET_ID, 'Solana', ['solana', 'solana-mainnet', 'solana-mainnet-beta', 'mainnet-beta'], 'https://api.mainnet-beta.solana.com', SOLANA_FINALIZED, false),
  solana(SOLANA_DEVNET_ID, 'Solana Devnet', ['solana-devnet'], 'https://api.devnet.solana.com', SOLANA_CONFIRMED, true),
  solana(SOLANA_TESTNET_ID, 'Solana Testnet', ['solana-testnet'], 'https://api.testnet.solana.com', SOLANA_CONFIRMED, true),
  solana(SOLANA_LOCAL_ID, 'Local Solana (litesvm)', ['solana-local', 'solana-localnet'], 'http://127.0.0.1:8899', SOLANA_CONFIRMED, true, true),
]

for (const n of TABLE) {
  Object.freeze(n.aliases)
  Object.freeze(n)
}
Object.freeze(TABLE)

const BY_ID = new Map<string, NetworkInfo>(TABLE.map((n) => [n.id, n]))
const BY_ALIAS = new Map<string, NetworkInfo>(TABLE.flatMap((n) => n.aliases.map((a) => [a, n] as const)))

/** All known networks, in table order (mainnet before its testnets, EVM before Solana). The entries are frozen. */
export function listNetworks(): NetworkInfo[] {
  return [...TABLE]
}

/** Edit distance, capped: used only to suggest an alias for a typo. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length]!
}

function suggest(input: string): string | undefined {
  const key = input.trim().toLowerCase().replace(/[\s_]+/g, '-')
  if (BY_ALIAS.has(key)) return key
  let best: string | undefined
  let bestD = 3
  for (const alias of BY_ALIAS.keys()) {
    const d = distance(key, alias)
    if (d < bestD) {
      best = alias
      bestD = d
    }
  }
  return best
}

/**
 * Finds a network by CAIP-2 id (exact, e.g. 'eip155:8453') or alias (case-insensitive, e.g. 'Base').
 * Throws NETWORK_UNKNOWN with `details: { network, known, suggestion? }`, where `known` is the primary alias of
 * every network.
 */
export function resolveNetwork(idOrAlias: string): NetworkInfo {
  if (typeof idOrAlias === 'string') {
    const hit = BY_ID.get(idOrAlias) ?? BY_ALIAS.get(idOrAlias.toLowerCase())
    if (hit !== undefined) return hit
  }
  const text = typeof idOrAlias === 'string' ? idOrAlias : String(idOrAlias)
  const shown = JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
  const known = TABLE.map((n) => n.aliases[0]!)
  const suggestion = typeof idOrAlias === 'string' ? suggest(idOrAlias) : undefined
  const details: Record<string, unknown> = { network: text.slice(0, 200), known }
  if (suggestion !== undefined) details.suggestion = suggestion
  throw new WaiaasError(
    'NETWORK_UNKNOWN',
    `Unknown network ${shown}${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}; give a CAIP-2 id or one of: ${known.join(', ')}`,
    { details },
  )
}

const FAMILY_NAME: Record<NetworkFamily, string> = { evm: 'EVM', solana: 'Solana' }

/** Throws NETWORK_MISMATCH unless `net` is of `family`; `details: { field, network, family, expected }`. */
export function assertFamily(net: NetworkInfo, family: NetworkFamily, field = 'network'): void {
  if (net.family === family) return
  throw new WaiaasError(
    'NETWORK_MISMATCH',
    `${field} ${net.aliases[0] ?? net.id} (${net.id}) is a${net.family === 'evm' ? 'n' : ''} ${FAMILY_NAME[net.family]} network; ` +
      `a${family === 'evm' ? 'n' : ''} ${FAMILY_NAME[family]} network is needed here`,
    { details: { field, network: net.id, family: net.family, expected: family } },
  )
}

/** 'confirmed' or 'finalized': the Solana commitment a network's `confirmations` stands for. */
export function solanaCommitment(net: NetworkInfo): 'confirmed' | 'finalized' {
  return net.confirmations >= SOLANA_FINALIZED ? 'finalized' : 'confirmed'
}

const SECRET_PARAM = /key|token|secret|auth|pass|pwd|sig|credential|session|jwt|bearer/i
const REDACTED = '***'

/**
 * A value that looks like an API key: 16+ characters of base64url/hex alphabet that contain a digit, or 24+ that
 * are not plain lower-case words joined by hyphens (which keeps 'ethereum-sepolia-rpc', 'mainnet-beta').
 */
function looksSecret(s: string): boolean {
  let v = s
  try {
    v = decodeURIComponent(s)
  } catch {
    // keep it as written
  }
  if (!/^[A-Za-z0-9_\-=.+/]+$/.test(v)) return false
  if (v.length >= 16 && /[0-9]/.test(v) && /[A-Za-z]/.test(v)) return true
  return v.length >= 24 && !/^[a-z]+(?:[-.][a-z]+)*$/.test(v)
}

function redactQuery(q: string): string {
  if (q === '') return ''
  return q
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=')
      if (eq === -1) return looksSecret(part) ? REDACTED : part
      const name = part.slice(0, eq)
      const value = part.slice(eq + 1)
      return value !== '' && (SECRET_PARAM.test(name) || looksSecret(value)) ? `${name}=${REDACTED}` : part
    })
    .join('&')
}

/**
 * A URL safe to print: credentials (`user:pass@`) become `***@`, query parameters named like secrets
 * (`api-key`, `token`, …) or holding key-looking values become `***`, and key-looking path segments (Alchemy
 * `/v2/<key>`, Infura `/v3/<key>`, QuickNode, Ankr) become `***`. An unparseable URL is redacted by pattern.
 */
export function redactUrl(url: string): string {
  const byPattern = (): string =>
    url
      .replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}${REDACTED}@`)
      .replace(/[A-Za-z0-9_-]{16,}/g, (m) => (looksSecret(m) ? REDACTED : m))
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return byPattern()
  }
  // No authority ('user:pass@host' parses as scheme 'user:'): nothing structured to keep, redact by pattern.
  if (u.host === '') return byPattern()
  const auth = u.username !== '' || u.password !== '' ? `${REDACTED}@` : ''
  const path = u.pathname
    .split('/')
    .map((seg) => (looksSecret(seg) ? REDACTED : seg))
    .join('/')
  // URL adds a '/' to an empty path of http(s) URLs; print it only if it was written.
  const hadPath = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(url)
  const shownPath = path === '/' && !hadPath ? '' : path
  const query = redactQuery(u.search.replace(/^\?/, ''))
  const hash = u.hash === '' ? '' : looksSecret(u.hash.slice(1)) || SECRET_PARAM.test(u.hash) ? `#${REDACTED}` : u.hash
  return `${u.protocol}//${auth}${u.host}${shownPath}${query === '' ? '' : `?${query}`}${hash}`
}

/**
 * Which networks' native coins are the same asset, for spending limits in native units: the family, the coin's
 * symbol and whether it holds real value. ETH on Ethereum, Base, Arbitrum and OP mainnet is one class (moving 1 ETH on
 * any of them spends the same money); test and local networks form their own classes; an unknown id is its own class.
 */
export function nativeAssetClass(idOrAlias: string): string {
  let net: NetworkInfo
  try {
    net = resolveNetwork(idOrAlias)
  } catch {
    return `unknown:${idOrAlias}`
  }
  return `${net.family}:${net.nativeSymbol}:${net.testnet ? 'test' : 'main'}`
}

