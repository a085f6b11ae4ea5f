import * as Args from '@oclif/core/args'
import { BaseCommand } from '../../cli/base-command.js'
import { abiArgs } from '../../cli/flag-input.js'
import type { Output } from '../../lib/contract/index.js'

type Data = Output<'calldata.encode'>

export default class CalldataEncode extends BaseCommand<typeof CalldataEncode> {
  static override summary = 'Encode a contract call (a function signature and its arguments) into calldata, to preview it before `call`'
  static override description =
    'ABI-encodes a call the way `waiaas call --function … --args …` would, and signs or sends nothing. Each argument is ' +
    'one word: addresses and numbers as text (large integers as decimal strings), true or false for a bool, and an ' +
    'array or tuple as JSON (e.g. \'["0xabc…","0xdef…"]\'). Put `--` before an argument that starts with a dash.'
  static override examples = [
    '<%= config.bin %> calldata encode "transfer(address,uint256)" 0x8ba1f109551bD432803012645Ac136ddd64DBA72 1000000',
    '<%= config.bin %> calldata encode "approve(address spender, uint256 amount)" 0x8ba1f109551bD432803012645Ac136ddd64DBA72 0 --json',
    '<%= config.bin %> calldata encode "setOwners(address[])" \'["0x8ba1f109551bD432803012645Ac136ddd64DBA72"]\'',
  ]
  static override strict = false
  static override args = {
    signature: Args.string({ required: true, description: 'The function signature, e.g. "transfer(address,uint256)"' }),
    args: Args.string({ required: false, description: 'Its arguments, in order (as many as it takes)' }),
  }

  protected override async exec(): Promise<Data> {
    const [signature = this.args.signature, ...rest] = this.positionals
    return (await this.daemon()).call('calldata.encode', { function: signature, args: abiArgs(rest) })
  }

  protected override render(d: Data): void {
    this.log(d.data)
    process.stderr.write(`${d.signature} (selector ${d.selector})\n`)
  }
}
