import { readFileSync } from 'node:fs'

/** The waiaas package version; the CLI and the daemon compare it in the handshake. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version
