import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { fields } from '../../cli/render.js'
import { networkFlag, walletFlag } from '../../cli/target-flags.js'

export default class TxSimulate extends BaseCommand<typeof TxSimulate> {
  static override description = 'Dry run a transfer, token transfer, contract call or approval: fee and node simulation, nothing signed or sent'
  static override examples = [
    '<%= config.bin %> tx simulate --wallet treasury --network base --to 0x8ba1f109551bD432803012645Ac136ddd64DBA72 --amount 0.01',
    '<%= config.bin %> tx simulate --wallet treasury --network base --to 0x8ba1f109551bD432803012645Ac136ddd64DBA72 --amount 25 --token 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
    '<%= config.bin %> tx simulate --wallet treasury --network evm-local --to 0x5FbDB2315678afecb367f032d93F642f64180aa3 --function "bump(uint256)" --args \'["5"]\'',
    '<%= config.bin %> tx simulate --wallet treasury --network base --token 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913 --spender 0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24 --amount 100',
  ]
  static override flags = {
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: true }),
    to: Flags.string({ description: 'Recipient, or the contract to call' }),
    amount: Flags.string({ description: 'Decimal amount in whole units (for a call: native value sent along)' }),
    token: Flags.string({ description: 'ERC-20 address or SPL / Token-2022 mint' }),
    data: Flags.string({ description: 'Contract call: calldata as 0x hex', exclusive: ['function'] }),
    function: Flags.string({ description: 'Contract call: a signature like "transfer(address,uint256)"', exclusive: ['data'] }),
    args: Flags.string({ description: 'Contract call: arguments as a JSON array', dependsOn: ['function'] }),
    spender: Flags.string({ description: 'Approval: the spender of --amount of --token' }),
  }

  protected override async exec(): Promise<Output<'tx.simulate'>> {
    const f = this.flags
    const params: Input<'tx.simulate'> = { wallet: f.wallet ?? '', network: f.network ?? '' }
    for (const k of ['to', 'amount', 'token', 'data', 'function', 'spender'] as const) if (f[k] !== undefined) params[k] = f[k]
    if (f.args !== undefined) {
      let args: unknown
      try {
        args = JSON.parse(f.args)
      } catch {
        args = undefined
      }
      if (!Array.isArray(args)) throw new WaiaasError('USAGE', '--args must be a JSON array, e.g. \'["0xabc…", "1000"]\'', { details: { flag: '--args' } })
      params.args = args
    }
    const client = await this.daemon()
    return client.call('tx.simulate', params)
  }

  protected override render(d: Output<'tx.simulate'>): void {
    this.log(
      fields([
        ['result', d.ok ? 'would succeed' : `would fail: ${d.error?.code ?? ''} ${d.error?.reason ?? ''}`],
        ['kind', d.kind],
        ['from', d.from],
        ['network', d.network],
        ['max fee', `${d.fee.max} ${d.fee.symbol}`],
      ]),
    )
    if (!d.ok && d.logs.length > 0) this.log(d.logs.join('\n'))
  }
}
