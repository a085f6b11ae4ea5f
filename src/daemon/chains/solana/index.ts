/** The Solana chain family: the adapter and the helpers the CLI and the pipeline use. */
export { SolanaAdapter, createSolanaAdapter, type SolanaAdapterOptions } from './adapter.js'
export { SolanaRpc, createConnection, type SolanaRpcOptions } from './connection.js'
export { SolanaTxFailure, boundLogs, isAlreadyProcessed, redactUrls, toSolanaError } from './errors.js'
export { prepareSolanaTx, solanaUnsigned, withMargin, type PrepareOptions, type SolanaUnsigned } from './prepare.js'
export { addressOfKey, addressOfSeed, ed25519KeyObject, signBytes, signMessageBytes } from './signing.js'
export { blockhashExpired, readStatus, type StatusOptions } from './status.js'
export { TOKEN_PROGRAMS } from './spl.js'
export { ataSize, listTokenBalances, planTokenTransfer, readMint, readTokenBalance, shortSymbol, type MintInfo } from './tokens.js'
