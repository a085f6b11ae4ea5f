/**
 * Calldata from a human function signature, e.g. `encodeFunctionCall("transfer(address,uint256)", [to, "1000"])`,
 * for contract calls requested without an ABI. Numbers may be given as bigint, number or decimal strings.
 */
import { FunctionFragment, Interface } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'

const SIGNATURE = /^\s*(function\s+)?[A-Za-z_$][A-Za-z0-9_$]*\s*\(.*\)\s*$/s

/** ABI-encodes a call of `signature` with `args`; INPUT_INVALID naming `signature` or `args` when they do not fit. */
export function encodeFunctionCall(signature: string, args: unknown[]): string {
  if (!SIGNATURE.test(signature)) {
    throw new WaiaasError('INPUT_INVALID', `\`signature\` must look like "transfer(address,uint256)", got ${JSON.stringify(signature)}`, {
      details: { field: 'signature', value: signature },
    })
  }
  const text = signature.trim().startsWith('function') ? signature.trim() : `function ${signature.trim()}`
  let iface: Interface
  try {
    iface = new Interface([text])
  } catch (err) {
    throw new WaiaasError('INPUT_INVALID', `\`signature\` is not a valid function signature: ${JSON.stringify(signature)}`, {
      details: { field: 'signature', value: signature },
      cause: err,
    })
  }
  const fn = iface.fragments[0]
  if (!(fn instanceof FunctionFragment)) {
    throw new WaiaasError('INPUT_INVALID', `\`signature\` must declare a function, got ${JSON.stringify(signature)}`, {
      details: { field: 'signature', value: signature },
    })
  }
  try {
    return iface.encodeFunctionData(fn, args)
  } catch (err) {
    const reason = err instanceof Error ? (err as { shortMessage?: string }).shortMessage ?? err.message : String(err)
    throw new WaiaasError('INPUT_INVALID', `\`args\` do not match ${signature}: ${reason}`, {
      details: { field: 'args', signature, reason },
      cause: err,
    })
  }
}
