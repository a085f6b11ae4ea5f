/** The keystore: the master password, locking and unlocking. */
import { z } from 'zod'
import { def, password, type MethodDef } from './common.js'

export const kdfSummary = z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int() })

/** The `vault.*` methods. */
export const vaultMethods = {
  'vault.init': def({
    summary: 'Set the master password of a new data directory, or generate one into recovery.key (auto-provision).',
    role: 'public',
    input: z.object({ password: password.optional(), autoProvision: z.boolean().default(false) }),
    output: z.object({ initialized: z.literal(true), autoProvisioned: z.boolean(), recoveryKeyFile: z.string().nullable(), kdf: kdfSummary }),
    errors: ['ALREADY_INITIALIZED', 'INPUT_WEAK_PASSWORD', 'AUDIT_WRITE_FAILED'],
    transports: ['socket'],
  }),
  'vault.unlock': def({
    summary: 'Unlock the keystore with the master password so the daemon can sign.',
    role: 'public',
    input: z.object({ password }),
    output: z.object({ locked: z.literal(false) }),
    errors: ['NOT_INITIALIZED', 'AUTH_BAD_PASSWORD', 'AUTH_THROTTLED'],
    transports: ['socket', 'rest'],
  }),
  'vault.lock': def({
    summary: 'Lock the keystore: wipe the unlocked data key from memory. Anyone with socket access may lock.',
    role: 'public',
    input: z.object({}),
    output: z.object({ locked: z.literal(true) }),
    errors: ['NOT_INITIALIZED'],
    transports: ['socket', 'rest'],
  }),
  'vault.changePassword': def({
    summary: 'Change the master password: re-wraps the one data key under the new password; wallet keys are untouched.',
    role: 'operator',
    input: z.object({ newPassword: password }),
    output: z.object({ changed: z.literal(true), recoveryKeyRemoved: z.boolean(), kdf: kdfSummary }),
    errors: ['INPUT_WEAK_PASSWORD', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
    reauth: true,
  }),
} as const satisfies Record<`vault.${string}`, MethodDef>
