/**
 * The local playground, hosted by the daemon: anvil as a child process and the litesvm-backed Solana RPC in this
 * process, on loopback, with `evm-local` and `solana-local` pointed at them. Both chains keep their state in
 * `<data dir>/devnet/` (anvil's state file, the Solana snapshot) from `devnet start` until `devnet stop`: a daemon
 * that stops or crashes with the devnet running resumes it at its next start, adopting the anvil it left running
 * (checked by pid, start time and command line) or starting one on the saved state. Heavy modules load only when the
 * devnet starts.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { WaiaasError } from '../lib/errors.js'
import { EVM_LOCAL_ID, SOLANA_LOCAL_ID } from '../lib/networks.js'
import { ensurePrivateDir } from '../lib/paths.js'
import { processAlive } from '../lib/process.js'
import type { AnvilHandle } from '../devnet/anvil.js'
import type { SolanaRpcHandle } from '../devnet/solana-rpc/server.js'
import { devnetFiles, newEpoch, readRecord, removeDevnetState, writeRecord, type DevnetFiles, type DevnetRecord } from './devnet-record.js'
import type { Logger } from './log.js'
import type { ChainState, DevnetInfo, DevnetPort, FundResult } from './ports.js'
import type { Db } from './store/db.js'
import { forgetDevnetBatcher, placeDevnetBatcher } from './devnet-batcher.js'
import { setNetworkSetting } from './store/network-settings.js'

/** anvil's first dev account ("test test … junk", index 0): a public test key that anvil funds, never a real one. */
const ANVIL_DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
/** The Solana test token's mint authority: a public test key too, derived from a fixed seed, so it needs no storing. */
const MINT_AUTHORITY_SEED = createHash('sha256').update('waiaas devnet test-token mint authority').digest()
const TOKEN_SUPPLY = 10n ** 15n * 10n ** 6n
const PREFERRED = { evm: 8545, solana: 8899 }
/** How often anvil writes its state file; a daemon crash loses nothing (anvil runs on), an anvil crash at most this. */
const ANVIL_STATE_INTERVAL_SECONDS = 5

export type { ChainState, DevnetInfo, FundResult } from './ports.js'

interface Running {
  anvil: AnvilHandle
  solana: SolanaRpcHandle
  record: DevnetRecord
  states: { evm: ChainState; solana: ChainState }
}

/** Runs `start` on the preferred port, and on any free port if that fails (taken, or a race lost). */
async function onPreferredPort<T>(start: (port?: number) => Promise<T>, preferred: number): Promise<T> {
  try {
    return await start(preferred)
  } catch {
    return start(undefined)
  }
}

/**
 * Polls for a receipt: ethers' own wait() can miss a block that anvil automines between two of its reads and then
 * wait forever.
 */
async function receipt(provider: import('ethers').JsonRpcProvider, hash: string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const r = await provider.getTransactionReceipt(hash)
    if (r !== null) {
      if (r.status !== 1) throw new WaiaasError('CHAIN_REVERTED', `devnet transaction ${hash} reverted`, { details: { hash } })
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new WaiaasError('CHAIN_RPC_UNREACHABLE', `devnet transaction ${hash} was not mined within 20 s`, { details: { hash } })
}

export class Devnet implements DevnetPort {
  private running: Running | undefined
  private starting: Promise<DevnetInfo> | undefined
  private readonly files: DevnetFiles

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    dir: string,
  ) {
    this.files = devnetFiles(dir)
  }

  info(): DevnetInfo {
    const r = this.running
    if (r === undefined) return { running: false, evm: null, solana: null }
    return {
      running: true,
      evm: { network: EVM_LOCAL_ID, url: r.anvil.url, chainId: r.anvil.chainId, pid: r.anvil.pid, testToken: r.record.evm.testToken, state: r.states.evm },
      solana: { network: SOLANA_LOCAL_ID, url: r.solana.url, wsUrl: r.solana.wsUrl, testToken: r.record.solana.testToken, state: r.states.solana },
    }
  }

  /** Each chain's epoch while the devnet runs (a new epoch is a new chain); null while it does not. */
  epochs(): { evm: string; solana: string } | null {
    const r = this.running
    return r === undefined ? null : { evm: r.record.evm.epoch, solana: r.record.solana.epoch }
  }

  /**
   * At daemon start: when the devnet was running as the last daemon stopped or died (its record is there), starts it
   * again on the same chains. A failure is logged and leaves it stopped (a later `devnet start` tries again).
   */
  async resume(): Promise<void> {
    if (readRecord(this.files) === undefined) return
    try {
      const info = await this.start()
      this.log.info('devnet resumed', { evm: info.evm?.state, solana: info.solana?.state, evmPid: info.evm?.pid })
    } catch (err) {
      this.log.warn('devnet could not be resumed; `waiaas devnet start` tries again', { error: err instanceof Error ? err.message : String(err) })
    }
  }

  /**
   * Starts both chains (idempotent) and points the local networks at them. With a record from an earlier daemon it
   * goes on with the same chains: its anvil adopted if it still runs, else started on the saved state; the Solana
   * chain restored from its snapshot. A chain whose state could not be kept says so (`reset`).
   */
  start(): Promise<DevnetInfo> {
    if (this.running !== undefined) return Promise.resolve(this.info())
    this.starting ??= this.boot().finally(() => (this.starting = undefined))
    return this.starting
  }

  private async boot(): Promise<DevnetInfo> {
    const { adoptAnvil, startAnvil } = await import('../devnet/anvil.js')
    const { startSolanaRpc } = await import('../devnet/solana-rpc/server.js')
    ensurePrivateDir(this.files.dir, { ownSubdir: true })
    const before = readRecord(this.files)

    let anvil = before === undefined ? undefined : await adoptAnvil(before.evm, this.files.anvilState)
    let evmState: ChainState = 'resumed'
    if (anvil === undefined) {
      if (before !== undefined && processAlive(before.evm.pid)) {
        this.log.warn('the recorded anvil pid belongs to another process now; leaving it alone', { pid: before.evm.pid })
      }
      const hadState = fs.existsSync(this.files.anvilState)
      evmState = hadState ? 'resumed' : before === undefined ? 'new' : 'reset'
      const opts = { state: { file: this.files.anvilState, intervalSeconds: ANVIL_STATE_INTERVAL_SECONDS }, logFile: this.files.anvilLog }
      const launch = (): Promise<AnvilHandle> => onPreferredPort((port) => startAnvil(port === undefined ? opts : { ...opts, port }), before?.evm.port ?? PREFERRED.evm)
      try {
        anvil = await launch()
      } catch (err) {
        // anvil refuses a state file it cannot parse ("invalid value … for '--state <PATH>'"): set it aside and start
        // a new chain, saying so. Any other failure leaves the file alone.
        if (!hadState || !(err instanceof Error) || !err.message.includes('--state')) throw err
        this.log.warn('anvil could not load its state file; starting a new chain', { error: err instanceof Error ? err.message : String(err) })
        fs.renameSync(this.files.anvilState, `${this.files.anvilState}.unreadable`)
        evmState = 'reset'
        anvil = await launch()
      }
    }
    let solana: SolanaRpcHandle
    try {
      const opts = { stateFile: this.files.solanaState, onPersistError: (err: unknown) => this.log.warn('solana-local state not written', { error: err instanceof Error ? err.message : String(err) }) }
      solana = await onPreferredPort((port) => startSolanaRpc(port === undefined ? opts : { ...opts, port }), before?.solana.port ?? PREFERRED.solana)
    } catch (err) {
      await anvil.stop()
      throw err
    }
    const solanaState: ChainState = solana.state === 'restored' ? 'resumed' : solana.state === 'reset' || before !== undefined ? 'reset' : 'new'
    const record: DevnetRecord = {
      format: 1,
      evm: {
        pid: anvil.pid,
        startTime: anvil.startTime,
        port: anvil.port,
        chainId: anvil.chainId,
        epoch: evmState === 'resumed' && before !== undefined ? before.evm.epoch : newEpoch(),
        testToken: evmState === 'resumed' ? (before?.evm.testToken ?? null) : null,
      },
      solana: {
        port: solana.port,
        epoch: solanaState === 'resumed' && before !== undefined ? before.solana.epoch : newEpoch(),
        testToken: solanaState === 'resumed' ? (before?.solana.testToken ?? null) : null,
      },
    }
    writeRecord(this.files, record)
    this.running = { anvil, solana, record, states: { evm: evmState, solana: solanaState } }
    setNetworkSetting(this.db, EVM_LOCAL_ID, { rpcUrl: anvil.url })
    // The batcher is a convenience: a chain that refuses it still serves everything else.
    await placeDevnetBatcher(this.db, anvil.url, anvil.chainId).catch((err: unknown) => this.log.warn('devnet batcher not placed', { error: err instanceof Error ? err.message : String(err) }))
    setNetworkSetting(this.db, SOLANA_LOCAL_ID, { rpcUrl: solana.url })
    this.log.info('devnet started', { evm: anvil.url, solana: solana.url, evmState, solanaState, adopted: anvil.child === null })
    return this.info()
  }

  /**
   * Stops both chains, discards their state and restores the local networks' default RPC URLs. Idempotent. An anvil
   * an earlier daemon left running (when resuming failed) is ended too, once it is proven to be that very process.
   */
  async stop(): Promise<DevnetInfo> {
    await this.halt()
    const left = readRecord(this.files)
    if (left !== undefined) {
      const { adoptAnvil } = await import('../devnet/anvil.js')
      await (await adoptAnvil(left.evm, this.files.anvilState))?.stop()
    }
    removeDevnetState(this.files)
    return this.info()
  }

  /**
   * At daemon shutdown: stops both chains but keeps their state and the record (anvil writes its state file as it
   * exits; the Solana chain its snapshot), so the next daemon start resumes them.
   */
  async suspend(): Promise<void> {
    await this.halt()
  }

  private async halt(): Promise<void> {
    await this.starting?.catch(() => undefined)
    const r = this.running
    this.running = undefined
    if (r === undefined) return
    await Promise.all([r.anvil.stop(), r.solana.stop()])
    setNetworkSetting(this.db, EVM_LOCAL_ID, { rpcUrl: null })
    setNetworkSetting(this.db, SOLANA_LOCAL_ID, { rpcUrl: null })
    forgetDevnetBatcher(this.db)
    this.log.info('devnet stopped')
  }

  private need(): Running {
    if (this.running === undefined) throw new WaiaasError('CHAIN_RPC_UNREACHABLE', 'The devnet is not running', { hint: 'Start it with `waiaas devnet start`.' })
    return this.running
  }

  /** Remembers a test token deployed on a running chain, so a resumed devnet funds with the same one. */
  private keepToken(r: Running, chain: 'evm' | 'solana', token: string): void {
    r.record[chain].testToken = token
    writeRecord(this.files, r.record)
  }

  /** Gives an EVM address native ETH (wei) and test tokens (minor units) on evm-local. */
  async fundEvm(address: string, wei: bigint, tokens: bigint): Promise<FundResult[]> {
    const r = this.need()
    const { Contract, ContractFactory, JsonRpcProvider, Wallet } = await import('ethers')
    const { TEST_TOKEN_ABI, TEST_TOKEN_BYTECODE } = await import('../devnet/test-token.generated.js')
    const provider = new JsonRpcProvider(r.anvil.url, r.anvil.chainId, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    try {
      const before = await provider.getBalance(address)
      await provider.send('anvil_setBalance', [address, `0x${(before + wei).toString(16)}`])
      const dev = new Wallet(ANVIL_DEV_KEY, provider)
      let tokenAddress = r.record.evm.testToken
      if (tokenAddress === null) {
        const deployed = await new ContractFactory(TEST_TOKEN_ABI, TEST_TOKEN_BYTECODE, dev).deploy(TOKEN_SUPPLY)
        const deployTx = deployed.deploymentTransaction()
        if (deployTx !== null) await receipt(provider, deployTx.hash)
        tokenAddress = await deployed.getAddress()
        this.keepToken(r, 'evm', tokenAddress)
      }
      const token = new Contract(tokenAddress, TEST_TOKEN_ABI, dev)
      const tx = (await token.getFunction('transfer')(address, tokens)) as { hash: string }
      await receipt(provider, tx.hash)
      return [
        { network: EVM_LOCAL_ID, asset: 'ETH', amount: wei.toString(), tx: null },
        { network: EVM_LOCAL_ID, asset: tokenAddress, amount: tokens.toString(), tx: tx.hash },
      ]
    } finally {
      provider.destroy()
    }
  }

  /** Gives a Solana address SOL (lamports) and test tokens (minor units, SPL Token) on solana-local. */
  async fundSolana(address: string, lamports: bigint, tokens: bigint): Promise<FundResult[]> {
    const r = this.need()
    if (lamports > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new WaiaasError('INPUT_INVALID_AMOUNT', 'A devnet airdrop is limited to 9007199 SOL', { details: { field: 'amount', reason: 'too-large' } })
    }
    const { Connection } = await import('@solana/web3.js')
    const conn = new Connection(r.solana.url, { commitment: 'confirmed', wsEndpoint: r.solana.wsUrl })
    try {
      return await this.fundWith(conn, r, address, lamports, tokens)
    } finally {
      closeWebSocket(conn)
    }
  }

  private async fundWith(conn: import('@solana/web3.js').Connection, r: Running, address: string, lamports: bigint, tokens: bigint): Promise<FundResult[]> {
    const { Keypair, PublicKey } = await import('@solana/web3.js')
    const spl = await import('@solana/spl-token')
    const owner = new PublicKey(address)
    const airdrop = await conn.requestAirdrop(owner, Number(lamports))
    await conn.confirmTransaction(airdrop, 'confirmed')
    const authority = Keypair.fromSeed(MINT_AUTHORITY_SEED)
    let mint = r.record.solana.testToken
    if (mint === null) {
      await conn.confirmTransaction(await conn.requestAirdrop(authority.publicKey, 10_000_000_000), 'confirmed')
      mint = (await spl.createMint(conn, authority, authority.publicKey, null, 6)).toBase58()
      this.keepToken(r, 'solana', mint)
    }
    const ata = await spl.getOrCreateAssociatedTokenAccount(conn, authority, new PublicKey(mint), owner)
    const sig = await spl.mintTo(conn, authority, new PublicKey(mint), ata.address, authority, tokens)
    return [
      { network: SOLANA_LOCAL_ID, asset: 'SOL', amount: lamports.toString(), tx: airdrop },
      { network: SOLANA_LOCAL_ID, asset: mint, amount: tokens.toString(), tx: sig },
    ]
  }
}

/**
 * Closes the websocket web3.js opened for confirmations. It has no public close, and once the devnet is stopped it
 * would try to reconnect forever (logging every attempt) and keep the daemon from exiting.
 */
function closeWebSocket(conn: object): void {
  const ws = (conn as { _rpcWebSocket?: { setAutoReconnect?(on: boolean): void; close?(): void } })._rpcWebSocket
  ws?.setAutoReconnect?.(false)
  ws?.close?.()
}
