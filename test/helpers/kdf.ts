/**
 * The suite runs with a cheap master-password KDF (vitest.config.ts sets WAIAAS_TEST_HOOKS=1 and WAIAAS_TEST_KDF=fast;
 * see src/daemon/keystore/kdf.ts). `productionKdf()` turns it off for the enclosing describe block (or file), for the
 * tests that assert the production cost. Files in a worker run one at a time, so the swap cannot leak into another.
 */
import { afterAll, beforeAll } from 'vitest'

export function productionKdf(): void {
  let saved: string | undefined
  beforeAll(() => {
    saved = process.env.WAIAAS_TEST_KDF
    delete process.env.WAIAAS_TEST_KDF
  })
  afterAll(() => {
    if (saved !== undefined) process.env.WAIAAS_TEST_KDF = saved
  })
}
