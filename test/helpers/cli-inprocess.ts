/**
 * Runs `waiaas ...args` inside this test process, as `bin/run.js` would in its own: the oclif config of the built CLI
 * (dist/bundle/ and oclif.manifest.json) loads once per worker, and each run goes through oclif's `execute` (the very
 * entry bin/run.js awaits) with oclif's exit stubbed, so help, hooks, parse errors and uncaught errors end exactly as
 * in a spawned process. `execute` builds each run's config from the loaded one, sharing its command objects: a run
 * must leave them as it found them (oclif's help did not; src/cli/help.ts renders copies). For the duration of one
 * run only, the process takes the run's environment, working directory and stdio: stdout and stderr (and `console`,
 * which oclif writes through) go to buffers, stdin reads the run's input and nothing is a terminal, as with a spawned
 * process whose stdio are pipes.
 *
 * One run at a time: the process-wide swap is safe because vitest runs a file's tests one after another and a
 * worker's files one at a time (pool forks). A second run that starts before the first ended fails at once.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { Console } from 'node:console'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { Config } from '@oclif/core/config'
import { execute } from '@oclif/core/execute'
import { Exit } from '@oclif/core/handle'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = path.join(ROOT, 'bin', 'run.js')

export interface RawResult {
  code: number
  stdout: string
  stderr: string
}

let config: Promise<Config> | undefined
/**
 * The built CLI's oclif config, loaded on first use (once per worker). when-exit (through conf's atomic writes) hooks
 * process exit and signals once, when first loaded: it is loaded here, before any run, so that the listener check
 * below sees only what a run leaves behind.
 */
function cliConfig(): Promise<Config> {
  config ??= import('when-exit').then(() => Config.load(ROOT))
  return config
}

/** The process-level listeners a command could leave behind; counted before and after every run. */
const WATCHED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection'] as const

let running: string | undefined

/**
 * The run a piece of code belongs to, by async context: only what the command's own code writes is its output. Code
 * of an earlier test that is still going in this worker (a web3.js Connection logging "ws error:" as it retries a
 * chain that has stopped) writes to the real stream, as it would have beside a spawned process.
 */
const currentCommand = new AsyncLocalStorage<Sink[]>()

class Sink extends Writable {
  text = ''
  isTTY = undefined
  constructor(private readonly elsewhere: NodeJS.WritableStream) {
    super()
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (currentCommand.getStore()?.includes(this) !== true) {
      this.elsewhere.write(chunk)
      cb()
      return
    }
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    cb()
  }
}

/** Replaces process[name] (a configurable getter) until the returned function restores it. */
function swapStream(name: 'stdin' | 'stdout' | 'stderr', stream: NodeJS.ReadableStream | NodeJS.WritableStream): () => void {
  const saved = Object.getOwnPropertyDescriptor(process, name)!
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream })
  return () => Object.defineProperty(process, name, saved)
}

/** Sets process.env to exactly `env` and returns a function that puts the previous variables back. */
function swapEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env }
  const replace = (next: NodeJS.ProcessEnv): void => {
    for (const k of Object.keys(process.env)) if (!(k in next)) delete process.env[k]
    for (const [k, v] of Object.entries(next)) if (v !== undefined) process.env[k] = v
  }
  replace(env)
  return () => replace(saved)
}

let queue: Promise<unknown> = Promise.resolve()

/** The in-process run under way, if any (named in a timeout's message). */
export function currentRun(): string | undefined {
  return running
}

/**
 * Runs the CLI in this process with `env` as its whole environment, `cwd` as its working directory and `input` on
 * stdin; resolves with the exit code and output a spawned `bin/run.js` would have given. Runs started together (a
 * test's `Promise.all`) run one after another, in the order they were started: one order their processes could have
 * had. A test about runs that really overlap spawns them.
 */
export function runInProcess(args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }): Promise<RawResult> {
  const run = queue.then(() => runAlone(args, opts))
  queue = run.catch(() => undefined)
  return run
}

async function runAlone(args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }): Promise<RawResult> {
  const what = `waiaas ${args.join(' ')}`
  // The queue makes this impossible; anything that gets around it would share this process's stdio and environment.
  if (running !== undefined) throw new Error(`in-process CLI runs overlap: \`${what}\` started while \`${running}\` runs`)
  running = what
  const out = new Sink(process.stdout)
  const err = new Sink(process.stderr)
  const stdin = Readable.from(opts.input === undefined || opts.input === '' ? [] : [Buffer.from(opts.input)])
  Object.assign(stdin, { isTTY: undefined })
  let listenersBefore: number[] | undefined
  const savedExitCode = process.exitCode
  const savedConsole = globalThis.console
  const savedCwd = process.cwd()
  const savedExit = Exit.exit
  const savedProcessExit = process.exit
  const savedArgv = process.argv
  let exitedWith: number | undefined
  let processExitCalled: unknown
  const restores: (() => void)[] = []
  try {
    restores.push(swapEnv(opts.env))
    if (opts.cwd !== undefined) process.chdir(path.resolve(savedCwd, opts.cwd))
    restores.push(swapStream('stdout', out), swapStream('stderr', err), swapStream('stdin', stdin))
    globalThis.console = new Console({ stdout: out, stderr: err })
    process.argv = [process.execPath, BIN, ...args]
    process.exitCode = undefined
    // oclif's handle() ends the process through Exit.exit (its documented stub point); bin/run.js would exit here.
    Exit.exit = ((code = 0) => {
      exitedWith ??= code
    }) as typeof Exit.exit
    // Commands and library code never call process.exit (STYLE.md 10); one that does must run spawned.
    process.exit = ((code?: number) => {
      processExitCalled = code ?? 'undefined'
      throw new Error(`process.exit(${String(code)}) called in-process by \`${what}\`: run it with { spawn: true }`)
    }) as typeof process.exit
    // Loaded (the first time) under the run's environment, as bin/run.js loads it.
    const loaded = await cliConfig()
    listenersBefore = WATCHED_EVENTS.map((e) => process.listenerCount(e))
    await currentCommand.run([out, err], () => execute({ args, loadOptions: loaded }))
    const exitCode = exitedWith ?? Number(process.exitCode ?? 0)
    if (processExitCalled !== undefined) throw new Error(`\`${what}\` called process.exit(${String(processExitCalled)}): run it with { spawn: true }`)
    return { code: exitCode, stdout: out.text, stderr: err.text }
  } finally {
    Exit.exit = savedExit
    process.exit = savedProcessExit
    process.argv = savedArgv
    globalThis.console = savedConsole
    process.exitCode = savedExitCode
    for (const restore of restores.reverse()) restore()
    if (process.cwd() !== savedCwd) process.chdir(savedCwd)
    running = undefined
    const leaked = WATCHED_EVENTS.filter((e, i) => listenersBefore !== undefined && process.listenerCount(e) !== listenersBefore[i])
    if (leaked.length > 0) {
      // eslint-disable-next-line no-unsafe-finally
      throw new Error(`\`${what}\` left process listeners behind (${leaked.join(', ')}): a command that handles signals must run with { spawn: true }`)
    }
  }
}
