/** The key grant of an operator call, for the handlers that use the data key. */
import { WaiaasError } from '../lib/errors.js'
import type { Caller } from './context.js'
import type { KeyGrant } from './ports.js'

/** The key grant of an operator call; the server attaches one to every operator method before its handler runs. */
export function requireGrant(caller: Caller): KeyGrant {
  if (caller.grant === undefined) throw new WaiaasError('INTERNAL', 'Operator method called without a key grant')
  return caller.grant
}
