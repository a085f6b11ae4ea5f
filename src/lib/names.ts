import { WaiaasError } from './errors.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// Control characters (C0, DEL, C1) and Unicode line/paragraph separators and bidi overrides.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u

/**
 * Checks a wallet name: 1-64 characters, no path separators, no control characters, no surrounding spaces,
 * not "." or "..", and not shaped like an id (so a name can never shadow another wallet's id).
 * Throws INPUT_INVALID_NAME naming the rule that failed.
 */
export function assertWalletName(name: string): void {
  const fail = (why: string): never => {
    throw new WaiaasError('INPUT_INVALID_NAME', `Invalid wallet name: ${why}`, { details: { field: 'name', rule: why } })
  }
  if (name.length === 0 || [...name].length > 64) fail('it must be 1 to 64 characters')
  if (name !== name.trim()) fail('it must not start or end with spaces')
  if (CONTROL.test(name)) fail('it must not contain control characters')
  if (name.includes('/') || name.includes('\\')) fail('it must not contain path separators')
  if (name === '.' || name === '..') fail('it must not be "." or ".."')
  if (UUID.test(name)) fail('it must not look like a wallet id')
}
