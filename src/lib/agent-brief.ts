/**
 * What an agent session may do, in words: its wallets, permissions, expiry, daily cap and the policies that apply,
 * and how each tier behaves. Shared by the MCP resources and prompt (src/mcp/resources.ts) and
 * `waiaas session prompt`, so the agent reads the same text whichever way it was told. Pure: no daemon, no zod.
 */
import type { Output } from './contract/index.js'
import { rulesSummary } from './policy-summary.js'

export type SessionScope = Output<'session.whoami'>
export type PolicyList = Output<'policy.list'>['policies']

/** "wallet 'ops' (evm, 0xab…)" lines, one per wallet of the session. */
export function walletLines(s: SessionScope): string[] {
  return s.wallets.map((w) => `- ${w.name} (${w.chain}, address ${w.address}, id ${w.id})`)
}

/** The session's own limits: permissions, expiry, renewals and the daily USD cap. */
export function sessionLimitLines(s: SessionScope): string[] {
  const can = s.permissions.map((p) => ({ read: 'read balances and requests', send: 'send transfers and contract calls', sign: 'sign messages and typed data' })[p])
  const lines = [`- It may ${can.join(', ')}; nothing else.`]
  lines.push(`- It expires at ${s.expiresAt}; ${s.maxRenewals - s.renewals} of ${s.maxRenewals} renewals left.`)
  lines.push(s.limitUsdPerDay === null ? '- No daily USD cap of its own (the wallets\' policies still apply).' : `- At most ${s.limitUsdPerDay} USD per day across its wallets, on top of the wallets' policies.`)
  return lines
}

/** One line per policy: where it applies, its type and its rules in words. */
export function policyLines(policies: PolicyList): string[] {
  const on = policies.filter((p) => p.enabled)
  if (on.length === 0) return ['- No policy applies: every transfer is denied (default-deny) until the operator adds one.']
  return on.map((p) => {
    const where = p.scope === 'global' ? 'every wallet' : `${p.walletName ?? p.walletId ?? '?'}${p.network === null ? '' : ` on ${p.network}`}`
    return `- ${p.type} (${where}): ${rulesSummary(p.type, p.rules) || 'no rules'}`
  })
}

/** How each tier looks to the agent. */
export const TIER_LINES: readonly string[] = [
  '- INSTANT: signed and submitted at once; the result says submitted (then confirmed).',
  '- NOTIFY: the same, and the operator is told.',
  '- DELAY: queued; it is signed when the delay ends unless the operator cancels it. The result says queued with executeAt.',
  '- APPROVAL: awaiting_approval until the operator approves or rejects it. This is not an error: wait with tx_wait (or `waiaas tx wait ID`), tell the user it awaits approval, and do not send it again.',
  '- DENY: refused, with the rule that decided and what would pass. Do not retry the same request; change it or ask the operator.',
]

/** The "how to pay with this wallet" text: scope, limits, policies, tiers and the way to work. */
export function howToPayText(s: SessionScope, policies: PolicyList): string {
  return [
    `You act for the waiaas agent session "${s.name}" (${s.id}). Its wallets:`,
    ...walletLines(s),
    '',
    'Its limits:',
    ...sessionLimitLines(s),
    '',
    'The policies that apply (checked by the daemon on every request; you cannot lift them):',
    ...policyLines(policies),
    '',
    'What each tier means for a request:',
    ...TIER_LINES,
    '',
    'How to pay:',
    '1. Check the balance (balance_get) and, for anything unusual, ask policy_test which tier the payment would get.',
    '2. Send with tx_send: wallet, to, amount as a decimal string in whole units ("0.01"), and token for a token transfer.',
    '3. Read the state in the result; for queued or awaiting_approval, tx_wait with its id until it is final.',
    '4. Report the final state and the transaction hash; on a denial, report the rule and what would pass.',
  ].join('\n')
}

/** How the agent reaches the wallet: the token by reference (a file or the environment), or inline with includeToken. */
export interface ConnectOptions {
  token: string
  tokenFile?: string | undefined
  includeToken: boolean
  /** A wallet and network to show in the snippets (the session's first wallet); placeholders without them. */
  wallet?: string | undefined
  network?: string | undefined
}

/**
 * The MCP client entry, the TypeScript and Python SDK lines and the CLI lines, all reading the token from the
 * environment: WAIAAS_SESSION_TOKEN_FILE (the file `--out` wrote) or, with includeToken, WAIAAS_SESSION_TOKEN, whose
 * value appears once, in the one line that sets it; every snippet after it names the variable, never the value.
 */
export function connectText(o: ConnectOptions): string {
  const file = o.tokenFile ?? '<path of the session token file>'
  const variable = o.includeToken ? 'WAIAAS_SESSION_TOKEN' : 'WAIAAS_SESSION_TOKEN_FILE'
  const mcp = { mcpServers: { waiaas: { command: 'waiaas', args: ['mcp'], env: { [variable]: o.includeToken ? '${WAIAAS_SESSION_TOKEN}' : file } } } }
  const wallet = o.wallet ?? '<wallet>'
  const network = o.network ?? '<network>'
  return [
    o.includeToken
      ? 'The session token goes in the environment of the agent\'s process (it is a secret; set it once, nowhere else):'
      : 'The session token is in a file (mode 0600); the agent\'s process names it in its environment:',
    '```sh',
    `export ${variable}=${o.includeToken ? o.token : file}`,
    '```',
    'To connect over MCP (Claude Desktop, Claude Code, Cursor), the client entry' +
      (o.includeToken ? ' (Claude Code expands ${WAIAAS_SESSION_TOKEN} from its environment; a client that does not, needs the value there):' : ':'),
    '```json',
    JSON.stringify(mcp, null, 2),
    '```',
    `From TypeScript (\`npm install waiaas\`; the client reads ${variable} and finds the daemon's socket as the CLI does):`,
    '```ts',
    "import { Waiaas, WaiaasError } from 'waiaas/sdk'",
    'const client = new Waiaas()',
    `const req = await client.tx.send({ wallet: '${wallet}', network: '${network}', to: '<address>', amount: '0.01' })`,
    'const done = await client.tx.wait({ id: req.id, timeoutMs: 120_000 }) // waits through DELAY and APPROVAL',
    '```',
    `From Python (\`pip install ./python\` from the waiaas package, standard library only; it reads ${variable} too):`,
    '```python',
    'from waiaas import Waiaas, WaiaasError',
    'with Waiaas() as client:',
    `    req = client.tx.send(wallet="${wallet}", network="${network}", to="<address>", amount="0.01")`,
    '    done = client.tx.wait(id=req["id"], timeoutMs=120000)',
    '```',
    'From a shell, with the CLI (every command takes --json):',
    '```sh',
    `waiaas balance --wallet ${wallet} --network ${network} --json`,
    `waiaas send --wallet ${wallet} --network ${network} --to <address> --amount 0.01 --json`,
    '```',
  ].join('\n')
}

/** The whole system prompt of `waiaas session prompt`: how to pay within the limits, then how to connect. */
export function systemPromptText(s: SessionScope, policies: PolicyList, o: ConnectOptions): string {
  return [
    'You can pay with a self-hosted waiaas wallet. The daemon holds the keys and checks every request against the policies below; you never see a key.',
    '',
    howToPayText(s, policies),
    '',
    connectText(o),
    '',
    o.includeToken ? 'The session token above is a secret: never repeat it, log it or send it anywhere.' : 'Never ask for the session token or the master password; the operator has set it up.',
  ].join('\n')
}
