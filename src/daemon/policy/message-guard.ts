/**
 * What a wallet's key may sign as a "message". A message signature must never be usable as anything else: not as a
 * transaction the policies never saw, not as an owner's approval.
 *
 * - Solana, raw bytes: refused when they read as a transaction message (legacy or v0, trailing bytes or not, or a
 *   later message version): an Ed25519 signature over them IS that transaction's signature, ready to broadcast. The
 *   off-chain format (`format: "solana-offchain"`, see chains/solana/offchain-message.ts) starts with 0xff and can never
 *   be a transaction, so it is always safe to offer.
 * - EVM: always EIP-191 personal_sign ("\x19Ethereum Signed Message:\n" + length + bytes), so a 32-byte hash is never
 *   signed as a bare digest, and no message hashes like a transaction (0x02 / RLP) or typed data (0x19 0x01) does.
 * - Both chains: bytes that contain a waiaas approval message are refused, in any letter case and wherever they sit
 *   (inside the off-chain header too). The owner's approval is an EIP-191 (EVM) or raw Ed25519 (Solana) signature of
 *   that text, so the daemon signing it for a session would forge one.
 *
 * The check runs on the exact bytes that will be signed, so it holds for every encoding (text is bytes too).
 */
import type { SIGN_MESSAGE_FORMATS } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { APPROVAL_MARK } from '../approval/owner.js'
import { transactionMessageShape } from '../chains/solana/message-shape.js'
import { offchainMessage } from '../chains/solana/offchain-message.js'
import { appendAudit } from '../store/audit.js'
import type { Db } from '../store/db.js'
import type { WalletRow } from '../store/wallets.js'

/** How a message is framed before it is signed: as given, or in Solana's off-chain message format. */
export type MessageFormat = (typeof SIGN_MESSAGE_FORMATS)[number]

export interface SignMessageInput {
  message: string
  encoding: 'utf8' | 'hex'
  format?: MessageFormat | undefined
}

/** The codes a refused message is reported with; each refusal is also written to the audit log. */
const REFUSALS: ReadonlySet<string> = new Set(['SIGN_MESSAGE_IS_TRANSACTION', 'SIGN_MESSAGE_IS_APPROVAL'])

/** The exact bytes the wallet signs for a stored sign-message body (older bodies have no `format`: raw). */
export function messageBytes(body: Record<string, unknown>): Uint8Array {
  const text = String(body.message)
  const given = body.encoding === 'hex' ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'utf8')
  return body.format === 'solana-offchain' ? offchainMessage(given) : given
}

/** True when `bytes` contain the approval mark, ignoring ASCII letter case. */
function containsApprovalText(bytes: Uint8Array): boolean {
  return Buffer.from(bytes).toString('latin1').toLowerCase().includes(APPROVAL_MARK)
}

/**
 * The body of a sign-message request for `wallet`, after every check: INPUT_INVALID for malformed hex or an off-chain
 * message that cannot be framed, SIGN_MESSAGE_IS_TRANSACTION for Solana bytes that read as a transaction message,
 * SIGN_MESSAGE_IS_APPROVAL for approval text. The body is what the content hash binds and what is signed later.
 */
export function signMessageBody(wallet: Pick<WalletRow, 'id' | 'chain'>, input: SignMessageInput): Record<string, unknown> {
  if (input.encoding === 'hex' && !/^0x([0-9a-fA-F]{2})*$/.test(input.message)) {
    throw new WaiaasError('INPUT_INVALID', '`message` must be 0x-prefixed hex bytes with encoding hex', { details: { field: 'message' } })
  }
  const offchain = input.format === 'solana-offchain'
  if (offchain && wallet.chain !== 'solana') {
    throw new WaiaasError('INPUT_INVALID', 'The solana-offchain format is for Solana wallets; EVM messages are always signed as EIP-191', {
      details: { field: 'format', chain: wallet.chain },
    })
  }
  // Raw bodies keep their old shape, so the content hash of a raw request is what it always was.
  const body: Record<string, unknown> = offchain ? { message: input.message, encoding: input.encoding, format: 'solana-offchain' } : { message: input.message, encoding: input.encoding }
  const bytes = messageBytes(body)
  if (containsApprovalText(bytes)) {
    throw new WaiaasError('SIGN_MESSAGE_IS_APPROVAL', 'Refused: the message contains a waiaas approval message, which only the wallet owner signs', {
      details: { wallet: wallet.id, field: 'message' },
    })
  }
  if (wallet.chain === 'solana' && !offchain) {
    const shape = transactionMessageShape(bytes)
    if (shape !== null) {
      const what = shape.kind === 'versioned' ? `a version-${shape.version} transaction message` : `a ${shape.kind} transaction message`
      throw new WaiaasError('SIGN_MESSAGE_IS_TRANSACTION', `Refused: these bytes read as ${what}, so their signature would be a transaction signature`, {
        details: { wallet: wallet.id, field: 'message', shape: shape.kind, ...(shape.kind === 'versioned' ? { version: shape.version } : { messageLength: shape.length, trailingBytes: bytes.length - shape.length }) },
      })
    }
  }
  return body
}

/** Runs a sign-message submission; a guard refusal is written to the audit log (who, which wallet, why) and rethrown. */
export async function auditedRefusal<T>(db: Db, actor: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof WaiaasError && REFUSALS.has(err.code)) {
      const wallet = typeof err.details.wallet === 'string' ? err.details.wallet : null
      appendAudit(db, { actor, action: 'sign.message', target: wallet, outcome: 'denied', details: { code: err.code, ...(err.details.shape !== undefined ? { shape: err.details.shape } : {}) } })
    }
    throw err
  }
}
