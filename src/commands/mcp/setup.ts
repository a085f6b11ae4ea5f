import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input } from '../../lib/contract/index.js'
import type { DaemonClient } from '../../cli/client.js'
import { WaiaasError } from '../../lib/errors.js'
import {
  assertHttpClient,
  claudeAddJson,
  clientUrl,
  httpEntry,
  MCP_CLIENTS,
  MCP_SCOPES,
  MCP_TOKEN_ENV,
  projectConfigPath,
  readClientConfig,
  shellWord,
  stdioEntry,
  userConfigPath,
  writeClientConfig,
  type ClientConfig,
  type McpClient,
  type McpEntry,
  type McpScope,
} from '../../cli/mcp-clients.js'
import { assertCanWrite, ensurePrivateDir, writeSecretFile } from '../../lib/paths.js'
import { AGENT_SESSION_DEFAULTS, mcpServerEntry } from '../../cli/quickset.js'
import { DURATIONS, durationBounds, durationFlag } from '../../lib/durations.js'

type Data = {
  client: McpClient
  scope: McpScope
  config: string
  server: string
  action: 'added' | 'replaced' | 'printed'
  transport: 'stdio' | 'http'
  tokenFile: string
  /** HTTP: the variable the client reads the token from (the entry names it, never the token); null on stdio. */
  tokenEnv: string | null
  session: { id: string; name: string; wallets: string[]; permissions: string[]; expiresAt: string; ttlSeconds: number; maxRenewals: number }
  /** The still-valid session the previous token file held, revoked once the new one was in place (else null). */
  revokedSession: string | null
  entry: McpEntry
  /** Claude Code: the same entry as a `claude mcp add-json` line (no secret in it); else null. */
  addJson: string | null
}

/** The token a previous run left in `file`, if the file is there and holds one. */
function previousToken(file: string): string | undefined {
  try {
    const token = fs.readFileSync(file, 'utf8').trim()
    return token === '' ? undefined : token
  } catch {
    return undefined
  }
}

/** A project's own suffix for its token file and session name: the first 8 hex digits of its path's SHA-256. */
const projectTag = (dir: string): string => `project-${createHash('sha256').update(dir).digest('hex').slice(0, 8)}`

export default class McpSetup extends BaseCommand<typeof McpSetup> {
  static override summary = 'Connect Claude Desktop, Claude Code or Cursor to waiaas over MCP'
  static override description =
    'Creates an agent session for the given wallets (7 days, renewed by `waiaas mcp` before it expires up to 4 times, like ' +
    'quickset\'s; --ttl and --max-renewals change that), writes its token to <data dir>/mcp/<client>.token (mode 0600), and adds a ' +
    '`waiaas mcp` server entry to the client\'s config, keeping every other setting and server. --scope project writes the ' +
    'project\'s config instead (Claude Code: .mcp.json, Cursor: .cursor/mcp.json, in --project-dir or the current directory). ' +
    '--http registers the MCP-over-HTTP plugin (`waiaas plugin enable mcp-http`) by its URL, the token read from the ' +
    `${MCP_TOKEN_ENV} environment variable when the client connects, so the file never holds it. Running it again replaces the ` +
    'entry and the token file, and revokes the session the old token file held. With --print the entry is printed instead of ' +
    'written. For Claude Code the `claude mcp add-json` line is printed too. The token itself is never printed.'
  static override examples = [
    '<%= config.bin %> mcp setup --client claude-desktop --wallet treasury',
    '<%= config.bin %> mcp setup --client cursor --wallet hot --wallet sol-hot --ttl 1d --max-renewals 30',
    '<%= config.bin %> mcp setup --client claude-code --scope project --wallet hot   # ./.mcp.json',
    '<%= config.bin %> mcp setup --client claude-code --scope project --http --wallet hot   # the HTTP plugin, token from $WAIAAS_MCP_TOKEN',
    '<%= config.bin %> mcp setup --client claude-code --wallet hot --print',
    '<%= config.bin %> mcp setup --all   # Claude Desktop, every wallet',
  ]
  static override flags = {
    ...passwordFlags,
    client: Flags.option({ description: 'The MCP client to configure', options: MCP_CLIENTS, default: 'claude-desktop' as const })(),
    scope: Flags.option({
      description: "Whose config: the user's (every project) or one project's (Claude Code .mcp.json, Cursor .cursor/mcp.json)",
      options: MCP_SCOPES,
      default: 'user' as const,
    })(),
    'project-dir': Flags.string({ description: 'With --scope project: the project folder (default: the current directory)' }),
    http: Flags.boolean({ description: `Reach the MCP-over-HTTP plugin by URL instead of running \`waiaas mcp\`; the client reads the token from ${MCP_TOKEN_ENV}` }),
    wallet: Flags.string({ char: 'w', description: 'A wallet the agent may use (id or name); repeat for more', multiple: true, exclusive: ['all'] }),
    all: Flags.boolean({ description: 'Every wallet there is now (wallets created later are not added)', exclusive: ['wallet'] }),
    ttl: Flags.string({ description: `How long the session lives between renewals, e.g. 1h, 7d, 2w (${durationBounds(DURATIONS.sessionTtl)}; default 7d)` }),
    'max-renewals': Flags.integer({
      description: 'How many times `waiaas mcp` may renew the session for another --ttl before it expires (default 4; 0 = never)',
      min: 0,
      max: 1000,
    }),
    name: Flags.string({ description: 'The server name in the client\'s mcpServers (default "waiaas")', default: 'waiaas' }),
    config: Flags.string({ description: 'The client config file to edit (default: the client\'s usual config for --scope)' }),
    print: Flags.boolean({ description: 'Print the server entry instead of writing the config (the session and token file are still created)' }),
  }

  protected override async exec(): Promise<Data> {
    const f = this.flags
    if (f.wallet === undefined && f.all !== true) {
      throw new WaiaasError('USAGE', 'Name the wallets the agent may use: --wallet W (repeatable) or --all', { details: { flags: ['--wallet', '--all'] } })
    }
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(f.name)) {
      throw new WaiaasError('USAGE', `--name takes 1-64 letters, digits, '.', '_' or '-'; got "${f.name.slice(0, 64)}"`, { details: { flag: '--name' } })
    }
    if (f['project-dir'] !== undefined && f.scope !== 'project') {
      throw new WaiaasError('USAGE', '--project-dir goes with --scope project', { details: { flag: '--project-dir' } })
    }
    const http = f.http === true
    const print = f.print === true
    const projectDir = path.resolve(f['project-dir'] ?? process.cwd())
    const configFile = path.resolve(f.config ?? (f.scope === 'project' ? projectConfigPath(f.client, projectDir) : userConfigPath(f.client)))
    if (http) assertHttpClient(f.client)
    // Read (and refuse) the config before anything is created, so a broken file leaves no session behind.
    const existing: ClientConfig | undefined = print ? undefined : readClientConfig(configFile)
    // The token's folder and file likewise: never a link (the token would land outside the private data directory).
    // One token file (so one live session) per client, and per project for a project's config.
    const tag = f.scope === 'project' ? `${f.client}-${projectTag(projectDir)}` : f.client
    const tokenDir = path.join(this.paths.dataDir, 'mcp')
    ensurePrivateDir(tokenDir, { ownSubdir: true })
    const tokenFile = path.join(tokenDir, `${tag}.token`)
    assertCanWrite(tokenFile, { overwrite: true })

    // One password and one connection for every call below (the password may come from a prompt).
    const password = await this.operatorPassword()
    const client = await this.daemon()
    const url = http ? await this.mcpHttpUrl(client) : undefined
    let wallets = f.wallet ?? []
    if (f.all === true) {
      wallets = (await client.call('wallet.list', {})).wallets.map((w) => w.id)
      if (wallets.length > 32) {
        throw new WaiaasError('USAGE', `--all names ${wallets.length} wallets; a session takes at most 32`, { details: { flag: '--all' }, hint: 'Name the ones the agent needs with --wallet W (repeatable).' })
      }
      if (wallets.length === 0) throw new WaiaasError('WALLET_NOT_FOUND', 'There are no wallets yet, so --all names none', { details: { flag: '--all' }, hint: 'Create one first: `waiaas wallet create --chain evm` (or `waiaas quickset`).' })
    }
    const params: Input<'session.create'> = {
      wallets,
      name: `mcp-${tag}`,
      ttlSeconds: f.ttl === undefined ? AGENT_SESSION_DEFAULTS.ttlSeconds : durationFlag(f.ttl, '--ttl', DURATIONS.sessionTtl),
      maxRenewals: f['max-renewals'] ?? AGENT_SESSION_DEFAULTS.maxRenewals,
    }
    const { session, token } = await client.call('session.create', params, { password })

    const oldToken = previousToken(tokenFile)
    writeSecretFile(tokenFile, `${token}\n`, { overwrite: true })

    const entry: McpEntry =
      url !== undefined
        ? httpEntry(f.client, url)
        : stdioEntry(f.client, mcpServerEntry({ node: process.execPath, bin: path.join(this.config.root, 'bin', 'run.js'), tokenFile, dataDir: this.paths.dataDir, socketPath: this.env.socketPath }))
    const action: Data['action'] = existing === undefined ? 'printed' : writeClientConfig(configFile, existing, f.name, entry)
    const revokedSession = oldToken === undefined ? null : await this.revokePrevious(client, password, oldToken)
    return {
      client: f.client,
      scope: f.scope,
      config: configFile,
      server: f.name,
      action,
      transport: http ? 'http' : 'stdio',
      tokenFile,
      tokenEnv: http ? MCP_TOKEN_ENV : null,
      session: {
        id: session.id,
        name: session.name,
        wallets: session.wallets.map((w) => w.name),
        permissions: session.permissions,
        expiresAt: session.expiresAt,
        ttlSeconds: session.ttlSeconds,
        maxRenewals: session.maxRenewals,
      },
      revokedSession,
      entry,
      addJson: f.client === 'claude-code' ? claudeAddJson(f.name, entry, f.scope) : null,
    }
  }

  /** Where the MCP-over-HTTP plugin answers, as the client reaches it; USAGE when it is not serving. */
  private async mcpHttpUrl(client: DaemonClient): Promise<string> {
    const plugin = (await client.call('plugin.list', {})).plugins.find((p) => p.name === 'mcp-http')
    const listening = plugin?.listening ?? null
    if (listening === null) {
      throw new WaiaasError('USAGE', `--http needs the mcp-http plugin, which is ${plugin?.enabled === true ? 'enabled but not serving' : 'not enabled'}`, {
        details: { flag: '--http', plugin: 'mcp-http', enabled: plugin?.enabled ?? false, error: plugin?.error ?? null },
        hint: plugin?.enabled === true ? '`waiaas plugin list` says why it is not serving.' : 'Enable it first: `waiaas plugin enable mcp-http` (http://127.0.0.1:3100/mcp by default).',
      })
    }
    return clientUrl(listening)
  }

  /**
   * Revokes the session behind the token a previous run wrote, so re-running setup leaves one live session per client.
   * Only after the new token and entry are in place: a failure before that point leaves the client working as it was.
   * A token that is already expired, revoked or unknown needs nothing.
   */
  private async revokePrevious(client: DaemonClient, password: string, token: string): Promise<string | null> {
    let id: string
    try {
      id = (await client.call('session.whoami', {}, { token })).id
    } catch (err) {
      if (!(err instanceof WaiaasError)) throw err
      if (err.code.startsWith('SESSION_')) return null
      if (err.code === 'KILL_SWITCH_ON') {
        // Suspended sessions cannot say who they are; the old one stays suspended with the rest.
        this.warn('The kill switch is on, so the previous session could not be identified; revoke it with `waiaas session list` and `waiaas session revoke ID` once it is off.')
        return null
      }
      throw err
    }
    await client.call('session.revoke', { id }, { password })
    return id
  }

  protected override render(d: Data): void {
    if (d.action === 'printed') {
      this.log(`Add this to ${d.config}:\n${JSON.stringify({ mcpServers: { [d.server]: d.entry } }, null, 2)}`)
    } else {
      this.log(`${d.action === 'added' ? 'Added' : 'Replaced'} the MCP server "${d.server}" in ${d.config}.`)
    }
    if (d.addJson !== null) this.log(`${d.action === 'printed' ? 'Or register' : 'The same'} with Claude Code:\n  ${d.addJson}`)
    const renewals =
      d.session.maxRenewals === 0
        ? 'it is not renewed'
        : d.transport === 'stdio'
          ? `waiaas mcp renews it before then, up to ${d.session.maxRenewals} times`
          : `the agent may renew it up to ${d.session.maxRenewals} times (session_renew)`
    this.log(`Session ${d.session.id} (${d.session.wallets.join(', ')}; ${d.session.permissions.join(', ')}) expires ${d.session.expiresAt}; ${renewals}.`)
    if (d.revokedSession !== null) this.log(`Revoked the previous session ${d.revokedSession}, whose token this replaced.`)
    this.log(`Its token is in ${d.tokenFile} (mode 0600).`)
    if (d.tokenEnv !== null) {
      this.log(`The entry holds no token: ${d.client} reads it from ${d.tokenEnv} when it connects. Start ${d.client} from a shell with:`)
      this.log(`  export ${d.tokenEnv}="$(cat ${shellWord(d.tokenFile)})"`)
    } else if (d.scope === 'project') {
      this.log('The entry names the token file, never the token.')
    }
    this.log(`Restart ${d.client} to load the server.`)
  }
}
