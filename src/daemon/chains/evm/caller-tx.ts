/** `sign tx` on EVM: the caller's EIP-1559 fields read, checked complete and decoded into policy actions. */
import { WaiaasError } from '../../../lib/errors.js'
import { addressKey, decodeEvmCall, parseUnsignedEvmTx } from '../../policy/decode.js'
import type { CallerTx } from '../types.js'

/** The caller must give every field a node would fill (they broadcast it themselves). INPUT_INVALID naming the field. */
export function readEvmCallerTx(transaction: string | Record<string, unknown>, wallet: string, chainId: number, offline: boolean): CallerTx {
  const tx = parseUnsignedEvmTx(transaction, chainId)
  for (const field of ['nonce', 'gasLimit', 'maxFeePerGas', 'maxPriorityFeePerGas'] as const) {
    if (tx[field] === null) {
      throw new WaiaasError('INPUT_INVALID', `A transaction to sign must carry its ${field}: the caller broadcasts it`, {
        details: { field: `transaction.${field}` },
        hint: 'Give nonce, gasLimit, maxFeePerGas and maxPriorityFeePerGas; or use `waiaas send`/`call`, which fill them in.',
      })
    }
  }
  const actions = decodeEvmCall(tx.to, tx.data, tx.value, { wallet, field: 'transaction.data' })
  const maxFee = (tx.gasLimit ?? 0n) * (tx.maxFeePerGas ?? 0n)
  const complete = !offline || !actions.some((a) => a.kind === 'token-transfer' || a.kind === 'token-approve')
  return { body: { transaction: { ...tx, to: addressKey(tx.to) } }, actions, maxFee, complete }
}
