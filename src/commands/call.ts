import * as Flags from '@oclif/core/flags'
import type { TxRequestView } from '../lib/contract/index.js'
import { parseJsonArray } from '../cli/flag-input.js'
import { SubmitCommand, submitFlags } from '../cli/tx-command.js'
import { networkFlag, walletFlag } from '../cli/target-flags.js'

export default class Call extends SubmitCommand<typeof Call> {
  static override summary = 'Call a contract (EVM), checked against the policies'
  static override description =
    'Calls the contract at --to with calldata (--data 0x…) or a function signature and its arguments (--function, --args), ' +
    'optionally sending --amount of the native coin along. The policies check the decoded call: an ERC-20 transfer or ' +
    'approve inside it counts as one. Prints the request; --wait waits until it is final (exit codes as for `send`).'
  static override examples = [
    '<%= config.bin %> call --wallet treasury --network evm-local --to 0x5FbDB2315678afecb367f032d93F642f64180aa3 --function "bump(uint256)" --args \'["5"]\' --wait',
    '<%= config.bin %> call --wallet treasury --network base --to 0xc0ffee254729296a45a3885639AC7E10F9d54979 --data 0xd09de08a --amount 0.001',
  ]
  static override flags = {
    ...submitFlags,
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: true }),
    to: Flags.string({ required: true, description: 'The contract to call' }),
    data: Flags.string({ description: 'Calldata as 0x hex', exclusive: ['function'] }),
    function: Flags.string({ description: 'A function signature like "transfer(address,uint256)"', exclusive: ['data'] }),
    args: Flags.string({ description: 'The function\'s arguments as a JSON array, e.g. \'["0xabc…", "1000"]\'', dependsOn: ['function'] }),
    amount: Flags.string({ description: 'Native coin sent along, in whole units (default 0)' }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    return this.submit('tx.call', {
      wallet: f.wallet,
      network: f.network,
      to: f.to,
      ...(f.data === undefined ? {} : { data: f.data }),
      ...(f.function === undefined ? {} : { function: f.function }),
      ...(f.args === undefined ? {} : { args: parseJsonArray(f.args, '--args') }),
      ...(f.amount === undefined ? {} : { amount: f.amount }),
      ...this.idempotency(),
    })
  }
}
