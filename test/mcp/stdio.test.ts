/**
 * `waiaas mcp` as an MCP client starts it: the built CLI on stdio, acting as one agent session against the
 * in-process daemon (found through the data directory's socket). Stdout carries only the protocol; without a
 * token the server refuses to start; it ends when stdin closes.
 */
import { spawn } from 'node:child_process'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { describe, expect, it } from 'vitest'
import { BIN, cliEnv, runCli } from '../helpers/cli.js'
import { useDaemon } from '../helpers/daemon.js'
import { agentFlows } from './flows.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const stderr: string[] = []

async function connect(token: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp'],
    env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN: token }) as Record<string, string>,
    stderr: 'pipe',
  })
  transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString('utf8')))
  const client = new Client({ name: 'stdio-test', version: '1.0.0' })
  await client.connect(transport)
  return client
}

const flows = agentFlows({ daemon: () => t.client, connect, wallet: 'mcp-stdio' })

describe('waiaas mcp (stdio)', () => {
  it('announces itself as waiaas, with tools', async () => {
    const client = await connect(flows.token())
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'waiaas' })
      expect(client.getServerCapabilities()?.tools).toBeDefined()
    } finally {
      await client.close()
    }
  })

  it('refuses to start without a session token, even with the master password at hand', async () => {
    const r = await runCli(['mcp', '--json'], { env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_MASTER_PASSWORD: 'correct horse battery staple' }) })
    expect(r.code).toBe(6)
    expect(r.json?.error?.code).toBe('AUTH_REQUIRED')
    const human = await runCli(['mcp'], { env: cliEnv(t.daemon.paths.dataDir) })
    expect(human.code).toBe(6)
    expect(human.stdout).toBe('')
    expect(human.stderr).toContain('AUTH_REQUIRED')
  })

  it('refuses a revoked token at start, on stderr', async () => {
    const s = await t.client.call('session.create', { wallets: ['mcp-stdio'] }, { password: 'correct horse battery staple' })
    await t.client.call('session.revoke', { id: s.session.id }, { password: 'correct horse battery staple' })
    const r = await runCli(['mcp'], { env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN: s.token }) })
    expect(r.code).toBe(6)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('SESSION_REVOKED')
    expect(r.stderr).not.toContain(s.token)
  })

  it('exits 0 when stdin closes, with nothing on stdout but the protocol (even with --json)', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp', '--json'], {
      env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN: flows.token() }),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }
    child.stdin.write(`${JSON.stringify(init)}\n`)
    const answered = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('\n') && resolve()))
    await answered
    child.stdin.end()
    expect(await exited).toBe(0)
    const lines = out.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'waiaas' } } })
  })

  it('wrote no secret to stderr', () => {
    const all = stderr.join('')
    expect(all).not.toContain(flows.token())
    expect(all).not.toContain('correct horse battery staple')
  })
})
