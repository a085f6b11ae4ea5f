import fs from 'node:fs'
import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, interactive, passwordFlags } from '../cli/base-command.js'
import type { DaemonClient } from '../cli/client.js'
import type { Output, TxRequestView, Wallet } from '../lib/contract/index.js'
import { WaiaasError } from '../lib/errors.js'
import { assertCanWrite, writeSecretFile } from '../lib/paths.js'
import {
  AGENT_SESSION_DEFAULTS, chainPlan, freshAddress, mcpConfig, QUICKSET_MODES, quicksetNames, quicksetSteps, starterPolicies,
  type Chain, type QuicksetMode, type QuicksetResult as Data,
} from '../cli/quickset.js'
import { passwordFromSources, readSecretFile, recoveryKeyWarning } from '../lib/secrets.js'
import { requestOutcome, waitUntilFinal } from '../cli/tx-command.js'

const CHAINS: Chain[] = ['evm', 'solana']
const TRANSFER_TIMEOUT_MS = 60_000
const MODE_FLAGS = '--local, --testnet or --mainnet (or --mode local|testnet|mainnet)'

export default class Quickset extends BaseCommand<typeof Quickset> {
  /** WAIaaS's name for it; src/hooks/alias-note.ts says which command runs. */
  static override aliases = ['quickstart']
  static override summary = 'Set up an EVM and a Solana wallet, starter policies and an agent session, and print the MCP config'
  static override description =
    'Creates two wallets (<prefix>-evm, <prefix>-solana), each with a starter policy set: INSTANT up to a small amount, NOTIFY, ' +
    'then DELAY (5 minutes), APPROVAL above that, a daily cap, only the mode\'s networks, and no unlimited token approvals. ' +
    'Then an agent session for both wallets (7 days, 4 renewals) whose token goes to a 0600 file in the data directory, ' +
    'never to the screen, and the MCP server config that runs `waiaas mcp` with it. --local also starts the devnet, funds ' +
    'the wallets and has the agent make a first small transfer on each chain, offline; its tiers are in native units because ' +
    'local chains have no USD price. --testnet and --mainnet use the USD tiers (10 / 100 / 1000, 500 a day), which need a ' +
    'price source and contact no network here. Initialises a new data directory with the master password first: from ' +
    '--password-file or WAIAAS_MASTER_PASSWORD(_FILE), else asked on a terminal, else (no terminal) generated into ' +
    'recovery.key (0600) as `init --auto-provision` does, and it says where.'
  static override examples = [
    '<%= config.bin %> quickset --local',
    '<%= config.bin %> quickset --mode mainnet --json',
    '<%= config.bin %> quickset --testnet --prefix research',
  ]
  static override flags = {
    ...passwordFlags,
    local: Flags.boolean({ description: 'Use the local devnet: start it, fund the wallets and make a first transfer', exclusive: ['testnet', 'mainnet', 'mode'] }),
    testnet: Flags.boolean({ description: 'Use Base Sepolia, Sepolia and Solana devnet', exclusive: ['local', 'mainnet', 'mode'] }),
    mainnet: Flags.boolean({ description: 'Use Base, Ethereum and Solana mainnet', exclusive: ['local', 'testnet', 'mode'] }),
    mode: Flags.option({ options: QUICKSET_MODES, description: 'The same as --local, --testnet or --mainnet', exclusive: ['local', 'testnet', 'mainnet'] })(),
    prefix: Flags.string({ description: 'Names: <prefix>-evm, <prefix>-solana, session <prefix>, token file quickset-<prefix>.token', default: 'agent' }),
  }

  protected override async exec(): Promise<Data> {
    // Wallets, policies and sessions are the operator's to make: never as an agent session.
    this.assertNoSession()
    const mode = await this.mode()
    const prefix = this.flags.prefix
    if (!/^[a-z0-9][a-z0-9_-]{0,40}$/i.test(prefix)) {
      throw new WaiaasError('USAGE', `--prefix must be 1 to 41 letters, digits, - or _, starting with a letter or digit; got "${prefix}"`, { details: { flag: '--prefix' } })
    }
    const names = quicksetNames(prefix, this.paths.dataDir)
    const client = await this.daemon()
    const { password, initialized, recoveryKeyFile } = await this.vault(client)
    const op = { password }
    await this.assertFresh(client, names)
    const step = <T>(text: string, fn: () => Promise<T>): Promise<T> =>
      this.spin(
        () => text,
        (start) => {
          start()
          return fn()
        },
      )

    const devnet = mode === 'local' ? await step('Starting the local chains', () => client.call('devnet.start', {}, op)) : null
    const wallets: Wallet[] = []
    for (const chain of CHAINS) wallets.push(await client.call('wallet.create', { chain, name: names[chain] }, op))
    const policies: Data['policies'] = []
    for (const [i, chain] of CHAINS.entries()) {
      for (const p of starterPolicies(mode, chain)) {
        const { policy } = await client.call('policy.add', { ...p, wallet: wallets[i]!.id }, op)
        policies.push({ id: policy.id, type: policy.type, walletName: policy.walletName, network: policy.network, rules: policy.rules })
      }
    }
    const created = await client.call(
      'session.create',
      { wallets: wallets.map((w) => w.id), name: names.session, ...AGENT_SESSION_DEFAULTS },
      op,
    )
    writeSecretFile(names.tokenFile, `${created.token}\n`)

    const funded: Output<'devnet.fund'>[] = []
    const firstTransfers: TxRequestView[] = []
    if (mode === 'local') {
      for (const [i, chain] of CHAINS.entries()) {
        const amount = chainPlan(mode, chain).fund ?? '10'
        funded.push(await step(`Funding ${wallets[i]!.name}`, () => client.call('devnet.fund', { wallet: wallets[i]!.id, amount, tokenAmount: '1000' }, op)))
      }
      for (const [i, chain] of CHAINS.entries()) {
        firstTransfers.push(await step(`First transfer from ${wallets[i]!.name}`, () => this.firstTransfer(client, created.token, wallets[i]!, mode, chain)))
      }
    }
    const config = mcpConfig({ node: process.execPath, bin: path.join(this.config.root, 'bin', 'run.js'), tokenFile: names.tokenFile, dataDir: this.paths.dataDir, socketPath: this.env.socketPath })
    const next = ['waiaas mcp setup', `waiaas policy list --wallet ${names.evm}`, mode === 'local' ? 'waiaas tx list' : `waiaas balance --wallet ${names.evm} --network ${chainPlan(mode, 'evm').networks[0]!}`]
    const warnings = fs.existsSync(this.paths.recoveryKey) ? [recoveryKeyWarning(this.paths.recoveryKey)] : []
    return { mode, dataDir: this.paths.dataDir, initialized, recoveryKeyFile, devnet, wallets, policies, session: created.session, tokenFile: names.tokenFile, funded, firstTransfers, mcpConfig: config, next, warnings }
  }

  /** The one mode the flags name; on a terminal without one, a question; otherwise USAGE naming the flags. */
  private async mode(): Promise<QuicksetMode> {
    const f = this.flags
    const chosen = f.mode ?? QUICKSET_MODES.find((m) => f[m])
    if (chosen !== undefined) return chosen
    if (!interactive()) {
      throw new WaiaasError('USAGE', `Choose where to set up: pass ${MODE_FLAGS}`, { details: { flags: ['--local', '--testnet', '--mainnet', '--mode'] }, hint: 'Start with `waiaas quickset --local`: it runs offline with no real funds.' })
    }
    const { select } = await import('@inquirer/prompts')
    const choices = [
      { value: 'local' as const, name: 'local: the offline devnet, funded, with a first transfer' },
      { value: 'testnet' as const, name: 'testnet: Base Sepolia, Sepolia, Solana devnet' },
      { value: 'mainnet' as const, name: 'mainnet: Base, Ethereum, Solana (real funds)' },
    ]
    return select({ message: 'Where should the wallets live?', choices }, { input: process.stdin, output: process.stderr })
  }

  /**
   * The master password, setting it first when this data directory has none yet: from --password-file or the
   * environment, else a prompt on a terminal, else (no terminal, nothing given: CI, a container, the README's first
   * command) generated into recovery.key as `init --auto-provision` does.
   */
  private async vault(client: DaemonClient): Promise<{ password: string; initialized: boolean; recoveryKeyFile: string | null }> {
    if ((await client.call('system.status', {})).initialized) return { password: await this.operatorPassword(), initialized: false, recoveryKeyFile: null }
    const found = passwordFromSources({ file: this.flags['password-file'], env: this.env })
    const password =
      found?.password ??
      (interactive()
        ? await this.askSecret('New master password', '--password-file', { confirm: true, validate: (v) => ([...v].length >= 12 ? true : 'Use at least 12 characters') })
        : undefined)
    const result = await this.spin(
      () => 'Deriving the key-encryption key',
      (start) => {
        start()
        return client.call('vault.init', password === undefined ? { autoProvision: true } : { password, autoProvision: false })
      },
    )
    if (password !== undefined) return { password, initialized: true, recoveryKeyFile: null }
    const file = result.recoveryKeyFile ?? this.paths.recoveryKey
    return { password: readSecretFile(file, 'recovery.key'), initialized: true, recoveryKeyFile: file }
  }

  /** Refuses before creating anything when a name or the token file is taken, so a second run never leaves half a set. */
  private async assertFresh(client: DaemonClient, names: ReturnType<typeof quicksetNames>): Promise<void> {
    const { wallets } = await client.call('wallet.list', {})
    const taken = wallets.find((w) => w.name === names.evm || w.name === names.solana)
    if (taken !== undefined) {
      throw new WaiaasError('WALLET_NAME_TAKEN', `A wallet named ${taken.name} already exists (quickset ran here before?)`, {
        details: { name: taken.name, id: taken.id },
        hint: `Keep using it (\`waiaas wallet show ${taken.name}\`), or pass --prefix NAME for a new set.`,
      })
    }
    assertCanWrite(names.tokenFile, { hint: `Pass --prefix NAME for a new set, or remove ${names.tokenFile} if its session is gone.` })
  }

  /** The agent's first transfer, made with its own session token, to a fresh address; waits until it is confirmed. */
  private async firstTransfer(client: DaemonClient, token: string, wallet: Wallet, mode: QuicksetMode, chain: Chain): Promise<TxRequestView> {
    const plan = chainPlan(mode, chain)
    const to = await freshAddress(chain)
    const params = { wallet: wallet.id, network: plan.networks[0]!, to, amount: plan.firstTransfer ?? '0', idempotencyKey: `quickset-${wallet.id}` }
    const r = await waitUntilFinal(client, await client.call('tx.send', params, { token }), TRANSFER_TIMEOUT_MS)
    const outcome = requestOutcome(r, true)
    if (outcome !== undefined) throw outcome
    return r
  }

  protected override render(d: Data): void {
    this.log(quicksetSteps(d).map((l) => `✔ ${l}`).join('\n'))
    if (d.mode !== 'local') {
      this.log(`\nNote: the USD limits need a fresh price (a static table in ${path.join(d.dataDir, 'prices.json')}, Chainlink feeds or CoinGecko);`)
      this.log('until one is configured, every transfer of these wallets waits for approval (fail closed). Fund them before the agent sends.')
    }
    this.log('\nMCP server config (add it to your MCP client, or let `waiaas mcp setup` register it):')
    this.log(JSON.stringify(d.mcpConfig, null, 2))
    this.log(`\nNext: ${d.next.map((n) => `\`${n}\``).join(', ')}`)
    for (const w of d.warnings) this.warning(w)
  }
}
