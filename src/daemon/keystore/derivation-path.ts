/**
 * BIP-32 derivation paths as people write them (`m/44'/60'/0'/0/0`, with `'`, `h` or `H` for hardened), checked and
 * written back in the one spelling wallets show (apostrophes). Solana keys are ed25519, derived by SLIP-0010, which
 * has hardened indexes only; `none` names what solana-keygen does without a path (`solana-keygen new`, or `recover`
 * with a bare `prompt://`): no derivation at all, the BIP-39 seed's first 32 bytes are the key.
 */
import { WaiaasError } from '../../lib/errors.js'
import type { Chain } from './keys.js'

/** solana-keygen's default: no path, the seed's first 32 bytes (Solana only). */
export const NO_DERIVATION = 'none'

const HARDENED = 2 ** 31
const SEGMENT = /^(\d{1,10})(['hH]?)$/

/** The standard path of account `index`: EVM m/44'/60'/0'/0/i (MetaMask, Ledger Live), Solana m/44'/501'/i'/0' (Phantom). */
export function standardPath(chain: Chain, index: number): string {
  return chain === 'evm' ? `m/44'/60'/0'/0/${index}` : `m/44'/501'/${index}'/0'`
}

const invalid = (message: string, details: Record<string, unknown>, hint: string): WaiaasError =>
  new WaiaasError('INPUT_INVALID', message, { details: { field: 'derivationPath', ...details }, hint })

/**
 * `text` as a path for `chain`, in canonical spelling, or NO_DERIVATION. INPUT_INVALID (details.field derivationPath)
 * for anything else: a malformed path, an index of 2^31 or more, a non-hardened step on Solana, `none` on EVM.
 */
export function parseDerivationPath(chain: Chain, text: string): string {
  const trimmed = text.trim()
  if (trimmed.toLowerCase() === NO_DERIVATION) {
    if (chain === 'solana') return NO_DERIVATION
    throw invalid('An EVM key from a mnemonic always has a derivation path', { chain, reason: 'none-on-evm' }, `Omit --derivation-path for ${standardPath('evm', 0)}, or give another path.`)
  }
  const parts = trimmed.split('/')
  const malformed = (): WaiaasError =>
    invalid(
      "A derivation path is m followed by /-separated indexes, each with ' (or h) when hardened",
      { chain, reason: 'malformed' },
      `For example ${standardPath(chain, 0)}${chain === 'solana' ? ', or none for solana-keygen without a path' : ''}.`,
    )
  if (parts[0] !== 'm' && parts[0] !== 'M') throw malformed()
  const steps = parts.slice(1).map((p) => {
    const m = SEGMENT.exec(p)
    if (m === null) throw malformed()
    const index = Number(m[1])
    if (index >= HARDENED) {
      throw invalid(`Each index of a derivation path is below 2^31 (${HARDENED}); mark it hardened with '`, { chain, reason: 'index-range' }, `For example ${standardPath(chain, 0)}.`)
    }
    return { index, hardened: m[2] !== '' }
  })
  const canonical = ['m', ...steps.map((s) => `${s.index}${s.hardened ? "'" : ''}`)].join('/')
  if (chain === 'solana') {
    if (steps.length === 0) throw malformed()
    if (steps.some((s) => !s.hardened)) {
      const hardened = ['m', ...steps.map((s) => `${s.index}'`)].join('/')
      throw invalid(
        'Solana keys (ed25519, SLIP-0010) derive through hardened indexes only',
        { chain, reason: 'not-hardened', path: canonical },
        `Mark every index hardened: ${hardened}.`,
      )
    }
  }
  return canonical
}
