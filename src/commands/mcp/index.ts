import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { DaemonClient } from '../../cli/client.js'
import type { MethodName } from '../../lib/contract/index.js'
import { clockOf } from '../../lib/clock.js'
import { WaiaasError } from '../../lib/errors.js'
import { readSecretFile } from '../../lib/secrets.js'
import { VERSION } from '../../lib/version.js'

export default class Mcp extends BaseCommand<typeof Mcp> {
  static override summary = 'Run an MCP server on stdio for one agent session'
  static override description =
    'Speaks the Model Context Protocol on stdin/stdout, with one tool per agent-facing method (tx_send, policy_test, ' +
    'balance_get, …), acting as the session whose token is in --token-file (else WAIAAS_SESSION_TOKEN_FILE or ' +
    'WAIAAS_SESSION_TOKEN). It never runs with the master password. Starts the daemon if needed; ends when stdin closes. ' +
    'It renews the session with its own token once less than a quarter of its TTL is left, while renewals remain; when it ' +
    'cannot, every tool result carries a notice with the expiry. ' +
    '`waiaas mcp setup` writes the entry for Claude Desktop, Claude Code or Cursor.'
  static override examples = [
    '<%= config.bin %> mcp --token-file ~/.waiaas/mcp/claude-desktop.token',
    'WAIAAS_SESSION_TOKEN_FILE=./agent.token <%= config.bin %> mcp',
  ]
  static override flags = {
    'token-file': Flags.string({
      description: 'Act as the agent session whose token is in this file (else WAIAAS_SESSION_TOKEN_FILE, WAIAAS_SESSION_TOKEN)',
      helpGroup: 'AUTH',
    }),
  }

  protected override async exec(): Promise<undefined> {
    const file = this.flags['token-file']
    const token = file !== undefined ? readSecretFile(file, '--token-file') : this.sessionToken()
    if (token === undefined) {
      throw new WaiaasError('AUTH_REQUIRED', 'waiaas mcp needs an agent session token; it never runs with the master password', {
        details: { flag: '--token-file' },
        hint: 'Pass --token-file FILE or set WAIAAS_SESSION_TOKEN_FILE; `waiaas mcp setup` or `waiaas session create --out FILE` makes one.',
      })
    }
    // Fail here, on stderr, for a bad or expired token rather than on the agent's first tool call.
    let connection: Promise<DaemonClient> | undefined = this.daemon()
    const session = await (await connection).call('session.whoami', {}, { token })
    const [{ createMcpServer }, { SessionKeeper }, { StdioServerTransport }] = await Promise.all([
      import('../../mcp/tools.js'),
      import('../../mcp/session-keeper.js'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
    ])
    const call = async (method: MethodName, params: unknown): Promise<unknown> => {
      connection ??= this.daemon()
      const current = connection
      // A lost daemon fails this call; the next one connects again (starting the daemon if needed). Never a retry.
      const forget = (): void => {
        if (connection === current) connection = undefined
      }
      let client: DaemonClient
      try {
        client = await current
      } catch (err) {
        forget()
        throw err
      }
      try {
        return await client.call(method, params as never, { token })
      } catch (err) {
        if (err instanceof WaiaasError && err.code === 'DAEMON_UNREACHABLE') forget()
        throw err
      }
    }
    // Stderr is the MCP client's log of this server: renewals are noted there, never the token.
    const keeper = new SessionKeeper({ call, now: clockOf(this.env), log: (line) => process.stderr.write(`waiaas mcp: ${line}\n`) }, session)
    const server = createMcpServer(call, { name: 'waiaas', version: VERSION }, { beforeCall: () => keeper.check() })
    const closed = new Promise<void>((resolve) => {
      server.onclose = () => {
        keeper.stop()
        resolve()
      }
    })
    const stop = (): void => void server.close()
    process.stdin.once('end', stop)
    process.stdout.once('error', stop) // the client went away (EPIPE)
    // From here stdout carries only the protocol: no envelope or rendering when the server ends.
    this.json = false
    await server.connect(new StdioServerTransport())
    keeper.start()
    await closed
    return undefined
  }

  protected override render(): void {}
}
