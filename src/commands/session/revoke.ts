import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { SessionView } from '../../lib/contract/index.js'
import { sessionFields } from '../../cli/session-render.js'

export default class SessionRevoke extends BaseCommand<typeof SessionRevoke> {
  static override summary = 'Revoke an agent session'
  static override description = 'Its token is refused from the next call on. Requests it already made go on under the policies; cancel them with `waiaas tx cancel`.'
  static override examples = ['<%= config.bin %> session revoke ses_0123456789abcdef']
  static override args = { id: Args.string({ required: true, description: 'Session id (see session list)' }) }
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<SessionView> {
    return this.operatorCall('session.revoke', { id: this.args.id })
  }

  protected override render(s: SessionView): void {
    this.log(sessionFields(s))
  }
}
