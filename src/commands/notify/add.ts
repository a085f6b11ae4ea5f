import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, NotifyChannelView } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { NOTIFY_EVENTS, NOTIFY_KINDS, type NotifyKind } from '../../lib/notify-events.js'
import { channelFields } from '../../cli/notify-render.js'
import { readSecretFile } from '../../lib/secrets.js'

export default class NotifyAdd extends BaseCommand<typeof NotifyAdd> {
  static override summary = 'Add a notification channel: webhook, telegram, slack, discord or ntfy'
  static override description =
    'Events (denied, delayed, awaiting approval, approved, rejected, expired, submitted, confirmed, failed, incoming, low balance, ' +
    'kill switch, repeated password failures) go to each channel whose --events filter matches (default: all). Secrets are read ' +
    'from files or a prompt, never from the command line, and are stored encrypted under the data key. A Telegram channel with ' +
    '--approver-user-id gets Approve / Reject buttons on approval requests, accepted only from that user in that chat.'
  static override examples = [
    '<%= config.bin %> notify add webhook --url https://hooks.example.com/waiaas --secret-file ./webhook.secret',
    '<%= config.bin %> notify add telegram --bot-token-file ./bot.token --chat-id 123456789 --approver-user-id 123456789',
    '<%= config.bin %> notify add slack --url-file ./slack.url --events tx.awaiting_approval,killswitch.on',
    '<%= config.bin %> notify add discord --url-file ./discord.url',
    '<%= config.bin %> notify add ntfy --server https://ntfy.sh --topic my-wallet-alerts --token-file ./ntfy.token',
  ]
  static override args = { kind: Args.option({ options: NOTIFY_KINDS, description: 'Channel kind' })({ required: true }) }
  static override flags = {
    ...passwordFlags,
    name: Flags.string({ description: 'A label for the channel' }),
    events: Flags.string({ description: `Only these events, comma-separated (default all): ${NOTIFY_EVENTS.join(', ')}` }),
    url: Flags.string({ description: 'webhook: the URL to POST to (http or https, no credentials in it)' }),
    'url-file': Flags.string({ description: 'webhook, slack, discord: read the URL from this file (Slack and Discord webhook URLs are secrets)' }),
    'secret-file': Flags.string({ description: 'webhook: read the HMAC signing secret (16+ characters) from this file' }),
    'bot-token-file': Flags.string({ description: 'telegram: read the bot token (from @BotFather) from this file' }),
    'chat-id': Flags.string({ description: 'telegram: the chat to post to (numeric id, or @channelname without approvals)' }),
    'approver-user-id': Flags.string({ description: 'telegram: the user whose button presses approve or reject requests' }),
    server: Flags.string({ description: 'ntfy: the server, e.g. https://ntfy.sh' }),
    topic: Flags.string({ description: 'ntfy: the topic' }),
    'token-file': Flags.string({ description: 'ntfy: read an access token from this file' }),
  }

  protected override async exec(): Promise<NotifyChannelView> {
    const kind = this.args.kind
    const f = this.flags
    const params: Input<'notify.add'> = { kind }
    if (f.name !== undefined) params.name = f.name
    if (f.events !== undefined) params.events = f.events.split(',').map((e) => e.trim()).filter((e) => e !== '')
    const misplaced = (flag: keyof typeof NotifyAdd.flags, kinds: NotifyKind[]): void => {
      if (f[flag] !== undefined && !kinds.includes(kind)) throw new WaiaasError('USAGE', `--${flag} is not for ${kind} channels`, { details: { flag: `--${flag}` } })
    }
    misplaced('url', ['webhook'])
    misplaced('url-file', ['webhook', 'slack', 'discord'])
    misplaced('secret-file', ['webhook'])
    misplaced('bot-token-file', ['telegram'])
    misplaced('chat-id', ['telegram'])
    misplaced('approver-user-id', ['telegram'])
    misplaced('server', ['ntfy'])
    misplaced('topic', ['ntfy'])
    misplaced('token-file', ['ntfy'])
    switch (kind) {
      case 'webhook':
        params.url = f.url ?? (f['url-file'] !== undefined ? readSecretFile(f['url-file'], '--url-file') : undefined) ?? this.missing('--url')
        params.secret = await this.secretFromFlagOrPrompt('secret-file', 'Webhook signing secret')
        break
      case 'slack':
      case 'discord':
        params.url = await this.secretFromFlagOrPrompt('url-file', `${kind === 'slack' ? 'Slack' : 'Discord'} webhook URL`)
        break
      case 'telegram':
        params.botToken = await this.secretFromFlagOrPrompt('bot-token-file', 'Telegram bot token')
        params.chatId = f['chat-id'] ?? this.missing('--chat-id')
        if (f['approver-user-id'] !== undefined) params.userId = f['approver-user-id']
        break
      case 'ntfy':
        params.server = f.server ?? this.missing('--server')
        params.topic = f.topic ?? this.missing('--topic')
        if (f['token-file'] !== undefined) params.token = readSecretFile(f['token-file'], '--token-file')
        break
    }
    return this.operatorCall('notify.add', params)
  }

  private missing(flag: string): never {
    throw new WaiaasError('USAGE', `A ${String(this.args.kind)} channel needs ${flag}`, { details: { flag } })
  }

  protected override render(c: NotifyChannelView): void {
    this.log(channelFields(c))
    this.log(`\nSend a test with: waiaas notify test ${c.id}`)
  }
}
