/**
 * The owner who approves is never a key this daemon holds. If it were, anything that makes the daemon sign with that
 * key (a session's `sign message`, an approval page driven by the agent) could approve the agent's own request.
 * Held at every door: when an owner is set (any wallet of this daemon, of the owner's chain), when a wallet enters the
 * daemon (created or imported: refused if its address is some wallet's owner; the operator changes that owner first),
 * and again when an approval message is issued or an owner signature is checked (a database restored from a backup,
 * or written by an older version, may hold such a pair).
 */
import { WaiaasError } from '../../lib/errors.js'
import type { Db } from '../store/db.js'
import { findWalletByAddress, listWallets, walletAddressKey, type Chain, type WalletRow } from '../store/wallets.js'

/** The wallet of this daemon whose address is `address` on `chain`, if there is one. */
export function heldWallet(db: Db, chain: Chain, address: string): WalletRow | undefined {
  return findWalletByAddress(db, chain, address)
}

/** OWNER_HELD_BY_DAEMON when `owner` (an address on `chain`) is the address of a wallet this daemon holds. */
export function assertOwnerOutside(db: Db, chain: Chain, owner: string): void {
  const held = heldWallet(db, chain, owner)
  if (held === undefined) return
  throw new WaiaasError('OWNER_HELD_BY_DAEMON', `The owner ${owner} is the address of wallet "${held.name}", whose key this daemon holds: it could approve its own requests`, {
    details: { owner, heldBy: held.id, heldByName: held.name },
  })
}

/** OWNER_HELD_BY_DAEMON when a wallet about to be stored (`chain`, `address`) is the owner of a wallet of this daemon. */
export function assertNotAnOwner(db: Db, chain: Chain, address: string): void {
  const key = walletAddressKey(chain, address)
  const owned = listWallets(db, { chain }).filter((w) => w.owner !== null && walletAddressKey(chain, w.owner) === key)
  if (owned.length === 0) return
  throw new WaiaasError('OWNER_HELD_BY_DAEMON', `This key is the owner of ${owned.map((w) => `"${w.name}"`).join(', ')}: held by the daemon, it could approve their requests`, {
    details: { address, ownerOf: owned.map((w) => w.id), ownerOfNames: owned.map((w) => w.name) },
    hint: `Set another owner for ${owned.map((w) => w.name).join(', ')} first (\`waiaas wallet owner W ADDRESS\` or \`--clear\`), or keep this key outside waiaas.`,
  })
}
