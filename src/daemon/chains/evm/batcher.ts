/**
 * EVM batches (tx.sendBatch): several transfers of one asset in one transaction through the batching contract the
 * operator allowlists for the network (the Disperse ABI). Native coin: disperseEther with the exact sum as value;
 * one ERC-20: disperseTokenSimple, which pulls each transfer from the wallet with transferFrom and so needs the wallet's
 * allowance to the batcher.
 *
 * Choices:
 * - The batcher is trusted only for code waiaas knows: the keccak256 of its runtime code must be our build's
 *   (batcher.generated.ts) or the one hash the operator pins for it (an audited Disperse deployment). An address with other code (an upgradeable proxy, a look-alike that keeps the value, an
 *   empty account) is BATCH_CONTRACT_UNTRUSTED, whatever the operator set.
 * - A short allowance is refused before anything is signed (BATCH_ALLOWANCE_SHORT); an approval is never added
 *   silently: the caller asks for it through tx.tokenApprove, which the policies judge as any approval.
 * - Mixed assets are refused (BATCH_MIXED_ASSETS): one Disperse call moves one asset.
 */
import { Interface, keccak256 } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'
import type { TransferIntent } from '../types.js'
import { BATCHER_CODE_HASH } from './batcher.generated.js'
import { encodeAllowance } from './erc20.js'
import type { EvmRpc } from './provider.js'

/** The Disperse functions waiaas calls and decodes (human-readable fragments of the batcher's ABI). */
export const DISPERSE_ABI = [
  'function disperseEther(address[] recipients, uint256[] values) payable',
  'function disperseToken(address token, address[] recipients, uint256[] values)',
  'function disperseTokenSimple(address token, address[] recipients, uint256[] values)',
] as const

export const disperse = new Interface(DISPERSE_ABI)

/** Runtime code hashes of the batchers waiaas trusts: its own build, wherever it is deployed. */
export const TRUSTED_BATCHER_CODE_HASHES: readonly string[] = [BATCHER_CODE_HASH]

/** The one asset a batch moves: 'native' or the token's address (lower case); BATCH_MIXED_ASSETS for several. */
export function batchAsset(transfers: readonly TransferIntent[]): string {
  const assets = [...new Set(transfers.map((t) => (t.kind === 'native-transfer' ? 'native' : t.token.toLowerCase())))]
  if (assets.length !== 1) {
    throw new WaiaasError('BATCH_MIXED_ASSETS', 'An EVM batch moves one asset: all native coin, or all one token', {
      details: { field: 'transfers', assets },
    })
  }
  return assets[0] as string
}

/** The call of the batcher `via` that carries out `transfers`: to, value (the exact native sum) and calldata. */
export function batchCall(via: string, transfers: readonly TransferIntent[]): { to: string; value: bigint; data: string } {
  const asset = batchAsset(transfers)
  const recipients = transfers.map((t) => t.to)
  const values = transfers.map((t) => t.amount)
  if (asset === 'native') return { to: via, value: values.reduce((a, b) => a + b, 0n), data: disperse.encodeFunctionData('disperseEther', [recipients, values]) }
  // disperseTokenSimple: in every Disperse build (ours, and disperse.app's) it pulls straight from the caller to each
  // recipient, whereas disperse.app's disperseToken pulls the total to itself first.
  return { to: via, value: 0n, data: disperse.encodeFunctionData('disperseTokenSimple', [asset, recipients, values]) }
}

/**
 * BATCH_CONTRACT_UNTRUSTED unless the runtime code at `contract` hashes to our build's or to `pinned`, the hash the
 * operator trusts for it (network set --batch-code-hash).
 */
export async function verifyBatcher(rpc: EvmRpc, network: string, contract: string, pinned: string | null = null): Promise<void> {
  const code = await rpc.read<string>('read batcher code', 'eth_getCode', [contract, 'latest'])
  const codeHash = code === '0x' ? null : keccak256(code)
  const expected = pinned === null ? [...TRUSTED_BATCHER_CODE_HASHES] : [...TRUSTED_BATCHER_CODE_HASHES, pinned.toLowerCase()]
  if (codeHash === null || !expected.includes(codeHash)) {
    throw new WaiaasError('BATCH_CONTRACT_UNTRUSTED', `The batching contract ${contract} on ${network} ${codeHash === null ? 'has no code' : 'runs code waiaas does not know'}`, {
      details: { network, contract, codeHash, expected },
    })
  }
}

/** BATCH_ALLOWANCE_SHORT when `from` allows the batcher `via` less of `token` than the batch's `total`. */
export async function assertBatchAllowance(rpc: EvmRpc, from: string, via: string, token: string, total: bigint): Promise<void> {
  const raw = await rpc.read<string>('read allowance', 'eth_call', [{ to: token, data: encodeAllowance(from, via) }, 'latest'])
  const allowance = /^0x[0-9a-fA-F]{1,64}$/.test(raw) ? BigInt(raw) : 0n
  if (allowance < total) {
    throw new WaiaasError('BATCH_ALLOWANCE_SHORT', `The batch moves ${total} of token ${token}, but the wallet allows the batching contract only ${allowance}`, {
      details: { field: 'transfers', token, spender: via, allowance: allowance.toString(), needed: total.toString() },
      hint: `Ask for the approval first: tx.tokenApprove (\`waiaas approve\`) with token ${token}, spender ${via} and at least the batch's total; the policies judge it like any approval. Then send the batch again.`,
    })
  }
}
