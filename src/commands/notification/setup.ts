import * as Flags from '@oclif/core/flags'
import type { NotifyChannelView, Output } from '../../lib/contract/index.js'
import type { CommandFlags } from '../../cli/base-command.js'
import NotifyAdd from '../notify/add.js'

type Data = NotifyChannelView & { test?: Output<'notify.test'> }

/** WAIaaS's `notification setup` (Telegram): our `notify add telegram`, plus its --test; the alias note names ours. */
export default class NotificationSetup extends NotifyAdd {
  static override hidden = true
  static aliasOf = 'notify:add'
  static override summary = 'WAIaaS\'s `notification setup`: runs `waiaas notify add telegram` (--bot-token-file, --chat-id, --test)'
  static override description =
    'Adds a Telegram channel. The bot token is read from --bot-token-file or a prompt, never from the command line; --test sends a ' +
    'test notification once it is added. See `waiaas notify add --help` for the other channel kinds.'
  static override examples = ['<%= config.bin %> notification setup --bot-token-file ./bot.token --chat-id 123456789 --test']
  // No KIND argument: always telegram (the cast only widens the static type the subclass must match).
  static override args = {} as unknown as typeof NotifyAdd.args
  static override flags = {
    ...NotifyAdd.flags,
    test: Flags.boolean({ description: 'Send a test notification once the channel is added (`waiaas notify test`)' }),
  }

  private password: Promise<string> | undefined

  /** One password read (or prompt) for both calls. */
  protected override operatorPassword(): Promise<string> {
    this.password ??= super.operatorPassword()
    return this.password
  }

  /** This command's own flags (--test), on top of those of `notify add`. */
  protected declare flags: CommandFlags<typeof NotificationSetup>

  protected override async exec(): Promise<Data> {
    this.args = { ...this.args, kind: 'telegram' }
    const channel = await super.exec()
    if (this.flags.test !== true) return channel
    return { ...channel, test: await this.operatorCall('notify.test', { id: channel.id }) }
  }

  protected override render(d: Data): void {
    super.render(d)
    if (d.test === undefined) return
    if (d.test.ok) this.log(`Test notification delivered to ${d.test.channel} (HTTP ${d.test.status ?? '-'}).`)
    else this.warning(`the test notification was not accepted: ${d.test.error ?? 'unknown error'} (\`waiaas notify test ${d.id}\` tries again)`)
  }
}
