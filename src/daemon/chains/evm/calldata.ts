/**
 * Calldata from a human function signature, e.g. `encodeFunctionCall("transfer(address,uint256)", [to, "1000"])`,
 * for contract calls requested without an ABI. Numbers may be given as bigint, number or decimal strings.
 */
import { FunctionFragment, Interface, type ParamType } from 'ethers'
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
  // A wrong count is left for the encoder to name.
  const values = args.length === fn.inputs.length ? fn.inputs.map((p, i) => boolsOf(p, args[i], `args[${i}]`)) : args
  try {
    return iface.encodeFunctionData(fn, values)
  } catch (err) {
    const reason = err instanceof Error ? (err as { shortMessage?: string }).shortMessage ?? err.message : String(err)
    throw new WaiaasError('INPUT_INVALID', `\`args\` do not match ${signature}: ${reason}`, {
      details: { field: 'args', signature, reason },
      cause: err,
    })
  }
}

/**
 * Booleans given as text (a CLI word, a JSON string) become booleans, and any other value for a `bool` is refused:
 * ethers reads a bool by truthiness, so the text "false" would otherwise be encoded as true. Arrays and tuples are
 * walked; every other type is left to the encoder.
 */
function boolsOf(p: ParamType, v: unknown, at: string): unknown {
  if (p.baseType === 'bool') {
    if (typeof v === 'boolean') return v
    if (v === 'true' || v === 'false') return v === 'true'
    throw new WaiaasError('INPUT_INVALID', `${at} is a bool: give true or false, got ${JSON.stringify(v)?.slice(0, 64)}`, { details: { field: 'args', at, type: 'bool' } })
  }
  if (p.isArray() && Array.isArray(v)) return v.map((x, i) => boolsOf(p.arrayChildren, x, `${at}[${i}]`))
  if (p.isTuple() && Array.isArray(v)) return v.map((x, i) => (p.components[i] === undefined ? x : boolsOf(p.components[i], x, `${at}[${i}]`)))
  return v
}
