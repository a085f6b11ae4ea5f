import { FunctionFragment } from 'ethers'
import { WaiaasError } from '../../lib/errors.js'
import type { Handler } from '../context.js'
import { encodeFunctionCall } from '../chains/evm/calldata.js'

/** The calldata of a call, its selector and the canonical signature: what tx.call would send, without sending it. */
export const encode: Handler<'calldata.encode'> = (_ctx, params) => {
  let data: string
  try {
    data = encodeFunctionCall(params.function, params.args ?? [])
  } catch (err) {
    // The encoder names its input `signature`; here that input is the argument `function`.
    if (err instanceof WaiaasError && err.details.field === 'signature') {
      throw new WaiaasError(err.code, err.message.replace('`signature`', '`function`'), { details: { ...err.details, field: 'function' }, cause: err })
    }
    throw err
  }
  const text = params.function.trim().startsWith('function') ? params.function.trim() : `function ${params.function.trim()}`
  return { data, selector: data.slice(0, 10), signature: FunctionFragment.from(text).format('sighash') }
}
