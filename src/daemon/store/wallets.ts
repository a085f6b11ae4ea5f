import { WaiaasError } from '../../lib/errors.js'
import type { Db } from './db.js'
import { inTransaction, prepared, sqliteCode } from './statements.js'

export type Chain = 'evm' | 'solana'
export type WalletSource = 'generated' | 'private-key' | 'keystore' | 'mnemonic' | 'keypair'

/** A wallet as stored. `sealedKey` is the private key sealed with the data key: never log it or put it in an error. */
export interface WalletRow {
  id: string
  name: string
  chain: Chain
  address: string
  publicKey: string
  source: WalletSource
  derivationPath: string | null
  sealedKey: { iv: string; tag: string; ct: string }
  /** Address whose signature may approve this wallet's requests (same chain family), or null. */
  owner: string | null
  createdAt: string
}

interface DbWallet {
  id: string
  name: string
  chain: string
  address: string
  public_key: string
  source: string
  derivation_path: string | null
  sealed_key: string
  owner: string | null
  created_at: string
}

const CHAINS: readonly string[] = ['evm', 'solana'] satisfies Chain[]
const SOURCES: readonly string[] = ['generated', 'private-key', 'keystore', 'mnemonic', 'keypair'] satisfies WalletSource[]
const COLUMNS = 'id, name, chain, address, public_key, source, derivation_path, sealed_key, owner, created_at'

/**
 * The key names are unique by and looked up by: Unicode lower case of the NFC form, so names differing only in
 * letter case or normalisation are the same name (SQLite's NOCASE only folds ASCII).
 */
export function walletNameKey(name: string): string {
  return name.normalize('NFC').toLowerCase()
}

/** The key addresses are unique by: EVM hex addresses are case-insensitive, Solana base58 addresses are not. */
export function walletAddressKey(chain: Chain, address: string): string {
  return chain === 'evm' ? address.toLowerCase() : address
}

/**
 * Stores a new wallet. Throws WALLET_DUPLICATE (same chain and address; details name the existing wallet), checked
 * before WALLET_NAME_TAKEN because re-importing a key under its old name should point at the wallet that has it.
 */
export function insertWallet(db: Db, row: WalletRow): void {
  inTransaction(db, () => {
    assertNoDuplicate(db, row.chain, row.address)
    assertNameFree(db, row.name, undefined)
    try {
      prepared(
        db,
        `INSERT INTO wallets (id, name, name_key, chain, address, address_key, public_key, source, derivation_path, sealed_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        row.id,
        row.name,
        walletNameKey(row.name),
        row.chain,
        row.address,
        walletAddressKey(row.chain, row.address),
        row.publicKey,
        row.source,
        row.derivationPath,
        JSON.stringify({ iv: row.sealedKey.iv, tag: row.sealedKey.tag, ct: row.sealedKey.ct }),
        row.createdAt,
      )
    } catch (err) {
      throw mapConstraint(err, db, row.chain, row.address, row.name)
    }
  })
}

/** All wallets, optionally of one chain, oldest first (ties broken by id). */
export function listWallets(db: Db, filter: { chain?: Chain } = {}): WalletRow[] {
  const rows =
    filter.chain === undefined
      ? prepared<[], DbWallet>(db, `SELECT ${COLUMNS} FROM wallets ORDER BY created_at, id`).all()
      : prepared<[string], DbWallet>(db, `SELECT ${COLUMNS} FROM wallets WHERE chain = ? ORDER BY created_at, id`).all(filter.chain)
  return rows.map(toWallet)
}

/** The wallet whose id is `ref`, else whose name is `ref` (case-insensitively). Throws WALLET_NOT_FOUND. */
export function findWallet(db: Db, ref: string): WalletRow {
  const row = byId(db, ref) ?? byName(db, ref)
  if (row === undefined) throw notFound(ref)
  return toWallet(row)
}

/** The wallet on `chain` with `address` (EVM: in any letter case), if there is one. */
export function findWalletByAddress(db: Db, chain: Chain, address: string): WalletRow | undefined {
  const row = prepared<[string, string], DbWallet>(db, `SELECT ${COLUMNS} FROM wallets WHERE chain = ? AND address_key = ?`).get(
    chain,
    walletAddressKey(chain, address),
  )
  return row === undefined ? undefined : toWallet(row)
}

/** Renames wallet `id` and returns it. A change of letter case only is allowed. Throws WALLET_NOT_FOUND, WALLET_NAME_TAKEN. */
export function renameWallet(db: Db, id: string, name: string): WalletRow {
  return inTransaction(db, () => {
    if (byId(db, id) === undefined) throw notFound(id)
    assertNameFree(db, name, id)
    try {
      prepared<[string, string, string]>(db, 'UPDATE wallets SET name = ?, name_key = ? WHERE id = ?').run(name, walletNameKey(name), id)
    } catch (err) {
      if (sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE') throw nameTaken(name)
      throw err
    }
    const row = byId(db, id)
    if (row === undefined) throw notFound(id)
    return toWallet(row)
  })
}

/** Sets or clears the owner address (already validated and canonical). */
export function setWalletOwner(db: Db, id: string, owner: string | null): WalletRow {
  prepared(db, 'UPDATE wallets SET owner = ? WHERE id = ?').run(owner, id)
  const row = byId(db, id)
  if (row === undefined) throw notFound(id)
  return toWallet(row)
}

/** Deletes wallet `id`. Throws WALLET_NOT_FOUND. */
export function deleteWallet(db: Db, id: string): void {
  const { changes } = prepared<[string]>(db, 'DELETE FROM wallets WHERE id = ?').run(id)
  if (changes === 0) throw notFound(id)
}

/** The number of wallets. */
export function countWallets(db: Db): number {
  return prepared<[], { n: number }>(db, 'SELECT count(*) AS n FROM wallets').get()?.n ?? 0
}

function byId(db: Db, id: string): DbWallet | undefined {
  return prepared<[string], DbWallet>(db, `SELECT ${COLUMNS} FROM wallets WHERE id = ?`).get(id)
}

function byName(db: Db, name: string): DbWallet | undefined {
  return prepared<[string], DbWallet>(db, `SELECT ${COLUMNS} FROM wallets WHERE name_key = ?`).get(walletNameKey(name))
}

function assertNoDuplicate(db: Db, chain: Chain, address: string): void {
  const existing = findWalletByAddress(db, chain, address)
  if (existing !== undefined) throw duplicate(existing)
}

function assertNameFree(db: Db, name: string, exceptId: string | undefined): void {
  const existing = byName(db, name)
  if (existing !== undefined && existing.id !== exceptId) throw nameTaken(name)
}

/** Maps a UNIQUE violation the explicit checks did not catch (they are the friendly path; the constraints are the guard). */
function mapConstraint(err: unknown, db: Db, chain: Chain, address: string, name: string): unknown {
  const code = sqliteCode(err)
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return err
  const message = err instanceof Error ? err.message : ''
  if (message.includes('wallets.address_key')) {
    const existing = findWalletByAddress(db, chain, address)
    return existing === undefined ? new WaiaasError('WALLET_DUPLICATE', 'A wallet with this address already exists', { details: {} }) : duplicate(existing)
  }
  if (message.includes('wallets.name_key')) return nameTaken(name)
  return new WaiaasError('INTERNAL', 'Could not store the wallet: its id is already in use', { cause: err })
}

function toWallet(r: DbWallet): WalletRow {
  if (!CHAINS.includes(r.chain) || !SOURCES.includes(r.source)) {
    throw new WaiaasError('DB_CORRUPT', 'A stored wallet has an unknown chain or source', { details: { walletId: r.id, chain: r.chain, source: r.source } })
  }
  return {
    id: r.id,
    name: r.name,
    chain: r.chain as Chain,
    address: r.address,
    publicKey: r.public_key,
    source: r.source as WalletSource,
    derivationPath: r.derivation_path,
    sealedKey: parseSealedKey(r),
    owner: r.owner,
    createdAt: r.created_at,
  }
}

function parseSealedKey(r: DbWallet): WalletRow['sealedKey'] {
  let v: unknown
  try {
    v = JSON.parse(r.sealed_key)
  } catch {
    v = undefined
  }
  if (typeof v === 'object' && v !== null && 'iv' in v && 'tag' in v && 'ct' in v) {
    const { iv, tag, ct } = v
    if (typeof iv === 'string' && typeof tag === 'string' && typeof ct === 'string') return { iv, tag, ct }
  }
  // Deliberately no cause: the parse error could quote the sealed key.
  throw new WaiaasError('DB_CORRUPT', 'A stored wallet has an unreadable sealed key', { details: { walletId: r.id } })
}

function notFound(ref: string): WaiaasError {
  return new WaiaasError('WALLET_NOT_FOUND', `No wallet with id or name "${ref}"`, { details: { wallet: ref } })
}

function nameTaken(name: string): WaiaasError {
  return new WaiaasError('WALLET_NAME_TAKEN', `A wallet named "${name}" already exists`, { details: { name } })
}

function duplicate(existing: WalletRow): WaiaasError {
  return new WaiaasError('WALLET_DUPLICATE', `This key is already in wallet "${existing.name}"`, {
    details: { walletId: existing.id, name: existing.name },
  })
}
