/** Wallets: create, import, export, list, show, rename, delete, and the owner who approves their requests. */
import { z } from 'zod'
import { def, password, walletRef, walletName, chainSchema, address, type MethodDef } from './common.js'
import { wallet } from './schemas.js'

/** The `wallet.*` methods. */
export const walletMethods = {
  'wallet.create': def({
    summary: 'Create a wallet with a new random key.',
    role: 'operator',
    input: z.object({ chain: chainSchema, name: walletName.optional() }),
    output: wallet,
    errors: ['INPUT_INVALID_NAME', 'WALLET_NAME_TAKEN', 'OWNER_HELD_BY_DAEMON', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'wallet.import': def({
    summary:
      'Import a wallet from a private key (EVM hex; Solana base58 as Phantom exports it, or keypair JSON), keystore v3, ' +
      "Solana keypair file, or BIP-39 mnemonic with an optional passphrase on the standard path of account `index` or on " +
      "`derivationPath` (Solana `none`: solana-keygen's default, the seed's first 32 bytes).",
    role: 'operator',
    input: z.object({
      chain: chainSchema,
      format: z.enum(['private-key', 'keystore', 'mnemonic', 'keypair']),
      secret: z.string().min(1).max(64 * 1024),
      keystorePassword: password.optional(),
      index: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      /** Mnemonic only: a BIP-32 path instead of account `index`'s standard one, or `none` (Solana). */
      derivationPath: z.string().min(1).max(256).optional(),
      /** Mnemonic only: the BIP-39 passphrase. */
      passphrase: z.string().min(1).max(1024).optional(),
      name: walletName.optional(),
    }),
    output: wallet,
    errors: ['INPUT_INVALID', 'INPUT_INVALID_KEY_FILE', 'INPUT_INVALID_NAME', 'WALLET_NAME_TAKEN', 'WALLET_DUPLICATE', 'AUTH_BAD_PASSWORD', 'OWNER_HELD_BY_DAEMON', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
    cliOnly: true,
  }),
  'wallet.export': def({
    summary: 'Export a private key: EVM as keystore v3 (scrypt) under exportPassword, Solana as a keypair JSON. Audited.',
    role: 'operator',
    input: z.object({ wallet: walletRef, exportPassword: password.optional() }),
    output: z.object({ wallet, format: z.enum(['keystore-v3', 'solana-keypair']), content: z.string() }),
    errors: ['WALLET_NOT_FOUND', 'INPUT_WEAK_PASSWORD', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
    cliOnly: true,
  }),
  'wallet.list': def({
    summary: 'List wallets.',
    role: 'public',
    input: z.object({ chain: chainSchema.optional().describe('Only the wallets of this chain') }),
    output: z.object({ wallets: z.array(wallet) }),
    errors: [],
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'wallet.show': def({
    summary: 'Show one wallet by id or name.',
    role: 'public',
    input: z.object({ wallet: walletRef }),
    output: wallet,
    errors: ['WALLET_NOT_FOUND'],
    session: { permission: 'read', wallet: 'param' },
    readOnly: true,
  }),
  'wallet.rename': def({
    summary: 'Rename a wallet.',
    role: 'operator',
    input: z.object({ wallet: walletRef, name: walletName }),
    output: wallet,
    errors: ['WALLET_NOT_FOUND', 'INPUT_INVALID_NAME', 'WALLET_NAME_TAKEN', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'wallet.delete': def({
    summary: 'Delete a wallet and its encrypted key. Irreversible without an export or backup.',
    role: 'operator',
    input: z.object({ wallet: walletRef }),
    output: z.object({ deleted: wallet }),
    errors: ['WALLET_NOT_FOUND', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'wallet.setOwner': def({
    summary: "Set (or clear, with null) the wallet's owner address, whose signature may approve or reject its requests. The owner is never a key this daemon holds (OWNER_HELD_BY_DAEMON).",
    role: 'operator',
    input: z.object({ wallet: walletRef, owner: address.nullable() }),
    output: wallet,
    errors: ['WALLET_NOT_FOUND', 'INPUT_INVALID_ADDRESS', 'OWNER_HELD_BY_DAEMON', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
} as const satisfies Record<`wallet.${string}`, MethodDef>
