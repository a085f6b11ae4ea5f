import { BaseCommand } from '../cli/base-command.js'
import type { Output } from '../lib/contract/index.js'

export default class Lock extends BaseCommand<typeof Lock> {
  static override description = 'Lock the keystore: the daemon forgets its keys until unlocked again'
  static override examples = ['<%= config.bin %> lock']

  protected override async exec(): Promise<Output<'vault.lock'>> {
    const client = await this.runningDaemon()
    return client.call('vault.lock', {})
  }

  protected override render(): void {
    this.log('Locked.')
  }
}
