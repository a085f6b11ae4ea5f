/**
 * The local Solana chain kept on disk, so it outlives the process that runs it (litesvm lives in memory). Two files:
 * a snapshot (the accounts transactions touched, the slot counter and blockhash queue, the newest part of the ledger)
 * and a journal beside it, one line per change since the snapshot: each landed transaction with the accounts it left,
 * each new block. A line is appended before sendTransaction answers, so a crash loses no transaction the RPC took;
 * appending costs the same however large the chain is. The snapshot is rewritten (and the journal emptied) at start,
 * at stop and every JOURNAL_LIMIT lines. Programs and sysvars that litesvm itself provides are not kept: a fresh
 * chain has them. The genesis hash is a constant, so a restored chain is the same chain to its clients.
 */
import fs from 'node:fs'
import { openPrivateForAppend, writeFileAtomic } from '../../lib/paths.js'
import type { LocalChain } from './chain.js'
import type { TxRecord } from './history.js'
import { asAddress, parseWireTx } from './wire.js'

/** The newest transactions kept in the snapshot; older ones are dropped from it (balances are all kept). */
export const SNAPSHOT_HISTORY = 2000
/** Journal lines after which the snapshot is rewritten. */
export const JOURNAL_LIMIT = 1000
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

/** One journal line: a landed transaction and the accounts as it left them, or a new block. */
type JournalLine = { tx: SavedRecord; accounts: SavedAccount[] } | { block: [hash: string, slot: number] }

function savedAccount(chain: LocalChain, address: string): SavedAccount | undefined {
  const a = chain.svm.getAccount(asAddress(address))
  if (a.exists && a.programAddress === SYSVAR_OWNER) return undefined
  if (!a.exists) return { address, lamports: '0', data: '', owner: '11111111111111111111111111111111', executable: false }
  return { address, lamports: String(a.lamports), data: Buffer.from(a.data as unknown as Uint8Array).toString('base64'), owner: a.programAddress, executable: a.executable }
}

const savedRecord = ({ wire, ...rest }: TxRecord): SavedRecord => ({ ...rest, raw: Buffer.from(wire.raw).toString('base64') })

/** The chain as it is now. */
export function takeSnapshot(chain: LocalChain): ChainSnapshot {
  const accounts: SavedAccount[] = []
  for (const address of chain.touched) {
    const a = savedAccount(chain, address)
    if (a !== undefined && a.lamports !== '0') accounts.push(a)
  }
  const { slot, blockhashes } = chain.clockState()
  return { format: 1, genesisHash: chain.genesisHash, slot, blockhashes, accounts, history: chain.history.recent(SNAPSHOT_HISTORY).map(savedRecord) }
}

function putAccount(chain: LocalChain, a: SavedAccount): void {
  const existing = chain.svm.getAccount(asAddress(a.address))
  if (existing.exists && existing.executable) return // a builtin or preloaded program: keep the chain's own
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

function putRecord(chain: LocalChain, { raw, ...rest }: SavedRecord): void {
  if (chain.history.get(rest.signature) !== undefined) return
  chain.history.add({ ...rest, wire: parseWireTx(new Uint8Array(Buffer.from(raw, 'base64'))) })
}

function isSnapshot(v: unknown, genesisHash: string): v is ChainSnapshot {
  const s = v as Partial<ChainSnapshot> | null
  return (
    typeof s === 'object' && s !== null && s.format === 1 && s.genesisHash === genesisHash && Number.isSafeInteger(s.slot) &&
    Array.isArray(s.blockhashes) && Array.isArray(s.accounts) && Array.isArray(s.history)
  )
}

/** Where a chain is kept, and the journal that follows it. */
export class ChainStore {
  readonly journalFile: string
  private fd: number | undefined
  private lines = 0

  constructor(readonly snapshotFile: string) {
    this.journalFile = `${snapshotFile}.journal`
  }

  /**
   * Puts what is kept into a fresh `chain`, writing nothing: `new` when nothing is kept, `restored`, or `reset` when
   * the files are not ours (torn, edited, another chain): then `chain` must be replaced by a new one (it may hold half
   * of them), and `open` moves the files aside. A torn last journal line (a crash mid-write) is dropped, nothing else.
   */
  load(chain: LocalChain): 'new' | 'restored' | 'reset' {
    const snapText = readIfThere(this.snapshotFile)
    const journalText = readIfThere(this.journalFile)
    if (snapText === undefined && journalText === undefined) return 'new'
    try {
      let slot = 0
      const blockhashes = new Map<string, number>()
      if (snapText !== undefined) {
        const snap: unknown = JSON.parse(snapText)
        if (!isSnapshot(snap, chain.genesisHash)) throw new Error('not a snapshot of this chain')
        for (const a of snap.accounts) putAccount(chain, a)
        for (const r of snap.history) putRecord(chain, r)
        slot = snap.slot
        for (const [hash, at] of snap.blockhashes) blockhashes.set(hash, at)
      }
      const lines = (journalText ?? '').split('\n').filter((l) => l !== '')
      lines.forEach((text, i) => {
        let line: JournalLine
        try {
          line = JSON.parse(text) as JournalLine
        } catch (err) {
          if (i === lines.length - 1 && !(journalText ?? '').endsWith('\n')) return // torn by a crash mid-write
          throw err
        }
        if ('block' in line) {
          blockhashes.set(line.block[0], line.block[1])
          slot = Math.max(slot, line.block[1])
        } else {
          for (const a of line.accounts) putAccount(chain, a)
          putRecord(chain, line.tx)
          slot = Math.max(slot, line.tx.slot)
        }
      })
      chain.resumeClock(slot, [...blockhashes])
      return 'restored'
    } catch {
      return 'reset'
    }
  }

  /**
   * Takes charge of the files for `chain` once the node is up (a node that fails to start must leave them as they
   * were): files that could not be read (`reset`) are moved aside as `*.unreadable`, the snapshot is rewritten from
   * the chain, and every change is journaled from then on.
   */
  open(chain: LocalChain, loaded: 'new' | 'restored' | 'reset', onError: (err: unknown) => void): void {
    if (loaded === 'reset') for (const f of [this.snapshotFile, this.journalFile]) if (fs.existsSync(f)) fs.renameSync(f, `${f}.unreadable`)
    this.compact(chain)
    this.follow(chain, onError)
  }

  /** Rewrites the snapshot from the chain as it is and starts an empty journal. */
  compact(chain: LocalChain): void {
    writeFileAtomic(this.snapshotFile, JSON.stringify(takeSnapshot(chain)), { mode: 0o600, overwrite: true })
    if (this.fd !== undefined) fs.closeSync(this.fd)
    this.fd = undefined
    fs.rmSync(this.journalFile, { force: true }) // after the snapshot holds everything the journal said
    this.fd = openPrivateForAppend(this.journalFile)
    this.lines = 0
  }

  /**
   * Journals every change of `chain` from now on (a landed transaction, a new block), before any other listener
   * (subscriptions) hears of it.
   */
  private follow(chain: LocalChain, onError: (err: unknown) => void): void {
    const append = (line: JournalLine): void => {
      try {
        if (this.fd === undefined) return
        fs.writeSync(this.fd, `${JSON.stringify(line)}\n`)
        if (++this.lines >= JOURNAL_LIMIT) this.compact(chain)
      } catch (err) {
        onError(err) // the chain goes on in memory; its sender still gets its answer
      }
    }
    chain.prependListener('slot', (slot) => {
      const { blockhash } = chain.latestBlockhash()
      append({ block: [blockhash, slot] })
    })
    chain.prependListener('landed', (rec) => {
      const accounts = chain.loadedKeys(rec.wire).flatMap((k) => savedAccount(chain, k) ?? [])
      append({ tx: savedRecord(rec), accounts })
    })
  }

  /** Writes the final snapshot and lets go of the journal. */
  close(chain: LocalChain): void {
    this.compact(chain)
    if (this.fd !== undefined) fs.closeSync(this.fd)
    this.fd = undefined
  }
}

function readIfThere(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
