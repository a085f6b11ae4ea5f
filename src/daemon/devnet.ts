/**
 * The local playground, hosted by the daemon: anvil as a child process and the litesvm-backed Solana RPC in this
 * process, on loopback, with `evm-local` and `solana-local` pointed at them. Chain state lives as long as the
 * devnet runs (litesvm is in memory; anvil starts fresh). Heavy modules load only when the devnet starts.
 */
import { WaiaasError } from '../lib/errors.js'
import { EVM_LOCAL_ID, SOLANA_LOCAL_ID } from '../lib/networks.js'
import type { AnvilHandle } from '../devnet/anvil.js'
import type { SolanaRpcHandle } from '../devnet/solana-rpc/server.js'
import type { Logger } from './log.js'
import type { Db } from './store/db.js'
import { setNetworkSetting } from './store/network-settings.js'

/** anvil's first dev account ("test test … junk", index 0): a public test key that anvil funds, never a real one. */
const ANVIL_DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const TOKEN_SUPPLY = 10n ** 15n * 10n ** 6n
const PREFERRED = { evm: 8545, solana: 8899 }

export interface DevnetInfo {
  running: boolean
  evm: { network: string; url: string; chainId: number; pid: number; testToken: string | null } | null
  solana: { network: string; url: string; wsUrl: string; testToken: string | null } | null
}

export interface FundResult {
  network: string
  asset: string
  amount: string
  tx: string | null
}

interface Running {
  anvil: AnvilHandle
  solana: SolanaRpcHandle
  evmToken?: string
  solanaMint?: { mint: string; authority: import('@solana/web3.js').Keypair }
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

export class Devnet {
  private running: Running | undefined
  private starting: Promise<DevnetInfo> | undefined

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  info(): DevnetInfo {
    const r = this.running
    if (r === undefined) return { running: false, evm: null, solana: null }
    return {
      running: true,
      evm: { network: EVM_LOCAL_ID, url: r.anvil.url, chainId: r.anvil.chainId, pid: r.anvil.pid, testToken: r.evmToken ?? null },
      solana: { network: SOLANA_LOCAL_ID, url: r.solana.url, wsUrl: r.solana.wsUrl, testToken: r.solanaMint?.mint ?? null },
    }
  }

  /** Starts both chains (idempotent) and points the local networks at them. */
  start(): Promise<DevnetInfo> {
    if (this.running !== undefined) return Promise.resolve(this.info())
    this.starting ??= (async () => {
      const { startAnvil } = await import('../devnet/anvil.js')
      const { startSolanaRpc } = await import('../devnet/solana-rpc/server.js')
      const anvil = await onPreferredPort((port) => startAnvil(port === undefined ? {} : { port }), PREFERRED.evm)
      let solana: SolanaRpcHandle
      try {
        solana = await onPreferredPort((port) => startSolanaRpc(port === undefined ? {} : { port }), PREFERRED.solana)
      } catch (err) {
        await anvil.stop()
        throw err
      }
      this.running = { anvil, solana }
      setNetworkSetting(this.db, EVM_LOCAL_ID, { rpcUrl: anvil.url })
      setNetworkSetting(this.db, SOLANA_LOCAL_ID, { rpcUrl: solana.url })
      this.log.info('devnet started', { evm: anvil.url, solana: solana.url })
      return this.info()
    })().finally(() => (this.starting = undefined))
    return this.starting
  }

  /** Stops both chains and restores the local networks' default RPC URLs. Idempotent. */
  async stop(): Promise<DevnetInfo> {
    const r = this.running
    this.running = undefined
    if (r !== undefined) {
      await Promise.all([r.anvil.stop(), r.solana.stop()])
      setNetworkSetting(this.db, EVM_LOCAL_ID, { rpcUrl: null })
      setNetworkSetting(this.db, SOLANA_LOCAL_ID, { rpcUrl: null })
      this.log.info('devnet stopped')
    }
    return this.info()
  }

  private need(): Running {
    if (this.running === undefined) throw new WaiaasError('CHAIN_RPC_UNREACHABLE', 'The devnet is not running', { hint: 'Start it with `waiaas devnet start`.' })
    return this.running
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
      if (r.evmToken === undefined) {
        const deployed = await new ContractFactory(TEST_TOKEN_ABI, TEST_TOKEN_BYTECODE, dev).deploy(TOKEN_SUPPLY)
        const deployTx = deployed.deploymentTransaction()
        if (deployTx !== null) await receipt(provider, deployTx.hash)
        r.evmToken = await deployed.getAddress()
      }
      const token = new Contract(r.evmToken, TEST_TOKEN_ABI, dev)
      const tx = (await token.getFunction('transfer')(address, tokens)) as { hash: string }
      await receipt(provider, tx.hash)
      return [
        { network: EVM_LOCAL_ID, asset: 'ETH', amount: wei.toString(), tx: null },
        { network: EVM_LOCAL_ID, asset: r.evmToken, amount: tokens.toString(), tx: tx.hash },
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
    if (r.solanaMint === undefined) {
      const authority = Keypair.generate()
      await conn.confirmTransaction(await conn.requestAirdrop(authority.publicKey, 10_000_000_000), 'confirmed')
      const mint = await spl.createMint(conn, authority, authority.publicKey, null, 6)
      r.solanaMint = { mint: mint.toBase58(), authority }
    }
    const { mint, authority } = r.solanaMint
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
