/**
 * Replacement of a pending EVM transaction: the same nonce with higher fees. Nodes accept a replacement only when
 * both maxFeePerGas and maxPriorityFeePerGas rise by at least 10% (geth's default price bump), so every bump here is
 * at least 10% plus 1 wei over the fees actually signed in the old transaction, and never below the current market.
 */
import { Transaction } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'
import type { PreparedTx, SignedTx } from '../types.js'
import { feeDetails, fieldsOf, toUnsigned, type EvmFields } from './tx-request.js'

export interface MarketFees {
  maxFeePerGas: bigint
  maxPriorityFeePerGas: bigint
}

export interface ReplaceOptions {
  /** Current fees, when higher than the bumped ones they win. */
  market?: MarketFees
  /** Per-gas cap on maxFeePerGas; above it CHAIN_FEE_TOO_HIGH. */
  feeCapWei?: bigint
}

/** `old` raised by `percent` (at least 10) and 1 wei, or `market` when that is higher. */
export function bump(old: bigint, percent: number, market?: bigint): bigint {
  const p = BigInt(Math.max(10, Math.ceil(percent)))
  const raised = (old * (100n + p) + 99n) / 100n + 1n
  return market !== undefined && market > raised ? market : raised
}

function oldFees(prepared: PreparedTx, signedOld: SignedTx): EvmFields {
  const f = fieldsOf(prepared)
  let old: Transaction
  try {
    old = Transaction.from(signedOld.raw)
  } catch (err) {
    throw new WaiaasError('INPUT_INVALID', '`signedOld.raw` is not a signed EVM transaction', { details: { field: 'signedOld' }, cause: err })
  }
  if (BigInt(old.nonce) !== f.nonce || old.from?.toLowerCase() !== prepared.from.toLowerCase()) {
    throw new WaiaasError('INPUT_INVALID', '`signedOld` is not the signed form of `prepared` (nonce or sender differ)', {
      details: { field: 'signedOld', nonce: String(old.nonce), expectedNonce: f.nonce.toString() },
    })
  }
  return { ...f, maxFeePerGas: old.maxFeePerGas ?? f.maxFeePerGas, maxPriorityFeePerGas: old.maxPriorityFeePerGas ?? f.maxPriorityFeePerGas }
}

function replaced(prepared: PreparedTx, f: EvmFields, percent: number, opts: ReplaceOptions, change: Partial<EvmFields>, intent = prepared.intent): PreparedTx {
  if (!(percent >= 10)) {
    throw new WaiaasError('INPUT_INVALID', `\`bumpPercent\` must be at least 10, got ${percent}`, { details: { field: 'bumpPercent', value: percent } })
  }
  let maxPriorityFeePerGas = bump(f.maxPriorityFeePerGas, percent, opts.market?.maxPriorityFeePerGas)
  const maxFeePerGas = bump(f.maxFeePerGas, percent, opts.market?.maxFeePerGas)
  if (maxPriorityFeePerGas > maxFeePerGas) maxPriorityFeePerGas = maxFeePerGas
  if (opts.feeCapWei !== undefined && maxFeePerGas > opts.feeCapWei) {
    throw new WaiaasError('CHAIN_FEE_TOO_HIGH', `The replacement's maxFeePerGas ${maxFeePerGas} wei is above the cap of ${opts.feeCapWei} wei`, {
      details: { network: prepared.network, maxFeePerGas: maxFeePerGas.toString(), feeCapWei: opts.feeCapWei.toString() },
    })
  }
  const next: EvmFields = { ...f, ...change, maxFeePerGas, maxPriorityFeePerGas }
  return { ...prepared, intent, fee: feeDetails(next), unsigned: { ...toUnsigned(next) } }
}

/** The same transaction with higher fees (sign and broadcast it like any other). */
export function speedUp(prepared: PreparedTx, signedOld: SignedTx, bumpPercent = 10, opts: ReplaceOptions = {}): PreparedTx {
  return replaced(prepared, oldFees(prepared, signedOld), bumpPercent, opts, {})
}

/** A 0-value transfer to the sender itself with the same nonce and higher fees, which voids the old transaction. */
export function cancel(prepared: PreparedTx, signedOld: SignedTx, bumpPercent = 10, opts: ReplaceOptions = {}): PreparedTx {
  const f = oldFees(prepared, signedOld)
  return replaced(prepared, f, bumpPercent, opts, { to: prepared.from, value: 0n, data: '0x', gasLimit: 21_000n }, {
    kind: 'native-transfer',
    to: prepared.from,
    amount: 0n,
  })
}
