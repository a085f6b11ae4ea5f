import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { devnetFields } from '../../cli/devnet-render.js'

export default class DevnetStart extends BaseCommand<typeof DevnetStart> {
  static override description =
    'Start the local playground: anvil and a Solana RPC (litesvm) on loopback, used by evm-local and solana-local. Both chains keep ' +
    'their state until `devnet stop`: a daemon that stops or crashes with the devnet running resumes the same chains at its next start'
  static override examples = ['<%= config.bin %> devnet start', '<%= config.bin %> devnet start --json']
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<Output<'devnet.start'>> {
    return this.operatorCall('devnet.start', {})
  }

  protected override render(d: Output<'devnet.start'>): void {
    this.log(devnetFields(d))
  }
}
