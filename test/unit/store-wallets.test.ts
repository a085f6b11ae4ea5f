import { describe, expect, it } from 'vitest'
import { useTempDb } from '../helpers/db.js'
import { WaiaasError } from '../../src/lib/errors.js'
import {
  countWallets,
  deleteWallet,
  findWallet,
  findWalletByAddress,
  insertWallet,
  listWallets,
  renameWallet,
  type WalletRow,
} from '../../src/daemon/store/wallets.js'

const t = useTempDb()

const EVM_ADDR = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
const SOL_ADDR = '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV'
let n = 0

function wallet(over: Partial<WalletRow> = {}): WalletRow {
  n += 1
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `w${n}`,
    chain: 'evm',
    address: EVM_ADDR,
    publicKey: '0x04abcd',
    source: 'generated',
    derivationPath: null,
    sealedKey: { iv: 'aXY=', tag: 'dGFn', ct: 'Y3Q=' },
    owner: null,
    createdAt: `2025-01-01T00:00:${String(n % 60).padStart(2, '0')}.000Z`,
    ...over,
  }
}

function catchErr(fn: () => unknown): WaiaasError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(WaiaasError)
    return err as WaiaasError
  }
  throw new Error('expected an error')
}

describe('wallets store', () => {
  it('inserts and finds a wallet by id and by name (case-insensitively), round-tripping every field', () => {
    const w = wallet({ name: 'Trading', source: 'mnemonic', derivationPath: "m/44'/60'/0'/0/0" })
    insertWallet(t.db, w)
    expect(findWallet(t.db, w.id)).toEqual(w)
    expect(findWallet(t.db, 'Trading')).toEqual(w)
    expect(findWallet(t.db, 'trading')).toEqual(w)
    expect(findWallet(t.db, 'TRADING').id).toBe(w.id)
  })

  it('treats names differing only in Unicode case or normalisation as one name', () => {
    insertWallet(t.db, wallet({ name: 'Ärger' }))
    const e1 = catchErr(() => insertWallet(t.db, wallet({ name: 'ärger', address: '0x' + '11'.repeat(20) })))
    expect(e1.code).toBe('WALLET_NAME_TAKEN')
    // "Ä" as A + combining diaeresis (NFD).
    const e2 = catchErr(() => insertWallet(t.db, wallet({ name: 'A\u0308rger', address: '0x' + '22'.repeat(20) })))
    expect(e2.code).toBe('WALLET_NAME_TAKEN')
    expect(findWallet(t.db, 'a\u0308RGER').name).toBe('Ärger')
  })

  it('refuses a name clash with WALLET_NAME_TAKEN naming the name', () => {
    insertWallet(t.db, wallet({ name: 'main' }))
    const err = catchErr(() => insertWallet(t.db, wallet({ name: 'MAIN', chain: 'solana', address: SOL_ADDR })))
    expect(err.code).toBe('WALLET_NAME_TAKEN')
    expect(err.details).toEqual({ name: 'MAIN' })
    expect(countWallets(t.db)).toBe(1)
  })

  it('refuses the same EVM address in another letter case with WALLET_DUPLICATE naming the existing wallet', () => {
    const first = wallet({ name: 'first' })
    insertWallet(t.db, first)
    const err = catchErr(() => insertWallet(t.db, wallet({ name: 'second', address: EVM_ADDR.toLowerCase() })))
    expect(err.code).toBe('WALLET_DUPLICATE')
    expect(err.details).toEqual({ walletId: first.id, name: 'first' })
    expect(JSON.stringify(err.details)).not.toContain(first.sealedKey.ct)
    expect(findWalletByAddress(t.db, 'evm', EVM_ADDR.toUpperCase().replace('0X', '0x'))?.id).toBe(first.id)
    // The same address on the other chain is a different wallet.
    expect(findWalletByAddress(t.db, 'solana', EVM_ADDR)).toBeUndefined()
  })

  it('keeps Solana addresses case-sensitive', () => {
    insertWallet(t.db, wallet({ chain: 'solana', address: SOL_ADDR }))
    expect(findWalletByAddress(t.db, 'solana', SOL_ADDR)).toBeDefined()
    expect(findWalletByAddress(t.db, 'solana', SOL_ADDR.toLowerCase())).toBeUndefined()
  })

  it('maps UNIQUE violations the explicit checks could not see (a racing writer) to the same errors', () => {
    // A temporary trigger plays a concurrent writer that slips a clashing row in between check and insert.
    const racer = (name: string, address: string): void => {
      t.db.exec(`DROP TRIGGER IF EXISTS temp.racer;
        CREATE TEMP TRIGGER racer BEFORE INSERT ON main.wallets WHEN NEW.id <> 'racer'
        BEGIN
          INSERT INTO wallets (id, name, name_key, chain, address, address_key, public_key, source, derivation_path, sealed_key, created_at)
          VALUES ('racer', '${name}', '${name.toLowerCase()}', 'evm', '${address}', '${address.toLowerCase()}', 'p', 'generated', NULL, '{"iv":"a","tag":"b","ct":"c"}', '2025');
        END;`)
    }
    racer('Racer', EVM_ADDR)
    const dup = catchErr(() => insertWallet(t.db, wallet({ name: 'mine' })))
    expect(dup.code).toBe('WALLET_DUPLICATE')
    // The racing row here is undone with the failed statement, so there is no existing wallet left to name.
    expect(dup.details).toEqual({})

    racer('Mine', '0x' + '99'.repeat(20))
    const taken = catchErr(() => insertWallet(t.db, wallet({ name: 'mine' })))
    expect(taken.code).toBe('WALLET_NAME_TAKEN')
    expect(taken.details).toEqual({ name: 'mine' })
    t.db.exec('DROP TRIGGER temp.racer')
    expect(countWallets(t.db)).toBe(0)
  })

  it('reports an unknown id or name as WALLET_NOT_FOUND', () => {
    const err = catchErr(() => findWallet(t.db, 'nope'))
    expect(err.code).toBe('WALLET_NOT_FOUND')
    expect(err.details).toEqual({ wallet: 'nope' })
    expect(catchErr(() => deleteWallet(t.db, 'nope')).code).toBe('WALLET_NOT_FOUND')
    expect(catchErr(() => renameWallet(t.db, 'nope', 'x')).code).toBe('WALLET_NOT_FOUND')
  })

  it('renames, allowing a change of case of its own name but not another wallet’s name', () => {
    const a = wallet({ name: 'alpha' })
    const b = wallet({ name: 'beta', chain: 'solana', address: SOL_ADDR })
    insertWallet(t.db, a)
    insertWallet(t.db, b)
    expect(renameWallet(t.db, a.id, 'gamma')).toEqual({ ...a, name: 'gamma' })
    expect(findWallet(t.db, 'gamma').id).toBe(a.id)
    expect(catchErr(() => findWallet(t.db, 'alpha')).code).toBe('WALLET_NOT_FOUND')
    expect(renameWallet(t.db, a.id, 'GAMMA').name).toBe('GAMMA')
    const err = catchErr(() => renameWallet(t.db, a.id, 'Beta'))
    expect(err.code).toBe('WALLET_NAME_TAKEN')
    expect(findWallet(t.db, a.id).name).toBe('GAMMA')
  })

  it('lists by creation time then id, filters by chain, deletes and counts', () => {
    const late = wallet({ name: 'late', createdAt: '2025-02-01T00:00:00.000Z', address: '0x' + '33'.repeat(20) })
    const early = wallet({ name: 'early', createdAt: '2025-01-01T00:00:00.000Z', address: '0x' + '44'.repeat(20) })
    const sol = wallet({ name: 'sol', chain: 'solana', address: SOL_ADDR, createdAt: '2025-01-15T00:00:00.000Z' })
    insertWallet(t.db, late)
    insertWallet(t.db, early)
    insertWallet(t.db, sol)
    expect(listWallets(t.db).map((w) => w.name)).toEqual(['early', 'sol', 'late'])
    expect(listWallets(t.db, { chain: 'evm' }).map((w) => w.name)).toEqual(['early', 'late'])
    expect(countWallets(t.db)).toBe(3)
    deleteWallet(t.db, sol.id)
    expect(countWallets(t.db)).toBe(2)
    expect(listWallets(t.db, { chain: 'solana' })).toEqual([])
    expect(catchErr(() => findWallet(t.db, sol.id)).code).toBe('WALLET_NOT_FOUND')
  })

  it('reports a corrupted sealed key as DB_CORRUPT without quoting it', () => {
    const w = wallet()
    insertWallet(t.db, w)
    t.db.prepare("UPDATE wallets SET sealed_key = 'SECRET-ISH{' WHERE id = ?").run(w.id)
    const err = catchErr(() => findWallet(t.db, w.id))
    expect(err.code).toBe('DB_CORRUPT')
    expect(JSON.stringify(err.toPayload())).not.toContain('SECRET-ISH')
    expect(err.cause).toBeUndefined()
  })
})
