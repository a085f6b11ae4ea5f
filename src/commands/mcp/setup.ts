import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../lib/base-command.js'
import type { Input } from '../../lib/contract.js'
import type { DaemonClient } from '../../lib/client.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertCanWrite, ensurePrivateDir, writeFileAtomic, writeSecretFile } from '../../lib/paths.js'
import { AGENT_SESSION_DEFAULTS, mcpServerEntry, type McpServerEntry } from '../../lib/quickset.js'
import { DURATIONS, durationBounds, durationFlag } from '../../lib/durations.js'

const CLIENTS = ['claude-desktop', 'claude-code', 'cursor'] as const
type Client = (typeof CLIENTS)[number]

type Data = {
  client: Client
  config: string
  server: string
  action: 'added' | 'replaced' | 'printed'
  tokenFile: string
  session: { id: string; name: string; wallets: string[]; permissions: string[]; expiresAt: string; ttlSeconds: number; maxRenewals: number }
  /** The still-valid session the previous token file held, revoked once the new one was in place (else null). */
  revokedSession: string | null
  entry: McpServerEntry
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

/** Where each client keeps its MCP servers (user scope). */
export function defaultConfigPath(client: Client, home = os.homedir(), platform: NodeJS.Platform = process.platform): string {
  if (client === 'cursor') return path.join(home, '.cursor', 'mcp.json')
  if (client === 'claude-code') return path.join(home, '.claude.json')
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json')
  if (platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json')
  return path.join(home, '.config', 'Claude', 'claude_desktop_config.json')
}

/**
 * The client's config as an object (empty when the file is missing); INPUT_INVALID, touching nothing, when it is not a
 * JSON object. A symbolic link there is refused (INPUT_FILE_SYMLINK) before anything is created: waiaas does not write
 * through links, and replacing the link would break a dotfile setup. Naming the link's target with --config edits it.
 */
function readConfig(file: string): { config: Record<string, unknown>; mode: number | undefined } {
  try {
    assertCanWrite(file, { overwrite: true })
  } catch (err) {
    if (err instanceof WaiaasError && err.code === 'INPUT_FILE_SYMLINK') {
      const target = fs.existsSync(file) ? fs.realpathSync(file) : null
      throw new WaiaasError('INPUT_FILE_SYMLINK', err.message, {
        details: { ...err.details, field: '--config' },
        hint: target !== null ? `To edit the file it points to, pass --config ${target}; or use --print and add the entry yourself.` : 'The link points nowhere: remove it, or use --print and add the entry yourself.',
      })
    }
    throw err
  }
  let text: string
  let mode: number
  try {
    text = fs.readFileSync(file, 'utf8')
    mode = fs.statSync(file).mode & 0o777
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, mode: undefined }
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot read ${file}`, { details: { path: file }, cause: err })
  }
  const refuse = (why: string, cause?: unknown): WaiaasError =>
    new WaiaasError('INPUT_INVALID', `${file} ${why}; nothing was changed`, {
      details: { path: file, field: '--config' },
      hint: 'Fix the file (or move it away) and run `waiaas mcp setup` again, or use --print and add the entry yourself.',
      cause,
    })
  let config: unknown
  try {
    config = text.trim() === '' ? {} : JSON.parse(text)
  } catch (err) {
    throw refuse('is not valid JSON', err)
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw refuse('is not a JSON object')
  const servers = (config as Record<string, unknown>).mcpServers
  if (servers !== undefined && (servers === null || typeof servers !== 'object' || Array.isArray(servers))) throw refuse('has an mcpServers that is not an object')
  return { config: config as Record<string, unknown>, mode }
}

/** Replaces `file` atomically (temp file in the same directory, then rename), with the given mode. */
function writeConfig(file: string, text: string, mode: number): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  } catch (err) {
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}`, { details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null }, cause: err })
  }
  writeFileAtomic(file, text, { mode, overwrite: true })
}

export default class McpSetup extends BaseCommand {
  static override summary = 'Connect Claude Desktop, Claude Code or Cursor to waiaas over MCP'
  static override description =
    'Creates an agent session for the given wallets (7 days, renewed by `waiaas mcp` before it expires up to 4 times, like ' +
    'quickset\'s; --ttl and --max-renewals change that), writes its token to <data dir>/mcp/<client>.token (mode 0600), and adds a ' +
    '`waiaas mcp` server entry to the client\'s config, keeping every other setting and server. Running it again replaces the ' +
    'entry and the token file, and revokes the session the old token file held. With --print the entry is printed instead of written. The token itself is never printed.'
  static override examples = [
    '<%= config.bin %> mcp setup --client claude-desktop --wallet treasury',
    '<%= config.bin %> mcp setup --client cursor --wallet hot --wallet sol-hot --ttl 1d --max-renewals 30',
    '<%= config.bin %> mcp setup --client claude-code --wallet hot --print',
    '<%= config.bin %> mcp setup --all   # Claude Desktop, every wallet',
  ]
  static override flags = {
    ...passwordFlags,
    client: Flags.string({ description: 'The MCP client to configure', options: [...CLIENTS], default: 'claude-desktop' }),
    wallet: Flags.string({ char: 'w', description: 'A wallet the agent may use (id or name); repeat for more', multiple: true, exclusive: ['all'] }),
    all: Flags.boolean({ description: 'Every wallet there is now (wallets created later are not added)', exclusive: ['wallet'] }),
    ttl: Flags.string({ description: `How long the session lives between renewals, e.g. 1h, 7d, 2w (${durationBounds(DURATIONS.sessionTtl)}; default 7d)` }),
    'max-renewals': Flags.integer({
      description: 'How many times `waiaas mcp` may renew the session for another --ttl before it expires (default 4; 0 = never)',
      min: 0,
      max: 1000,
    }),
    name: Flags.string({ description: 'The server name in the client\'s mcpServers (default "waiaas")', default: 'waiaas' }),
    config: Flags.string({ description: 'The client config file to edit (default: the client\'s usual user config)' }),
    print: Flags.boolean({ description: 'Print the server entry instead of writing the config (the session and token file are still created)' }),
  }

  protected override async exec(): Promise<Data> {
    const f = this.flags as { client: Client; wallet?: string[]; all?: boolean; ttl?: string; 'max-renewals'?: number; name: string; config?: string; print?: boolean }
    if (f.wallet === undefined && f.all !== true) {
      throw new WaiaasError('USAGE', 'Name the wallets the agent may use: --wallet W (repeatable) or --all', { details: { flags: ['--wallet', '--all'] } })
    }
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(f.name)) {
      throw new WaiaasError('USAGE', `--name takes 1-64 letters, digits, '.', '_' or '-'; got "${f.name.slice(0, 64)}"`, { details: { flag: '--name' } })
    }
    const print = f.print === true
    const configFile = path.resolve(f.config ?? defaultConfigPath(f.client))
    // Read (and refuse) the config before anything is created, so a broken file leaves no session behind.
    const existing = print ? undefined : readConfig(configFile)
    // The token's folder and file likewise: never a link (the token would land outside the private data directory).
    const tokenDir = path.join(this.paths.dataDir, 'mcp')
    ensurePrivateDir(tokenDir, { ownSubdir: true })
    const tokenFile = path.join(tokenDir, `${f.client}.token`)
    assertCanWrite(tokenFile, { overwrite: true })

    // One password and one connection for every call below (the password may come from a prompt).
    const password = await this.operatorPassword()
    const client = await this.daemon()
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
      name: `mcp-${f.client}`,
      ttlSeconds: f.ttl === undefined ? AGENT_SESSION_DEFAULTS.ttlSeconds : durationFlag(f.ttl, '--ttl', DURATIONS.sessionTtl),
      maxRenewals: f['max-renewals'] ?? AGENT_SESSION_DEFAULTS.maxRenewals,
    }
    const { session, token } = await client.call('session.create', params, { password })

    const oldToken = previousToken(tokenFile)
    writeSecretFile(tokenFile, `${token}\n`, { overwrite: true })

    const entry = mcpServerEntry({ node: process.execPath, bin: path.join(this.config.root, 'bin', 'run.js'), tokenFile, dataDir: this.paths.dataDir, socketPath: this.env.socketPath })

    let action: Data['action'] = 'printed'
    if (existing !== undefined) {
      const servers = { ...((existing.config.mcpServers as Record<string, unknown> | undefined) ?? {}) }
      action = Object.hasOwn(servers, f.name) ? 'replaced' : 'added'
      servers[f.name] = entry
      writeConfig(configFile, `${JSON.stringify({ ...existing.config, mcpServers: servers }, null, 2)}\n`, existing.mode ?? 0o600)
    }
    const revokedSession = oldToken === undefined ? null : await this.revokePrevious(client, password, oldToken)
    return {
      client: f.client,
      config: configFile,
      server: f.name,
      action,
      tokenFile,
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
    }
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
    const renewals = d.session.maxRenewals === 0 ? 'it is not renewed' : `waiaas mcp renews it before then, up to ${d.session.maxRenewals} times`
    this.log(`Session ${d.session.id} (${d.session.wallets.join(', ')}; ${d.session.permissions.join(', ')}) expires ${d.session.expiresAt}; ${renewals}.`)
    if (d.revokedSession !== null) this.log(`Revoked the previous session ${d.revokedSession}, whose token this replaced.`)
    this.log(`Its token is in ${d.tokenFile} (mode 0600). Restart ${d.client} to load the server.`)
  }
}
