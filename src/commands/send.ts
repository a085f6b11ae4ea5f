import * as Flags from '@oclif/core/flags'
import type { TxRequestView } from '../lib/contract/index.js'
import { SubmitCommand, submitFlags } from '../cli/tx-command.js'
import { networkFlag, walletFlag } from '../cli/target-flags.js'

export default class Send extends SubmitCommand<typeof Send> {
  static override summary = 'Send native coins or a token, checked against the policies'
  static override description =
    'Sends --amount (whole units, e.g. 0.01) of the native coin, or of --token, to --to. The policies decide the tier: ' +
    'INSTANT and NOTIFY are signed and broadcast at once, DELAY is queued for its delay, APPROVAL waits for `waiaas tx approve`; ' +
    'a denial exits 4 and says which rule denied it and what would pass. Prints the request with its id, tier and state. ' +
    'With --wait it waits until the request is final: exit 0 when confirmed, 1 when it failed or was rejected, cancelled or ' +
    'expired, 5 when it was still waiting when --timeout ran out.'
  static override examples = [
    '<%= config.bin %> send --wallet treasury --network base --to 0x8ba1f109551bD432803012645Ac136ddd64DBA72 --amount 0.01',
    '<%= config.bin %> send --wallet treasury --network base --to 0x8ba1f109551bD432803012645Ac136ddd64DBA72 --amount 25 --token USDC --wait --json',
    '<%= config.bin %> send --wallet sol-hot --network solana-local --to 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin --amount 0.5 --idempotency-key payout-2024-06-01',
  ]
  static override flags = {
    ...submitFlags,
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: true }),
    to: Flags.string({ required: true, description: 'Recipient address' }),
    amount: Flags.string({ required: true, description: 'Decimal amount in whole units, e.g. 0.01' }),
    token: Flags.string({ char: 't', description: 'ERC-20 address, SPL / Token-2022 mint, or a symbol of the token registry such as USDC (`waiaas token list`) (default: the native coin)' }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    return this.submit('tx.send', {
      wallet: f.wallet,
      network: f.network,
      to: f.to,
      amount: f.amount,
      ...(f.token === undefined ? {} : { token: f.token }),
      ...this.idempotency(),
    })
  }
}
