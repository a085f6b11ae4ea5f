import { PACKAGE } from './package.js'

/** The waiaas package version; the CLI and the daemon compare it in the handshake. */
export const VERSION: string = PACKAGE.version
