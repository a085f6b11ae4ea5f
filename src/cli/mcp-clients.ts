/**
 * The MCP clients `waiaas mcp setup` configures: where each keeps its servers (per user, and per project for Claude
 * Code and Cursor), the entry that reaches waiaas (`waiaas mcp` on stdio, or the MCP-over-HTTP plugin), reading and
 * rewriting a config without losing anything else in it, and the `claude mcp add-json` line.
 *
 * An HTTP entry never holds the token: its Authorization header names an environment variable the client expands
 * when it connects (Claude Code `${VAR}`, Cursor `${env:VAR}`), so the file is safe in a project that is committed.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { WaiaasError } from '../lib/errors.js'
import { assertCanWrite, writeFileAtomic } from '../lib/paths.js'
import type { McpServerEntry } from './quickset.js'

export const MCP_CLIENTS = ['claude-desktop', 'claude-code', 'cursor'] as const
export type McpClient = (typeof MCP_CLIENTS)[number]
export const MCP_SCOPES = ['user', 'project'] as const
export type McpScope = (typeof MCP_SCOPES)[number]

/** The variable an HTTP entry's Authorization header reads the session token from. Not WAIAAS_SESSION_TOKEN: the CLI
 * acts as the session whose token that holds, which would turn the operator's shell into the agent. */
export const MCP_TOKEN_ENV = 'WAIAAS_MCP_TOKEN'

/** An entry for the MCP-over-HTTP plugin: its URL and a header that names the token's variable. */
export interface McpHttpEntry {
  type?: 'http'
  url: string
  headers: { Authorization: string }
}
/** A stdio entry as Claude Code writes it (with its `type`), or as Claude Desktop and Cursor take it. */
export type McpStdioEntry = McpServerEntry & { type?: 'stdio' }
export type McpEntry = McpStdioEntry | McpHttpEntry

/** Where each client keeps its MCP servers for the user. */
export function userConfigPath(client: McpClient, home = os.homedir(), platform: NodeJS.Platform = process.platform): string {
  if (client === 'cursor') return path.join(home, '.cursor', 'mcp.json')
  if (client === 'claude-code') return path.join(home, '.claude.json')
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json')
  if (platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json')
  return path.join(home, '.config', 'Claude', 'claude_desktop_config.json')
}

/** Where a client keeps a project's MCP servers (Claude Desktop has none: USAGE). */
export function projectConfigPath(client: McpClient, dir: string): string {
  if (client === 'claude-code') return path.join(dir, '.mcp.json')
  if (client === 'cursor') return path.join(dir, '.cursor', 'mcp.json')
  throw new WaiaasError('USAGE', 'Claude Desktop has no project-scoped MCP config', {
    details: { flag: '--scope', client },
    hint: 'Use --scope project with --client claude-code (.mcp.json) or --client cursor (.cursor/mcp.json).',
  })
}

/** The stdio entry as `client` writes it. */
export function stdioEntry(client: McpClient, entry: McpServerEntry): McpStdioEntry {
  return client === 'claude-code' ? { type: 'stdio', ...entry } : entry
}

/** USAGE unless `client` reads HTTP servers from its config (Claude Desktop adds remote servers in its settings only). */
export function assertHttpClient(client: McpClient): void {
  if (client !== 'claude-desktop') return
  throw new WaiaasError('USAGE', 'Claude Desktop does not read HTTP servers from its config file', {
    details: { flag: '--http', client },
    hint: 'Leave out --http (Claude Desktop runs `waiaas mcp` on stdio), or use --client claude-code or cursor.',
  })
}

/** The entry for the MCP-over-HTTP plugin at `url`, its token read from MCP_TOKEN_ENV by the client. */
export function httpEntry(client: McpClient, url: string): McpHttpEntry {
  assertHttpClient(client)
  const variable = client === 'cursor' ? `\${env:${MCP_TOKEN_ENV}}` : `\${${MCP_TOKEN_ENV}}`
  return { ...(client === 'claude-code' ? { type: 'http' as const } : {}), url, headers: { Authorization: `Bearer ${variable}` } }
}

/** The plugin's URL as a local client reaches it: a wildcard bind (0.0.0.0, ::) is answered on loopback. */
export function clientUrl(listening: string): string {
  const url = new URL(listening)
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1'
  else if (url.hostname === '[::]') url.hostname = '[::1]'
  return url.toString()
}

/** A word for a POSIX shell, single-quoted when it needs to be. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`
}

/** The `claude mcp add-json` line that registers `entry` as `name` in Claude Code's `scope`. */
export function claudeAddJson(name: string, entry: McpEntry, scope: McpScope): string {
  return `claude mcp add-json --scope ${scope} ${shellWord(name)} ${shellWord(JSON.stringify(entry))}`
}

export interface ClientConfig {
  config: Record<string, unknown>
  /** The file's mode, when it exists (kept when it is rewritten). */
  mode: number | undefined
}

/**
 * The client's config as an object (empty when the file is missing); INPUT_INVALID, touching nothing, when it is not a
 * JSON object. A symbolic link there is refused (INPUT_FILE_SYMLINK) before anything is created: waiaas does not write
 * through links, and replacing the link would break a dotfile setup. Naming the link's target with --config edits it.
 */
export function readClientConfig(file: string): ClientConfig {
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

/**
 * Writes `existing` with `entry` as server `name` (every other key and server kept, in order), atomically, in the
 * file's own mode or 0600 for a new file; its folder is created 0700 when missing. Whether the server was there.
 */
export function writeClientConfig(file: string, existing: ClientConfig, name: string, entry: McpEntry): 'added' | 'replaced' {
  const servers = { ...((existing.config.mcpServers as Record<string, unknown> | undefined) ?? {}) }
  const action = Object.hasOwn(servers, name) ? 'replaced' : 'added'
  servers[name] = entry
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  } catch (err) {
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}`, { details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null }, cause: err })
  }
  writeFileAtomic(file, `${JSON.stringify({ ...existing.config, mcpServers: servers }, null, 2)}\n`, { mode: existing.mode ?? 0o600, overwrite: true })
  return action
}
