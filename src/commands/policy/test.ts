import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { parseJsonArray, parseJsonObject } from '../../cli/flag-input.js'
import { policyTestText } from '../../cli/policy-render.js'
import { networkFlag, walletFlag } from '../../cli/target-flags.js'

export default class PolicyTest extends BaseCommand<typeof PolicyTest> {
  static override summary = 'Which tier a request would get, which rule decides, and what would pass'
  static override description =
    'Describe a request with the same flags as `send`, `call`, `approve` or `sign` and see its outcome (INSTANT, NOTIFY, ' +
    'DELAY, APPROVAL or DENY) without signing or reserving anything.'
  static override examples = [
    '<%= config.bin %> policy test --wallet treasury --network base --to 0x8ba1f109551bD432803012645Ac136ddd64DBA72 --amount 0.5',
    '<%= config.bin %> policy test --wallet treasury --network base --token 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913 --spender 0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24 --amount 100',
    '<%= config.bin %> policy test --wallet treasury --network base --message "hello" --json',
  ]
  static override flags = {
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: true }),
    to: Flags.string({ description: 'Recipient, or the contract to call' }),
    amount: Flags.string({ description: 'Decimal amount in whole units' }),
    token: Flags.string({ char: 't', description: 'ERC-20 address or SPL / Token-2022 mint' }),
    data: Flags.string({ description: 'Contract call: calldata as 0x hex', exclusive: ['function'] }),
    function: Flags.string({ description: 'Contract call: a signature like "transfer(address,uint256)"', exclusive: ['data'] }),
    args: Flags.string({ description: 'Contract call: arguments as a JSON array', dependsOn: ['function'] }),
    spender: Flags.string({ description: 'Approval: the spender of --amount of --token' }),
    message: Flags.string({ description: 'Message signing: the message' }),
    'typed-data': Flags.string({ description: 'Typed-data signing: the typed data JSON' }),
  }

  protected override async exec(): Promise<Output<'policy.test'>> {
    const f = this.flags
    const params: Input<'policy.test'> = { wallet: f.wallet ?? '', network: f.network ?? '' }
    for (const k of ['to', 'amount', 'token', 'data', 'function', 'spender', 'message'] as const) if (f[k] !== undefined) params[k] = f[k]
    if (f.args !== undefined) params.args = parseJsonArray(f.args, '--args')
    if (f['typed-data'] !== undefined) params.typedData = parseJsonObject(f['typed-data'], '--typed-data')
    const client = await this.daemon()
    return client.call('policy.test', params)
  }

  protected override render(d: Output<'policy.test'>): void {
    this.log(policyTestText(d))
  }
}
