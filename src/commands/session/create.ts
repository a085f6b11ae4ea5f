import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output, SessionView } from '../../lib/contract/index.js'
import { assertOutputPath, writeSecretFile } from '../../lib/paths.js'
import { sessionFields } from '../../cli/session-render.js'
import { sessionFlags, sessionParams } from '../../cli/session-flags.js'

type Data = { session: SessionView; token?: string; tokenFile?: string }

export default class SessionCreate extends BaseCommand<typeof SessionCreate> {
  static override summary = 'Create an agent session and its token'
  static override description =
    'A session is what an agent (waiaas mcp, the REST plugin, a cron job) authenticates with instead of the master password: ' +
    'its own wallets, permissions (read, send, sign), expiry and renewals, and an optional daily USD cap on top of the ' +
    "wallets' policies. The token is shown once (or written to a 0600 file with --out); the daemon keeps only its hash."
  static override examples = [
    '<%= config.bin %> session create --wallet treasury --ttl 1h',
    '<%= config.bin %> session create --wallet hot --wallet sol-hot --name trader --ttl 7d --max-renewals 4 --methods read,send --limit-usd-per-day 200 --out ./agent.token',
  ]
  static override flags = {
    ...passwordFlags,
    ...sessionFlags,
    out: Flags.string({ description: 'Write the token to this new file (mode 0600) instead of printing it' }),
  }

  protected override async exec(): Promise<Data> {
    const f = this.flags
    const params = sessionParams(f)
    if (f.out !== undefined) assertOutputPath(f.out)
    const r: Output<'session.create'> = await this.operatorCall('session.create', params)
    if (f.out === undefined) return r
    writeSecretFile(f.out, `${r.token}\n`)
    return { session: r.session, tokenFile: f.out }
  }

  protected override render(d: Data): void {
    this.log(sessionFields(d.session))
    if (d.tokenFile !== undefined) {
      this.log(`\nToken written to ${d.tokenFile} (mode 0600). Agents read it with --token-file or WAIAAS_SESSION_TOKEN_FILE.`)
    } else {
      this.log(`\nToken (shown once; the daemon keeps only its hash):\n${d.token ?? ''}`)
    }
  }
}
