/**
 * The base of every command: global flags, the `--json` envelope, the exit-code table, the daemon connection and
 * credentials. Only this class decides how the process ends (through process.exitCode, never process.exit).
 */
import { Command } from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type { InferredArgs, InferredFlags } from '@oclif/core/interfaces'
import type { DaemonClient } from './client.js'
import type { Input, MethodName, Output } from '../lib/contract/index.js'
import { readEnv, type Env } from '../lib/env.js'
import { EXIT, toWaiaasError, WaiaasError, type ExitCode } from '../lib/errors.js'
import { connectDaemon, connectExisting } from './launcher.js'
import { resolveDataDir, resolvePaths, type Paths } from '../lib/paths.js'
import { defaultsFor, readPreferences, type Preferences } from './preferences.js'
import { reportError } from './report-error.js'
import { passwordFromSources, readSecretFile } from '../lib/secrets.js'
import { applyTargetDefaults } from './target-flags.js'
import { usageError } from './usage-error.js'

/**
 * Flags for commands an agent session may run: a session token makes the command act as that session (a cron job
 * or CI pipeline can then run with a narrow, expiring session instead of the master password).
 */
export const sessionFlags = {
  'session-token-file': Flags.string({
    description:
      'Act as the agent session whose token is in this file (else WAIAAS_SESSION_TOKEN_FILE, WAIAAS_SESSION_TOKEN; without one, the master password). With a token, no password source is ever read',
    helpGroup: 'AUTH',
  }),
}

/** Flags for commands that act as the operator. */
export const passwordFlags = {
  'password-file': Flags.string({
    description: 'Read the master password from this file (else WAIAAS_MASTER_PASSWORD_FILE, WAIAAS_MASTER_PASSWORD, or a prompt on a terminal)',
    helpGroup: 'AUTH',
  }),
}

/** True when we may ask the user something: both the keyboard and the prompt's output are a terminal. */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true
}

/**
 * True when a spinner may draw on stderr: we are interactive and the terminal reports its width. A terminal of 0
 * columns (CI runners, `script`, `docker run -t`) gets none: ora divides by the width and would clear Infinity lines,
 * pinning a CPU and writing escape codes without end. Prompts still work there (they assume 80 columns).
 */
export function canAnimate(): boolean {
  return interactive() && (process.stderr.columns ?? 0) > 0
}

/** The parsed flags of command class `T`: its own `static flags` and the base command's global flags, typed. */
export type CommandFlags<T extends typeof Command> = InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
/** The parsed arguments of command class `T`, typed from its `static args`. */
export type CommandArgs<T extends typeof Command> = InferredArgs<T['args']>

/**
 * `T` is the command's own class (`class Send extends BaseCommand<typeof Send>`), so `this.flags` and `this.args` are
 * typed from its static `flags` and `args`, as oclif's own docs do it: a command reads `this.flags.wallet` without a cast.
 */
export abstract class BaseCommand<T extends typeof Command = typeof Command> extends Command {
  static override baseFlags = {
    json: Flags.boolean({
      description: 'Print one JSON envelope on stdout and nothing else (--no-json: human output even when `waiaas use --output json` is set)',
      helpGroup: 'GLOBAL',
      allowNo: true,
    }),
    'data-dir': Flags.string({ description: 'Data directory (default: WAIAAS_DATA_DIR, else ~/.waiaas)', helpGroup: 'GLOBAL' }),
  }

  protected json = false
  private _env: Env | undefined
  private _paths: Paths | undefined
  private _preferences: Preferences | undefined
  private clients: DaemonClient[] = []
  /** The parsed flags, typed from the command's static `flags` (set before `exec` runs). */
  protected flags!: CommandFlags<T>
  /** The parsed arguments, typed from the command's static `args` (set before `exec` runs). */
  protected args!: CommandArgs<T>
  /**
   * The same parsed flags by name, for what the base and shared command classes read whatever the command (and where
   * the `waiaas use` defaults are filled in, before `exec`).
   */
  protected parsedFlags: Record<string, unknown> = {}
  /** Every positional argument as given, in order (what a command with `static strict = false` reads its variadic tail from). */
  protected positionals: string[] = []
  /** Does the work and returns the data of the `ok` envelope. */
  protected abstract exec(): Promise<unknown>
  /** Human rendering of the data; the default prints it as JSON. */
  protected render(data: unknown): void {
    this.log(JSON.stringify(data, null, 2))
  }

  override async run(): Promise<void> {
    this.json = this.argv.includes('--json') || (!this.argv.includes('--no-json') && this.preferences.output === 'json')
    try {
      try {
        const parsed = await this.parse(this.constructor as T)
        // The one place the parser's output meets the class's type parameter (as in oclif's own BaseCommand example).
        this.flags = parsed.flags as CommandFlags<T>
        this.args = parsed.args as CommandArgs<T>
        this.parsedFlags = parsed.flags
        this.positionals = parsed.argv.map(String)
        const json = this.parsedFlags.json
        this.json = typeof json === 'boolean' ? json : this.preferences.output === 'json'
      } catch (err) {
        throw usageError(err, this.id)
      }
      // The defaults of `waiaas use` for --wallet/--network (src/cli/target-flags.ts), for this data directory only.
      applyTargetDefaults((this.constructor as T).flags ?? {}, this.parsedFlags, () => defaultsFor(this.preferences, this.paths.dataDir))
      const data = await this.exec()
      if (this.json) process.stdout.write(`${JSON.stringify({ ok: true, data })}\n`)
      else this.render(data)
    } catch (err) {
      const e = toWaiaasError(err)
      await reportError(e, this.json)
      process.exitCode = e.exitCode
    } finally {
      for (const c of this.clients) c.close()
    }
  }

  /** A string flag by name, whichever command defines it; undefined when absent or not a string flag. */
  protected stringFlag(name: string): string | undefined {
    const v = this.parsedFlags[name]
    return typeof v === 'string' ? v : undefined
  }

  protected get env(): Env {
    this._env ??= readEnv()
    return this._env
  }

  /**
   * The user's preferences (`waiaas use`). A broken preferences file is ignored with a warning, so it never stops a
   * command (`waiaas use --reset` removes it).
   */
  protected get preferences(): Preferences {
    if (this._preferences !== undefined) return this._preferences
    let env: Env
    try {
      env = this.env
    } catch {
      // A bad WAIAAS_* variable: the command reports it; preferences wait until it is fixed.
      return {}
    }
    try {
      this._preferences = readPreferences(env)
    } catch (err) {
      this._preferences = {}
      process.stderr.write(`Warning: ignoring your preferences: ${toWaiaasError(err).message}\n`)
    }
    return this._preferences
  }

  protected get paths(): Paths {
    this._paths ??= resolvePaths(resolveDataDir(this.stringFlag('data-dir'), this.env), this.env)
    return this._paths
  }

  /** A connection to the daemon, starting it when it is not running. */
  protected async daemon(): Promise<DaemonClient> {
    let why: 'absent' | 'version' | undefined
    const client = await this.spin(
      () => (why === 'version' ? 'Restarting the daemon (version changed)' : 'Starting the daemon'),
      (start) =>
        connectDaemon(this.paths, {
          onStart: (reason) => {
            why = reason
            start()
          },
        }),
    )
    this.clients.push(client)
    return client
  }

  /**
   * Runs `fn`; once it calls `start`, shows a spinner on stderr (only on a terminal that reports its width, never in
   * --json mode) until it settles. ora is loaded only then, so scripts never pay for it. The one place a spinner is
   * drawn: a terminal resized to 0 columns while it spins stops it at once.
   */
  protected async spin<T>(text: () => string, fn: (start: () => void) => Promise<T>): Promise<T> {
    let spinner: { stop(): void } | undefined
    let loading: Promise<void> | undefined
    const onResize = (): void => {
      if (canAnimate()) return
      spinner?.stop()
      spinner = undefined
    }
    const start = (): void => {
      if (this.json || !canAnimate() || loading !== undefined) return
      loading = import('ora').then(({ default: ora }) => {
        if (!canAnimate()) return
        spinner = ora({ text: text(), stream: process.stderr }).start()
        process.stderr.on('resize', onResize)
      })
    }
    try {
      return await fn(start)
    } finally {
      await loading
      process.stderr.off('resize', onResize)
      spinner?.stop()
    }
  }

  /** A connection to a running daemon; DAEMON_NOT_RUNNING when there is none. Never starts one. */
  protected async runningDaemon(): Promise<DaemonClient> {
    const client = await connectExisting(this.paths)
    this.clients.push(client)
    return client
  }

  /** Where this run's session token comes from, if one is given (without reading it). */
  protected sessionTokenSource(): '--session-token-file' | 'WAIAAS_SESSION_TOKEN_FILE' | 'WAIAAS_SESSION_TOKEN' | undefined {
    if (this.parsedFlags['session-token-file'] !== undefined) return '--session-token-file'
    if (this.env.sessionTokenFile !== undefined) return 'WAIAAS_SESSION_TOKEN_FILE'
    if (this.env.sessionToken !== undefined) return 'WAIAAS_SESSION_TOKEN'
    return undefined
  }

  /**
   * AUTH_FORBIDDEN when a session token is given: then the CLI acts as that session only, and an operator act never
   * falls back to the master password, its file or recovery.key, not even one named by --password-file.
   */
  protected assertNoSession(): void {
    const from = this.sessionTokenSource()
    if (from === undefined) return
    const command = `waiaas ${this.id?.replaceAll(':', ' ') ?? ''}`.trim()
    throw new WaiaasError('AUTH_FORBIDDEN', `\`${command}\` is an operator act, and this run acts as the agent session given by ${from}: it never uses the master password or recovery.key`, {
      details: { command, sessionTokenFrom: from },
      hint: 'An agent asks the operator for this. To act as the operator, run without a session token (unset WAIAAS_SESSION_TOKEN and WAIAAS_SESSION_TOKEN_FILE, drop --session-token-file).',
    })
  }

  /**
   * The master password for an operator call: --password-file, WAIAAS_MASTER_PASSWORD_FILE, WAIAAS_MASTER_PASSWORD,
   * an auto-provisioned recovery.key, then a prompt on a terminal. Without a terminal a missing password is a
   * usage error naming the flag. AUTH_FORBIDDEN when a session token is given (see assertNoSession).
   */
  protected async operatorPassword(): Promise<string> {
    this.assertNoSession()
    const found = passwordFromSources({
      file: this.stringFlag('password-file'),
      env: this.env,
      recoveryKeyFile: this.paths.recoveryKey,
    })
    if (found !== undefined) return found.password
    return this.askSecret('Master password', '--password-file')
  }

  /** One operator call: the master password first (so a prompt never waits on a daemon start), then the call. */
  protected async operatorCall<M extends MethodName>(method: M, params: Input<M>): Promise<Output<M>> {
    const password = await this.operatorPassword()
    const client = await this.daemon()
    return client.call(method, params, { password })
  }

  /** The agent session token given to this run (--session-token-file, WAIAAS_SESSION_TOKEN_FILE, WAIAAS_SESSION_TOKEN). */
  protected sessionToken(): string | undefined {
    const file = this.stringFlag('session-token-file')
    if (file !== undefined) return readSecretFile(file, '--session-token-file')
    if (this.env.sessionTokenFile !== undefined) return readSecretFile(this.env.sessionTokenFile, 'WAIAAS_SESSION_TOKEN_FILE')
    return this.env.sessionToken
  }

  /**
   * The credential of a call an agent session may make: the session's token when one was given (then no password
   * source is read, even when one is set too: the least privilege wins), else the password.
   */
  protected async agentAuth(): Promise<{ token: string } | { password: string }> {
    const token = this.sessionToken()
    return token !== undefined ? { token } : { password: await this.operatorPassword() }
  }

  /** A call an agent session may make: as the session when a token was given, else as the operator. */
  protected async agentCall<M extends MethodName>(method: M, params: Input<M>): Promise<Output<M>> {
    const auth = await this.agentAuth()
    const client = await this.daemon()
    return client.call(method, params, auth)
  }

  /** A warning on stderr (human output only; JSON output carries warnings in its data). */
  protected warning(text: string): void {
    process.stderr.write(`Warning: ${text}\n`)
  }

  /** Prompts for a secret on a terminal, or fails naming the flag that would have given it. */
  protected async askSecret(message: string, flag: string, opts: { confirm?: boolean; validate?: (v: string) => string | true } = {}): Promise<string> {
    if (!interactive()) {
      throw new WaiaasError('USAGE', `${message} is required: pass ${flag} (no terminal to ask on)`, { details: { flag }, hint: `Pass ${flag} FILE.` })
    }
    const { password } = await import('@inquirer/prompts')
    const ctx = { input: process.stdin, output: process.stderr }
    const validate = opts.validate ?? (() => true)
    const first = await password({ message, mask: true, validate }, ctx)
    if (opts.confirm === true) {
      const second = await password({ message: `${message} (again)`, mask: true }, ctx)
      if (second !== first) throw new WaiaasError('USAGE', 'The two entries do not match', { details: { flag } })
    }
    return first
  }

  /** A secret from a file flag when given, else from a prompt on a terminal. */
  protected async secretFromFlagOrPrompt(flag: string, message: string, opts: { confirm?: boolean } = {}): Promise<string | undefined> {
    const file = this.stringFlag(flag)
    if (file !== undefined) return readSecretFile(file, `--${flag}`)
    return this.askSecret(message, `--${flag}`, opts)
  }

  /** Asks for confirmation of a destructive act unless --yes was given; without a terminal, --yes is required. */
  protected async confirm(message: string): Promise<void> {
    if (this.parsedFlags.yes === true) return
    if (!interactive()) {
      throw new WaiaasError('CONFIRMATION_REQUIRED', `${message}: pass --yes to confirm`, { details: { flag: '--yes' } })
    }
    const { confirm } = await import('@inquirer/prompts')
    const ok = await confirm({ message, default: false }, { input: process.stdin, output: process.stderr })
    if (!ok) throw new WaiaasError('CONFIRMATION_REQUIRED', 'Cancelled', { details: { flag: '--yes' } })
  }
}
