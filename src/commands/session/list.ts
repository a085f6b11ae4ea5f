import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { SESSION_COLUMNS, sessionTable } from '../../cli/session-render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

export default class SessionList extends BaseCommand<typeof SessionList> {
  static override summary = 'List agent sessions'
  static override description = 'Every session with its wallets, permissions, status (active, expired, revoked), expiry and renewals. Tokens are never shown again.'
  static override examples = ['<%= config.bin %> session list', '<%= config.bin %> session list --json']
  static override flags = { ...passwordFlags, ...tableFlags(SESSION_COLUMNS) }

  protected override async exec(): Promise<Output<'session.list'>> {
    return this.operatorCall('session.list', {})
  }

  protected override render(d: Output<'session.list'>): void {
    this.log(sessionTable(d.sessions, tableOptions(this.flags)))
  }
}
