/** Assertion helpers that return the WaiaasError a call throws, so tests assert on its code and details. */
import { WaiaasError } from '../../src/lib/errors.js'

/** The WaiaasError thrown by `fn`; fails the test if it returns or throws something else. */
export function catchErr(fn: () => unknown): WaiaasError {
  try {
    fn()
  } catch (err) {
    if (err instanceof WaiaasError) return err
    throw err
  }
  throw new Error('expected a WaiaasError, but nothing was thrown')
}

/** The WaiaasError a promise rejects with; fails the test if it resolves or rejects with something else. */
export async function catchAsync(p: Promise<unknown>): Promise<WaiaasError> {
  try {
    await p
  } catch (err) {
    if (err instanceof WaiaasError) return err
    throw err
  }
  throw new Error('expected a WaiaasError, but the promise resolved')
}
