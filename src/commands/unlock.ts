import { BaseCommand, passwordFlags } from '../cli/base-command.js'
import type { Output } from '../lib/contract/index.js'

export default class Unlock extends BaseCommand<typeof Unlock> {
  static override description = 'Unlock the keystore so the daemon can sign'
  static override examples = ['<%= config.bin %> unlock', '<%= config.bin %> unlock --password-file ./master.txt --json']
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<Output<'vault.unlock'>> {
    const password = await this.operatorPassword()
    const client = await this.daemon()
    return this.spin(
      () => 'Unlocking',
      (start) => {
        start()
        return client.call('vault.unlock', { password })
      },
    )
  }

  protected override render(): void {
    this.log('Unlocked.')
  }
}
