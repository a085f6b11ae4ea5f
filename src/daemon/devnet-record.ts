/**
 * What the devnet leaves in `<data dir>/devnet/` so that it outlives the daemon that runs it: `devnet.json` (the anvil
 * it started, by pid and start time; both chains' ports, test tokens and epochs), anvil's state file and log, and the
 * Solana chain's snapshot. The record exists while the devnet is wanted: from `devnet start` until `devnet stop`,
 * through any stop or crash of the daemon in between, so the next daemon resumes the same chains.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { writeSecretFile } from '../lib/paths.js'

/**
 * One chain's identity across restarts: a new epoch means a new chain (the first start, after `devnet stop`, or when
 * its state was lost), so whatever was learnt about the old one (scan cursors, test tokens) no longer holds.
 */
export const newEpoch = (): string => randomUUID()

export interface DevnetRecord {
  format: 1
  evm: { pid: number; startTime: string; port: number; chainId: number; epoch: string; testToken: string | null }
  solana: { port: number; epoch: string; testToken: string | null }
}

export interface DevnetFiles {
  dir: string
  record: string
  anvilState: string
  anvilLog: string
  solanaState: string
}

export function devnetFiles(dir: string): DevnetFiles {
  return {
    dir,
    record: path.join(dir, 'devnet.json'),
    anvilState: path.join(dir, 'anvil-state.json'),
    anvilLog: path.join(dir, 'anvil.log'),
    solanaState: path.join(dir, 'solana-state.json'),
  }
}

/** The record, or undefined when there is none or it is not one (a torn or foreign file is no record). */
export function readRecord(files: DevnetFiles): DevnetRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(files.record, 'utf8')) as Partial<DevnetRecord>
    const evmOk = typeof r.evm === 'object' && r.evm !== null && Number.isSafeInteger(r.evm.pid) && typeof r.evm.startTime === 'string' && Number.isSafeInteger(r.evm.port) && typeof r.evm.epoch === 'string'
    const solOk = typeof r.solana === 'object' && r.solana !== null && Number.isSafeInteger(r.solana.port) && typeof r.solana.epoch === 'string'
    return r.format === 1 && evmOk && solOk ? (r as DevnetRecord) : undefined
  } catch {
    return undefined
  }
}

export function writeRecord(files: DevnetFiles, rec: DevnetRecord): void {
  writeSecretFile(files.record, `${JSON.stringify(rec, null, 2)}\n`, { overwrite: true })
}

/** Forgets the devnet: its record and both chains' state (`devnet stop` discards them). Keeps anvil's log. */
export function removeDevnetState(files: DevnetFiles): void {
  const state = [files.anvilState, files.solanaState, `${files.solanaState}.journal`]
  for (const f of [files.record, ...state, ...state.map((f) => `${f}.unreadable`)]) fs.rmSync(f, { force: true })
}
