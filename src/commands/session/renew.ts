import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags, sessionFlags } from '../../cli/base-command.js'
import type { Input, SessionView } from '../../lib/contract/index.js'
import { sessionFields } from '../../cli/session-render.js'

export default class SessionRenew extends BaseCommand<typeof SessionRenew> {
  static override summary = 'Renew an agent session for another TTL'
  static override description =
    'With a session token (--session-token-file, WAIAAS_SESSION_TOKEN_FILE or WAIAAS_SESSION_TOKEN) the session renews itself; ' +
    'the operator renews any session by id. Renewals are limited by the session\'s --max-renewals, and an expired or revoked session cannot be renewed.'
  static override examples = ['WAIAAS_SESSION_TOKEN_FILE=./agent.token <%= config.bin %> session renew', '<%= config.bin %> session renew ses_0123456789abcdef']
  static override args = { id: Args.string({ required: false, description: 'Session id (operator); omit when renewing with the session\'s own token' }) }
  static override flags = { ...passwordFlags, ...sessionFlags }

  protected override async exec(): Promise<SessionView> {
    const params: Input<'session.renew'> = {}
    if (this.args.id !== undefined) params.id = this.args.id
    return this.agentCall('session.renew', params)
  }

  protected override render(s: SessionView): void {
    this.log(sessionFields(s))
  }
}
