import * as Flags from '@oclif/core/flags'
import type { TxRequestView } from '../lib/contract/index.js'
import { SubmitCommand, submitFlags } from '../cli/tx-command.js'
import { networkFlag, walletFlag } from '../cli/target-flags.js'

export default class Approve extends SubmitCommand<typeof Approve> {
  static override summary = 'Let a spender spend an amount of a token (ERC-20 / SPL approve), checked against the policies'
  static override description =
    'Approves --spender to spend --amount (whole units) of --token from the wallet. Unlimited approvals are denied unless a ' +
    'policy allows them (APPROVED_SPENDERS, APPROVE_AMOUNT_LIMIT). Not to be confused with `waiaas tx approve`, which ' +
    'approves a pending request. Prints the request; --wait waits until it is final (exit codes as for `send`).'
  static override examples = [
    '<%= config.bin %> approve --wallet treasury --network base --token 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913 --spender 0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24 --amount 100',
    '<%= config.bin %> approve --wallet treasury --network evm-local --token 0x5FbDB2315678afecb367f032d93F642f64180aa3 --spender 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512 --amount 0 --wait --json',
  ]
  static override flags = {
    ...submitFlags,
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: true }),
    token: Flags.string({ char: 't', required: true, description: 'ERC-20 address or SPL / Token-2022 mint' }),
    spender: Flags.string({ required: true, description: 'Who may spend it' }),
    amount: Flags.string({ required: true, description: 'Allowance in whole units of the token (0 revokes)' }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    return this.submit('tx.tokenApprove', { wallet: f.wallet, network: f.network, token: f.token, spender: f.spender, amount: f.amount, ...this.idempotency() })
  }
}
