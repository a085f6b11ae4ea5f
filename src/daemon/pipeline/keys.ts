/**
 * Signing with a wallet's key. Transactions are signed with the key decrypted for that one signature and wiped right
 * after; sign-only requests with a key object kept per unlock (see KeyCache), synchronously, so they sign inside the
 * transaction that records them.
 */
import type { ChainAdapter, OfflineSigner, PreparedTx, SignedTx } from '../chains/types.js'
import type { KeyringPort } from '../ports.js'
import { wipe } from '../keystore/aead.js'
import { openPrivateKey } from '../keystore/vault.js'
import { messageBytes } from '../policy/message-guard.js'
import type { RequestRow } from '../store/requests.js'
import type { WalletRow } from '../store/wallets.js'
import { payloadOf, type PipelineCtx } from './context.js'

/**
 * The wallets' signing key objects (ethers-free raw keys for EVM, node:crypto KeyObjects for Solana), made once per
 * unlock: building one costs far more than a signature. Kept only while the keyring holds the same data key (dropped
 * on lock, on a new unlock and when the wallet is deleted); the decrypted key buffer is wiped at once.
 */
export class KeyCache {
  private readonly cache = new Map<string, { epoch: number; key: unknown }>()

  constructor(private readonly keyring: KeyringPort) {}

  /** The wallet's key object for `signer`, from the cache or opened from its sealed key. */
  get(wallet: WalletRow, signer: OfflineSigner): unknown {
    const epoch = this.keyring.epoch
    const hit = this.cache.get(wallet.id)
    if (hit !== undefined && hit.epoch === epoch) return hit.key
    const raw = openPrivateKey(this.keyring.heldDataKey(), wallet.id, wallet.address, wallet.sealedKey)
    try {
      if (this.cache.size > 0 && [...this.cache.values()][0]?.epoch !== epoch) this.forget()
      const key = signer.signingKey(raw)
      this.cache.set(wallet.id, { epoch, key })
      return key
    } finally {
      wipe(raw)
    }
  }

  /** Drops a deleted wallet's cached signing key, or every one (on lock). */
  forget(walletId?: string): void {
    for (const [id, { key }] of this.cache) {
      if (walletId !== undefined && id !== walletId) continue
      if (Buffer.isBuffer(key)) wipe(key)
      this.cache.delete(id)
    }
  }
}

/** Signs `tx` with the wallet's key, decrypted for this one signature and wiped right after. */
export async function signWith(ctx: PipelineCtx, adapter: ChainAdapter, wallet: WalletRow, tx: PreparedTx, dataKey = ctx.env.keyring.heldDataKey()): Promise<SignedTx> {
  const key = openPrivateKey(dataKey, wallet.id, wallet.address, wallet.sealedKey)
  try {
    return await adapter.sign(tx, key)
  } finally {
    wipe(key)
  }
}

/** The signature of a sign-only request (and, for a caller-built transaction, its raw signed form). Synchronous. */
export function signOnly(ctx: PipelineCtx, row: RequestRow, wallet: WalletRow, signer: OfflineSigner): { signature: string | null; raw: string | null } {
  const body = payloadOf(row).body
  const key = ctx.keys.get(wallet, signer)
  if (row.kind === 'sign-message') return { signature: signer.signMessage(key, messageBytes(body)), raw: null }
  if (row.kind === 'sign-typed-data') return { signature: signer.signTypedData(key, body.typedData), raw: null }
  const raw = signer.signTransaction(key, wallet.address, body)
  return { signature: raw, raw }
}
