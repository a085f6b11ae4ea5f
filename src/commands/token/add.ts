import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, RegistryTokenView } from '../../lib/contract/index.js'

export default class TokenAdd extends BaseCommand<typeof TokenAdd> {
  static override description = "Register a token on a network so `--token SYMBOL` resolves to it; decimals are read from the token's contract or mint unless given"
  static override examples = [
    '<%= config.bin %> token add --network base --address 0x50c5725949A6F0c72E6C4a641F24049A917DB0Cb --symbol DAI2',
    '<%= config.bin %> token add --network solana-local --address 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin --symbol TEST --decimals 6 --json',
  ]
  static override flags = {
    ...passwordFlags,
    network: Flags.string({ required: true, description: 'The network (CAIP-2 id or alias)' }),
    address: Flags.string({ required: true, description: 'ERC-20 contract or SPL mint' }),
    symbol: Flags.string({ required: true, description: 'Its symbol, e.g. USDC (1-20 letters, digits or . - _ + $)' }),
    decimals: Flags.integer({ min: 0, max: 36, description: "Its decimals (default: read from the chain)" }),
    name: Flags.string({ description: 'A display name' }),
  }

  protected override async exec(): Promise<RegistryTokenView> {
    const f = this.flags
    const params: Input<'token.add'> = { network: f.network, address: f.address, symbol: f.symbol }
    if (f.decimals !== undefined) params.decimals = f.decimals
    if (f.name !== undefined) params.name = f.name
    return this.operatorCall('token.add', params)
  }

  protected override render(t: RegistryTokenView): void {
    this.log(`Added ${t.symbol} (${t.decimals} decimals) on ${t.network}: ${t.address}`)
  }
}
