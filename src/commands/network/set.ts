import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, Network } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { readSecretFile } from '../../lib/secrets.js'

export default class NetworkSet extends BaseCommand<typeof NetworkSet> {
  static override description = "Set a network's RPC URL, confirmation depth or (EVM) batching contract; --reset-rpc-url goes back to the default"
  static override examples = [
    '<%= config.bin %> network set base --rpc-url https://base.example.org',
    '<%= config.bin %> network set ethereum --rpc-url-file ./alchemy-url.txt --confirmations 5',
    '<%= config.bin %> network set base --batch-contract 0x5FbDB2315678afecb367f032d93F642f64180aa3',
  ]
  static override args = { network: Args.string({ required: true, description: 'CAIP-2 id or alias' }) }
  static override flags = {
    ...passwordFlags,
    'rpc-url': Flags.string({ description: 'RPC URL (use --rpc-url-file when it holds an API key: arguments are visible to other users)', exclusive: ['rpc-url-file', 'reset-rpc-url'] }),
    'rpc-url-file': Flags.string({ description: 'Read the RPC URL from this file', exclusive: ['rpc-url', 'reset-rpc-url'] }),
    'reset-rpc-url': Flags.boolean({ description: 'Use the built-in default RPC URL again' }),
    confirmations: Flags.integer({ description: 'Blocks (EVM) or commitment depth (Solana) to wait for', min: 0, max: 1000 }),
    'batch-contract': Flags.string({ description: 'EVM: allowlist this batching contract (Disperse ABI) for tx.sendBatch; its code is checked before each batch', exclusive: ['reset-batch-contract'] }),
    'batch-code-hash': Flags.string({ description: "EVM: also trust this runtime code hash for the batching contract (e.g. `cast codehash` of an audited Disperse deployment); waiaas's own build is always trusted", exclusive: ['reset-batch-contract'] }),
    'reset-batch-contract': Flags.boolean({ description: 'EVM: allow no batching contract (EVM batches are refused) and forget --batch-code-hash' }),
  }

  protected override async exec(): Promise<Network> {
    const f = this.flags
    const params: Input<'network.set'> = { network: this.args.network }
    if (f['rpc-url'] !== undefined) params.rpcUrl = f['rpc-url']
    if (f['rpc-url-file'] !== undefined) params.rpcUrl = readSecretFile(f['rpc-url-file'], '--rpc-url-file').trim()
    if (f['reset-rpc-url'] === true) params.rpcUrl = null
    if (f.confirmations !== undefined) params.confirmations = f.confirmations
    if (f['batch-contract'] !== undefined) params.batchContract = f['batch-contract']
    if (f['batch-code-hash'] !== undefined) params.batchCodeHash = f['batch-code-hash']
    if (f['reset-batch-contract'] === true) {
      params.batchContract = null
      params.batchCodeHash = null
    }
    if (params.rpcUrl === undefined && params.confirmations === undefined && params.batchContract === undefined && params.batchCodeHash === undefined) {
      throw new WaiaasError('USAGE', 'Give --rpc-url, --rpc-url-file, --reset-rpc-url, --confirmations, --batch-contract, --batch-code-hash or --reset-batch-contract', { details: { flag: '--rpc-url' } })
    }
    return this.operatorCall('network.set', params)
  }

  protected override render(n: Network): void {
    this.log(`${n.name} (${n.id}): RPC ${n.rpcUrl ?? '-'}, ${n.confirmations} confirmation(s)${n.batchContract === null ? '' : `, batch contract ${n.batchContract}`}.`)
  }
}
