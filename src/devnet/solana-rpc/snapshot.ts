/**
 * The local Solana chain kept in a file, so it outlives the process that runs it (litesvm lives in memory): the
 * accounts that landed transactions touched, the slot counter and blockhash queue, and the newest part of the ledger.
 * Programs and sysvars that litesvm itself provides are not kept: a fresh chain has them. The genesis hash is a
 * constant, so a restored chain is the same chain to its clients.
 */
import fs from 'node:fs'
import { writeFileAtomic } from '../../lib/paths.js'
import type { LocalChain } from './chain.js'
import type { TxRecord } from './history.js'
import { asAddress, parseWireTx } from './wire.js'

/** The newest transactions kept in the file; older ones are dropped from the snapshot (balances are all kept). */
export const SNAPSHOT_HISTORY = 2000
const SYSVAR_OWNER = 'Sysvar1111111111111111111111111111111111111'

interface SavedAccount {
  address: string
  lamports: string
  data: string
  owner: string
  executable: boolean
}

type SavedRecord = Omit<TxRecord, 'wire'> & { raw: string }

export interface ChainSnapshot {
  format: 1
  genesisHash: string
  slot: number
  blockhashes: [string, number][]
  accounts: SavedAccount[]
  history: SavedRecord[]
}

/** The chain as it is now. */
export function takeSnapshot(chain: LocalChain): ChainSnapshot {
  const accounts: SavedAccount[] = []
  for (const address of chain.touched) {
    const a = chain.svm.getAccount(asAddress(address))
    if (!a.exists || a.programAddress === SYSVAR_OWNER) continue
    accounts.push({ address, lamports: String(a.lamports), data: Buffer.from(a.data as unknown as Uint8Array).toString('base64'), owner: a.programAddress, executable: a.executable })
  }
  const history = chain.history
    .recent(SNAPSHOT_HISTORY)
    .map(({ wire, ...rest }) => ({ ...rest, raw: Buffer.from(wire.raw).toString('base64') }))
  const { slot, blockhashes } = chain.clockState()
  return { format: 1, genesisHash: chain.genesisHash, slot, blockhashes, accounts, history }
}

/** Puts a snapshot into a fresh chain: its accounts (not the programs the chain already has), ledger and clock. */
export function restoreSnapshot(chain: LocalChain, snap: ChainSnapshot): void {
  for (const a of snap.accounts) {
    const existing = chain.svm.getAccount(asAddress(a.address))
    if (existing.exists && existing.executable) continue // a builtin or preloaded program: keep the chain's own
    chain.svm.setAccount({
      address: asAddress(a.address),
      lamports: BigInt(a.lamports),
      data: new Uint8Array(Buffer.from(a.data, 'base64')),
      programAddress: asAddress(a.owner),
      executable: a.executable,
      space: BigInt(Buffer.byteLength(a.data, 'base64')),
    } as unknown as Parameters<LocalChain['svm']['setAccount']>[0])
    chain.touched.add(a.address)
  }
  for (const { raw, ...rest } of snap.history) chain.history.add({ ...rest, wire: parseWireTx(new Uint8Array(Buffer.from(raw, 'base64'))) })
  chain.resumeClock(snap.slot, snap.blockhashes)
}

/** Writes the snapshot (0600, atomically: a crash leaves the previous one or this one, never half). */
export function writeSnapshot(file: string, snap: ChainSnapshot): void {
  writeFileAtomic(file, JSON.stringify(snap), { mode: 0o600, overwrite: true })
}

/**
 * Reads a snapshot file: `missing` when there is none, `unreadable` when it is not one of ours (torn, edited, another
 * chain), else the snapshot.
 */
export function readSnapshot(file: string, genesisHash: string): { kind: 'missing' } | { kind: 'unreadable' } | { kind: 'ok'; snap: ChainSnapshot } {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable' }
  }
  try {
    const snap = JSON.parse(text) as Partial<ChainSnapshot>
    const ok =
      snap.format === 1 &&
      snap.genesisHash === genesisHash &&
      Number.isSafeInteger(snap.slot) &&
      Array.isArray(snap.blockhashes) &&
      Array.isArray(snap.accounts) &&
      Array.isArray(snap.history)
    return ok ? { kind: 'ok', snap: snap as ChainSnapshot } : { kind: 'unreadable' }
  } catch {
    return { kind: 'unreadable' }
  }
}
