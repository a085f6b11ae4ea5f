import { randomUUID } from 'node:crypto'
import type { Input, Wallet } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertWalletName } from '../../lib/names.js'
import { assertNotAnOwner, assertOwnerOutside } from '../approval/owner-rule.js'
import type { Caller, DaemonContext, Handler } from '../context.js'
import { requireGrant } from '../grant.js'
import { assertStrongPassword } from '../keyring.js'
import { wipe } from '../keystore/aead.js'
import {
  generateKey,
  keyFromKeystoreV3,
  keyFromMnemonic,
  keyFromPrivateKeyText,
  keyFromSolanaSecret,
  keyToKeystoreV3,
  keyToSolanaKeypairJson,
  type KeyMaterial,
} from '../keystore/keys.js'
import { openPrivateKey, sealPrivateKey } from '../keystore/vault.js'
import { readStarts } from '../monitor/watch-start.js'
import { appendAudit } from '../store/audit.js'
import { recordStarts } from '../store/incoming.js'
import { assertAddressShape } from '../../lib/address.js'
import { dropPolicyCache, removeWalletPolicies } from '../store/policies.js'
import { deleteWallet, findWallet, insertWallet, listWallets, renameWallet, setWalletOwner, type WalletRow } from '../store/wallets.js'
import { toWallet } from '../wallet-view.js'

function defaultName(km: KeyMaterial): string {
  const tag = km.chain === 'evm' ? km.address.slice(2, 8).toLowerCase() : km.address.slice(0, 6)
  return `${km.chain}-${tag}`
}

/**
 * Where the monitor starts watching a wallet of `chain` that is about to exist: each watched network's head now, read
 * before the wallet's address is known to anyone, so its first deposit is found however soon it comes.
 */
function watchStarts(ctx: DaemonContext, chain: WalletRow['chain']): Promise<Map<string, string>> {
  return readStarts(ctx, ctx.monitor.networksFor(chain))
}

/**
 * Seals a new key under the data key and stores it with its audit entry and where its watching starts (`starts`, by
 * network) in one transaction. Names are checked by the caller.
 */
function store(
  ctx: DaemonContext,
  caller: Caller,
  km: KeyMaterial,
  source: WalletRow['source'],
  name: string | undefined,
  action: string,
  starts: Map<string, string>,
): Wallet {
  const grant = requireGrant(caller)
  const id = randomUUID()
  const row: WalletRow = {
    id,
    name: name ?? defaultName(km),
    chain: km.chain,
    address: km.address,
    publicKey: km.publicKey,
    source,
    derivationPath: km.derivationPath ?? null,
    sealedKey: sealPrivateKey(grant.dataKey, id, km.address, km.privateKey),
    owner: null,
    createdAt: new Date().toISOString(),
  }
  wipe(km.privateKey)
  ctx.db.transaction(() => {
    assertNotAnOwner(ctx.db, row.chain, row.address)
    insertWallet(ctx.db, row)
    recordStarts(ctx.db, [...starts].map(([network, position]) => ({ walletId: id, network, position })))
    appendAudit(ctx.db, { actor: caller.actor, action, target: id, outcome: 'ok', details: { name: row.name, chain: row.chain, address: row.address, source } })
  })()
  ctx.log.info(action, { wallet: id, chain: row.chain })
  return toWallet(row)
}

export const create: Handler<'wallet.create'> = async (ctx, params, caller) => {
  if (params.name !== undefined) assertWalletName(params.name)
  const starts = await watchStarts(ctx, params.chain)
  return store(ctx, caller, generateKey(params.chain), 'generated', params.name, 'wallet.create', starts)
}

const importWallet: Handler<'wallet.import'> = async (ctx, params, caller) => {
  // Checked before the (slow) key decoding, so a bad name fails fast.
  if (params.name !== undefined) assertWalletName(params.name)
  const { chain, format } = params
  assertMnemonicOptions(params)
  const starts = await watchStarts(ctx, chain)
  let km: KeyMaterial
  if (format === 'mnemonic') km = keyFromMnemonic(chain, params.secret, params.index, { derivationPath: params.derivationPath, passphrase: params.passphrase })
  else if (chain === 'evm' && format === 'private-key') km = keyFromPrivateKeyText(params.secret)
  else if (chain === 'evm' && format === 'keystore') {
    if (params.keystorePassword === undefined) {
      throw new WaiaasError('INPUT_INVALID', 'A keystore import needs the keystore password', { details: { field: 'keystorePassword' } })
    }
    km = await keyFromKeystoreV3(params.secret, params.keystorePassword)
  } else if (chain === 'solana' && (format === 'keypair' || format === 'private-key')) km = keyFromSolanaSecret(params.secret)
  else {
    throw new WaiaasError('INPUT_INVALID', `Format ${format} is not available for ${chain} wallets`, {
      details: { field: 'format', chain, format, allowed: chain === 'evm' ? ['private-key', 'keystore', 'mnemonic'] : ['private-key', 'keypair', 'mnemonic'] },
    })
  }
  return store(ctx, caller, km, format, params.name, 'wallet.import', starts)
}

/** A passphrase and a path belong to a mnemonic; a path replaces the account index rather than joining it. */
function assertMnemonicOptions(params: Input<'wallet.import'>): void {
  for (const field of ['derivationPath', 'passphrase'] as const) {
    if (params[field] !== undefined && params.format !== 'mnemonic') {
      throw new WaiaasError('INPUT_INVALID', `${field} applies to a mnemonic import only, not to format ${params.format}`, { details: { field, format: params.format } })
    }
  }
  if (params.derivationPath !== undefined && params.index !== 0) {
    throw new WaiaasError('INPUT_INVALID', 'Give an account index or a derivation path, not both: the path names the account itself', {
      details: { field: 'index', conflictsWith: 'derivationPath' },
    })
  }
}

const exportWallet: Handler<'wallet.export'> = async (ctx, params, caller) => {
  const row = findWallet(ctx.db, params.wallet)
  if (row.chain === 'evm') {
    if (params.exportPassword === undefined) {
      throw new WaiaasError('INPUT_INVALID', 'An EVM export is a keystore file and needs a password to encrypt it', { details: { field: 'exportPassword' } })
    }
    assertStrongPassword(params.exportPassword, 'exportPassword')
  }
  const privateKey = openPrivateKey(requireGrant(caller).dataKey, row.id, row.address, row.sealedKey)
  try {
    const km: KeyMaterial = { chain: row.chain, privateKey, address: row.address, publicKey: row.publicKey }
    // Audit before the key leaves: if the entry cannot be written, nothing is exported.
    appendAudit(ctx.db, { actor: caller.actor, action: 'wallet.export', target: row.id, outcome: 'ok', details: { name: row.name, chain: row.chain, address: row.address } })
    ctx.log.info('wallet.export', { wallet: row.id })
    if (row.chain === 'evm') {
      return { wallet: toWallet(row), format: 'keystore-v3', content: await keyToKeystoreV3(km, params.exportPassword ?? '') }
    }
    return { wallet: toWallet(row), format: 'solana-keypair', content: keyToSolanaKeypairJson(km) }
  } finally {
    wipe(privateKey)
  }
}

export const list: Handler<'wallet.list'> = (ctx, params, caller) => ({
  wallets: listWallets(ctx.db, params.chain === undefined ? {} : { chain: params.chain })
    .filter((w) => caller.session === undefined || caller.session.walletIds.includes(w.id))
    .map(toWallet),
})

export const show: Handler<'wallet.show'> = (ctx, params) => toWallet(findWallet(ctx.db, params.wallet))

export const rename: Handler<'wallet.rename'> = (ctx, params, caller) => {
  assertWalletName(params.name)
  return ctx.db.transaction(() => {
    const row = findWallet(ctx.db, params.wallet)
    const renamed = renameWallet(ctx.db, row.id, params.name)
    appendAudit(ctx.db, { actor: caller.actor, action: 'wallet.rename', target: row.id, outcome: 'ok', details: { from: row.name, to: params.name } })
    return toWallet(renamed)
  })()
}

const remove: Handler<'wallet.delete'> = (ctx, params, caller) => {
  try {
    return removeInTransaction(ctx, params.wallet, caller.actor)
  } finally {
    dropPolicyCache(ctx.db)
  }
}

function removeInTransaction(ctx: DaemonContext, ref: string, actor: string): { deleted: Wallet } {
  const caller = { actor }
  return ctx.db.transaction(() => {
    const row = findWallet(ctx.db, ref)
    // Its policies go with it (their history stays, for the decisions that name them).
    removeWalletPolicies(ctx.db, caller.actor, row.id)
    deleteWallet(ctx.db, row.id)
    ctx.pipeline.forgetKey(row.id)
    appendAudit(ctx.db, { actor: caller.actor, action: 'wallet.delete', target: row.id, outcome: 'ok', details: { name: row.name, chain: row.chain, address: row.address } })
    ctx.log.info('wallet.delete', { wallet: row.id })
    return { deleted: toWallet(row) }
  })()
}

export const setOwner: Handler<'wallet.setOwner'> = async (ctx, params, caller) => {
  const row = findWallet(ctx.db, params.wallet)
  let owner: string | null = null
  if (params.owner !== null) {
    if (row.chain === 'evm') {
      const { assertAddress } = await import('../chains/evm/intent.js')
      owner = assertAddress(params.owner, 'owner')
    } else {
      const { PublicKey } = await import('@solana/web3.js')
      assertAddressShape('solana', params.owner, 'owner')
      try {
        owner = new PublicKey(params.owner).toBase58()
      } catch {
        assertAddressShape('solana', '', 'owner')
      }
    }
  }
  return ctx.db.transaction(() => {
    if (owner !== null) assertOwnerOutside(ctx.db, row.chain, owner)
    const updated = setWalletOwner(ctx.db, row.id, owner)
    appendAudit(ctx.db, { actor: caller.actor, action: 'wallet.setOwner', target: row.id, outcome: 'ok', details: { owner } })
    return toWallet(updated)
  })()
}

// `import`, `export` and `delete` are reserved words: declared under other names, exported under the verb.
export { exportWallet as export, importWallet as import, remove as delete }
