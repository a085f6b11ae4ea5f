/**
 * @solana/spl-token, loaded on first use. Its ESM build is about 130 files and 300 ms of CPU at start-up, paid by
 * every daemon (and every spawned one in the tests) though most never touch a token; the code that builds, decodes or
 * reads token instructions and accounts is async anyway and awaits `splToken()` first.
 *
 * The three program ids are constants of the chain; they are written here so that code which only compares owners
 * (the monitor's scan, the decoder's dispatch) does not load the library. A unit test checks them against it.
 */
import { PublicKey } from '@solana/web3.js'

export type SplToken = typeof import('@solana/spl-token')

let loading: Promise<SplToken> | undefined

/** @solana/spl-token, imported once per process. */
export function splToken(): Promise<SplToken> {
  loading ??= import('@solana/spl-token')
  return loading
}

export const TOKEN_PROGRAM_ID = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA')
export const TOKEN_2022_PROGRAM_ID = new PublicKey('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb')
export const ASSOCIATED_TOKEN_PROGRAM_ID = new PublicKey('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL')

/** SPL Token and Token-2022, in that order. */
export const TOKEN_PROGRAMS = [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID] as const

export const isTokenProgram = (owner: PublicKey): boolean => TOKEN_PROGRAMS.some((p) => p.equals(owner))
