import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, Output, SessionView } from '../../lib/contract/index.js'
import { DURATIONS, durationBounds, durationFlag } from '../../lib/durations.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertOutputPath, writeSecretFile } from '../../lib/paths.js'
import { sessionFields } from '../../cli/session-render.js'

const PERMISSIONS = ['read', 'send', 'sign'] as const

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
    wallet: Flags.string({ char: 'w', description: 'A wallet the session may use (id or name); repeat for more', required: true, multiple: true }),
    name: Flags.string({ description: 'A label for the session (default "agent")' }),
    ttl: Flags.string({ description: `How long it lives, e.g. 15m, 1.5h, 2w (${durationBounds(DURATIONS.sessionTtl)}; default 1d)` }),
    'max-renewals': Flags.integer({ description: 'How many times the session may renew itself for another TTL (default 0)', min: 0, max: 1000 }),
    methods: Flags.string({ description: 'What it may do, comma-separated: read, send, sign (default all three)' }),
    'limit-usd-per-day': Flags.string({ description: 'A rolling-24 h USD cap for this session, on top of the wallets\' policies, e.g. 200' }),
    out: Flags.string({ description: 'Write the token to this new file (mode 0600) instead of printing it' }),
  }

  protected override async exec(): Promise<Data> {
    const f = this.flags
    const params: Input<'session.create'> = { wallets: f.wallet }
    if (f.name !== undefined) params.name = f.name
    if (f.ttl !== undefined) params.ttlSeconds = durationFlag(f.ttl, '--ttl', DURATIONS.sessionTtl)
    if (f['max-renewals'] !== undefined) params.maxRenewals = f['max-renewals']
    if (f.methods !== undefined) {
      const list = f.methods.split(',').map((m) => m.trim()).filter((m) => m !== '')
      const bad = list.filter((m) => !(PERMISSIONS as readonly string[]).includes(m))
      if (list.length === 0 || bad.length > 0) {
        throw new WaiaasError('USAGE', `--methods takes read, send and sign, comma-separated; got "${f.methods}"`, { details: { flag: '--methods' } })
      }
      params.permissions = list as (typeof PERMISSIONS)[number][]
    }
    if (f['limit-usd-per-day'] !== undefined) params.limitUsdPerDay = f['limit-usd-per-day']
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
