import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../cli/base-command.js'
import type { Input, Output } from '../lib/contract/index.js'
import { table } from '../cli/render.js'
import { networkFlag, walletFlag } from '../cli/target-flags.js'

export default class Balance extends BaseCommand<typeof Balance> {
  static override description = "Show a wallet's balances on a network: the native coin, every token it holds on Solana, or one token"
  static override examples = [
    '<%= config.bin %> balance --wallet treasury --network base',
    '<%= config.bin %> balance --wallet treasury --network base --token 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913 --json',
    '<%= config.bin %> balance --wallet sol-hot --network solana-local',
  ]
  static override flags = {
    wallet: walletFlag({ required: false, fallback: 'the only wallet, when there is one' }),
    network: networkFlag({ required: false, fallback: 'the local network while the devnet runs' }),
    token: Flags.string({ char: 't', description: 'An ERC-20 address or an SPL / Token-2022 mint' }),
  }

  protected override async exec(): Promise<Output<'balance.get'>> {
    const f = this.flags
    const params: Input<'balance.get'> = {}
    if (f.wallet !== undefined) params.wallet = f.wallet
    if (f.network !== undefined) params.network = f.network
    if (f.token !== undefined) params.token = f.token
    const client = await this.daemon()
    return client.call('balance.get', params)
  }

  protected override render(d: Output<'balance.get'>): void {
    this.log(`${d.wallet.name} (${d.wallet.address}) on ${d.network}:`)
    // The USD column only when a price source knows some asset here (never a made-up 0).
    const priced = d.balances.some((b) => b.usd !== null)
    const rows = d.balances.map((b) => ({ ...b, token: b.token ?? '(native)', usd: b.usd ?? '—' }))
    this.log(table(rows, [['symbol', 'SYMBOL'], ['amount', 'AMOUNT'], ...(priced ? ([['usd', 'USD']] as const) : []), ['token', 'TOKEN']]))
  }
}
