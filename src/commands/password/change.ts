import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'

export default class PasswordChange extends BaseCommand<typeof PasswordChange> {
  /** WAIaaS's name for it; src/hooks/alias-note.ts says which command runs. */
  static override aliases = ['set-master']
  static override description = 'Change the master password (re-wraps the data key; wallet keys are not re-encrypted)'
  static override examples = ['<%= config.bin %> password change', '<%= config.bin %> password change --password-file old.txt --new-password-file new.txt']
  static override flags = {
    ...passwordFlags,
    'new-password-file': Flags.string({ description: 'Read the new master password from this file (else a prompt on a terminal)' }),
  }

  protected override async exec(): Promise<Output<'vault.changePassword'>> {
    const password = await this.operatorPassword()
    const newPassword = (await this.secretFromFlagOrPrompt('new-password-file', 'New master password', { confirm: true })) ?? ''
    const client = await this.daemon()
    return this.spin(
      () => 'Re-wrapping the data key',
      (start) => {
        start()
        return client.call('vault.changePassword', { newPassword }, { password })
      },
    )
  }

  protected override render(d: Output<'vault.changePassword'>): void {
    this.log('Master password changed.')
    if (d.recoveryKeyRemoved) this.log('recovery.key held the old password and was removed.')
  }
}
