/**
 * MCP resources and prompts for one session, every read made through `call` with the client's own credential, so
 * the daemon's scoping is the only scoping: a session reads its own wallets, the policies that apply to them and
 * its own requests, never another wallet's.
 *
 * Resources: waiaas://session (its scope), waiaas://wallets (its wallets with balances), waiaas://policies (in
 * words and as JSON), waiaas://requests/recent. Prompt: how_to_pay (the session's limits and how to pay within them).
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ReadResourceRequestSchema,
  type GetPromptResult,
  type ReadResourceResult,
  type Resource,
} from '@modelcontextprotocol/sdk/types.js'
import { howToPayText, policyLines, type PolicyList, type SessionScope } from '../lib/agent-brief.js'
import { toWaiaasError, WaiaasError } from '../lib/errors.js'
import type { MethodName } from '../lib/contract/index.js'

/** Calls one contract method as the MCP client's credential (tools.ts's McpCall, repeated to keep imports one-way). */
type McpCall = (method: MethodName, params: unknown) => Promise<unknown>

const JSON_TYPE = 'application/json'

export const RESOURCES: readonly Resource[] = [
  { uri: 'waiaas://session', name: 'session', title: 'This session', mimeType: JSON_TYPE, description: "This session's wallets, permissions, expiry, renewals left and daily USD cap." },
  { uri: 'waiaas://wallets', name: 'wallets', title: 'Wallets and balances', mimeType: JSON_TYPE, description: "This session's wallets with their balances on each network of their chain the operator configured (else the default network)." },
  { uri: 'waiaas://policies', name: 'policies', title: 'Policies', mimeType: 'text/markdown', description: 'The policies that apply to this session\'s wallets: what it may do, in words and as JSON.' },
  { uri: 'waiaas://requests/recent', name: 'recent-requests', title: 'Recent requests', mimeType: JSON_TYPE, description: "This session's wallets' 20 most recent transaction requests, newest first." },
]

export const PROMPTS = [
  {
    name: 'how_to_pay',
    title: 'How to pay with this wallet',
    description: "How to pay with this session's wallets: its wallets, limits, the policies that apply and what each tier (instant, delay, approval, deny) looks like.",
  },
] as const

const whoami = async (call: McpCall): Promise<SessionScope> => (await call('session.whoami', {})) as SessionScope
const policies = async (call: McpCall): Promise<PolicyList> => ((await call('policy.list', {})) as { policies: PolicyList }).policies

/**
 * Each wallet's balances on the networks of its chain the operator configured (network set); with none, on the
 * default network (the devnet's while it runs). A network that fails leaves its error there, not the whole read.
 */
async function walletsWithBalances(call: McpCall): Promise<unknown> {
  const [s, nets] = await Promise.all([whoami(call), call('network.list', {}) as Promise<{ networks: Array<{ id: string; family: string; customized: boolean }> }>])
  const one = async (wallet: string, network?: string): Promise<unknown> => {
    try {
      const b = (await call('balance.get', network === undefined ? { wallet } : { wallet, network })) as { network: string; balances: unknown[] }
      return { network: b.network, balances: b.balances }
    } catch (err) {
      return { network: network ?? null, balances: null, error: toWaiaasError(err).toPayload() }
    }
  }
  const wallets = await Promise.all(
    s.wallets.map(async (w) => {
      const configured = nets.networks.filter((n) => n.family === w.chain && n.customized).map((n) => n.id)
      const networks = await Promise.all(configured.length === 0 ? [one(w.id)] : configured.map((n) => one(w.id, n)))
      return { ...w, networks }
    }),
  )
  return { wallets }
}

const json = (uri: string, value: unknown): ReadResourceResult => ({ contents: [{ uri, mimeType: JSON_TYPE, text: JSON.stringify(value, null, 2) }] })

/** One resource's contents. */
export async function readResource(call: McpCall, uri: string): Promise<ReadResourceResult> {
  switch (uri) {
    case 'waiaas://session':
      return json(uri, await whoami(call))
    case 'waiaas://wallets':
      return json(uri, await walletsWithBalances(call))
    case 'waiaas://policies': {
      const ps = await policies(call)
      const text = ['# What this session may do', '', ...policyLines(ps), '', '```json', JSON.stringify(ps, null, 2), '```'].join('\n')
      return { contents: [{ uri, mimeType: 'text/markdown', text }] }
    }
    case 'waiaas://requests/recent':
      return json(uri, await call('tx.list', { limit: 20 }))
    default:
      throw new WaiaasError('INPUT_INVALID', `Unknown resource: ${uri.slice(0, 128)}`, {
        details: { uri: uri.slice(0, 128), resources: RESOURCES.map((r) => r.uri) },
        hint: 'List the resources (resources/list) and read one of them.',
      })
  }
}

/** The how_to_pay prompt, for this session. */
export async function getPrompt(call: McpCall, name: string): Promise<GetPromptResult> {
  if (name !== 'how_to_pay') {
    throw new WaiaasError('INPUT_INVALID', `Unknown prompt: ${name.slice(0, 64)}`, {
      details: { prompt: name.slice(0, 64), prompts: PROMPTS.map((p) => p.name) },
      hint: 'List the prompts (prompts/list); this server offers how_to_pay.',
    })
  }
  const [s, ps] = await Promise.all([whoami(call), policies(call)])
  return { description: PROMPTS[0].description, messages: [{ role: 'user', content: { type: 'text', text: howToPayText(s, ps) } }] }
}

/** Adds the resources and prompts handlers to `server` (declared in its capabilities). */
export function addResourcesAndPrompts(server: Server, call: McpCall, toProtocolError: (e: WaiaasError) => never): void {
  const guard = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f()
    } catch (err) {
      return toProtocolError(toWaiaasError(err))
    }
  }
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [...RESOURCES] }))
  server.setRequestHandler(ReadResourceRequestSchema, (req) => guard(() => readResource(call, req.params.uri)))
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: [...PROMPTS] }))
  server.setRequestHandler(GetPromptRequestSchema, (req) => guard(() => getPrompt(call, req.params.name)))
}
