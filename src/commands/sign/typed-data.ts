import * as Flags from '@oclif/core/flags'
import { passwordFlags, sessionFlags } from '../../cli/base-command.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { jsonFromFlags } from '../../cli/flag-input.js'
import { SignCommand } from '../../cli/tx-command.js'
import { networkFlag, walletFlag } from '../../cli/target-flags.js'

export default class SignTypedData extends SignCommand<typeof SignTypedData> {
  static override summary = 'Sign EIP-712 typed data (the eth_signTypedData_v4 JSON)'
  static override description =
    'Signs the typed data if the wallet\'s SIGNING_RULES policy lists its domain in `typed_data_domains`; otherwise it is ' +
    'denied (exit 4). A signed permit can move funds, so domains are allowed one by one. Prints only the signature; ' +
    '--json prints the whole request.'
  static override examples = [
    '<%= config.bin %> sign typed-data --wallet treasury --file ./permit.json',
    '<%= config.bin %> sign typed-data --wallet treasury --network base --typed-data "$(cat order.json)" --json',
  ]
  static override flags = {
    ...passwordFlags,
    ...sessionFlags,
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: false, description: 'CAIP-2 id or alias, for network-scoped policies' }),
    'typed-data': Flags.string({ description: 'The typed data as JSON: {types, primaryType, domain, message}', exactlyOne: ['typed-data', 'file'] }),
    file: Flags.string({ char: 'f', description: 'Read the typed data JSON from this file', exactlyOne: ['typed-data', 'file'] }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    const typedData = jsonFromFlags({ flag: '--typed-data', value: f['typed-data'] }, { flag: '--file', value: f.file })
    if (typedData === null || typeof typedData !== 'object' || Array.isArray(typedData)) {
      throw new WaiaasError('USAGE', 'The typed data must be a JSON object with types, primaryType, domain and message', { details: { flag: f.file === undefined ? '--typed-data' : '--file' } })
    }
    return this.sign('sign.typedData', { wallet: f.wallet, ...(f.network === undefined ? {} : { network: f.network }), typedData: typedData as Record<string, unknown> })
  }
}
