/**
 * JSON-RPC errors as a Solana node reports them. These are Solana's own wire codes (what @solana/web3.js expects),
 * not waiaas error codes: this endpoint stands in for a validator, so it must answer like one.
 */

export class RpcError extends Error {
  override readonly name = 'RpcError'
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message)
  }

  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data }
  }
}

export const PARSE_ERROR = -32700
export const INVALID_REQUEST = -32600
export const METHOD_NOT_FOUND = -32601
export const INVALID_PARAMS = -32602
export const INTERNAL_ERROR = -32603
/** Agave: JSON_RPC_SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE. */
export const PREFLIGHT_FAILURE = -32002
/** Agave: JSON_RPC_SERVER_ERROR_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE. */
export const SIGNATURE_VERIFICATION_FAILURE = -32003
/** Agave: JSON_RPC_SERVER_ERROR_UNSUPPORTED_TRANSACTION_VERSION. */
export const UNSUPPORTED_TRANSACTION_VERSION = -32015

export const invalidParams = (what: string): RpcError => new RpcError(INVALID_PARAMS, `Invalid param: ${what}`)
