/**
 * Runs the built CLI as a user would, in a temporary home, and parses its --json envelope: by default inside this
 * test process (./cli-inprocess.ts: the same oclif entry as bin/run.js, ~100× cheaper than a process), or with
 * `{ spawn: true }` as a real `bin/run.js` process, for what only a process shows (signals, a foreground daemon, the
 * stdio MCP server, a crash). test/e2e/spawn-per-command.test.ts keeps one real spawn per command and checks that
 * both ways give the same exit code and envelope.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { currentRun, runInProcess } from './cli-inprocess.js'

export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  /** The parsed envelope when stdout is exactly one JSON line. */
  json: { ok: boolean; data?: any; error?: { code: string; message: string; details: Record<string, unknown>; hint: string } } | undefined
}

/** A private temporary directory (0700) that holds a data dir and secret files for one test file. */
export function tempHome(prefix = 'waiaas-test-'): { root: string; dataDir: string; file(name: string, content: string): string; cleanup(): void } {
  // Short base path: the socket path must stay under the Unix limit.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  fs.chmodSync(root, 0o700)
  const dataDir = path.join(root, 'd')
  return {
    root,
    dataDir,
    file(name, content) {
      const p = path.join(root, name)
      fs.writeFileSync(p, content, { mode: 0o600 })
      return p
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true })
    },
  }
}

/** The test suite's cheap master-password KDF (src/daemon/keystore/kdf.ts, TEST_N); `{ WAIAAS_TEST_KDF: '' }` in `extra` opts out. */
export const TEST_KDF_ENV = { WAIAAS_TEST_HOOKS: '1', WAIAAS_TEST_KDF: 'fast' } as const

/**
 * The environment for a CLI run: the test's data dir, preferences (`waiaas use`) beside it rather than the user's,
 * no inherited WAIAAS_* settings except the test KDF cost, no colour, and no NODE_ENV (vitest sets it to `test`,
 * which puts oclif in its development mode: TypeScript path lookups and warnings a user's CLI never prints).
 */
export function cliEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WAIAAS_') && k !== 'NODE_ENV') env[k] = v
  return { ...env, ...TEST_KDF_ENV, NO_COLOR: '1', WAIAAS_DATA_DIR: dataDir, WAIAAS_CONFIG_DIR: `${dataDir}.prefs`, ...extra }
}

export interface CliOptions {
  env: NodeJS.ProcessEnv
  /** Written to stdin, which then ends (empty by default). */
  input?: string
  timeoutMs?: number
  /** Working directory of the run (default this process's). */
  cwd?: string
  /** Run a real `bin/run.js` process instead of in this one. */
  spawn?: boolean
}

/** The envelope when stdout is exactly one JSON line. */
export function parseEnvelope(stdout: string): CliResult['json'] {
  const lines = stdout.trim().split('\n')
  if (lines.length !== 1 || !lines[0]?.startsWith('{')) return undefined
  try {
    return JSON.parse(lines[0])
  } catch {
    return undefined
  }
}

/** Runs `waiaas ...args` with no TTY (in `cwd`, default this process's) and resolves with exit code, output and the parsed envelope. */
export function runCli(args: string[], opts: CliOptions): Promise<CliResult> {
  return opts.spawn === true ? spawnCli(args, opts) : inProcessCli(args, opts)
}

/** `runCli` in this process: a run that outlives `timeoutMs` fails (and, still running, fails the next run too). */
async function inProcessCli(args: string[], opts: CliOptions): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waiaas ${args.join(' ')} timed out (in-process; running: ${currentRun() ?? 'none'})`)), opts.timeoutMs ?? 60_000)
  })
  try {
    const r = await Promise.race([runInProcess(args, { env: opts.env, ...(opts.input === undefined ? {} : { input: opts.input }), ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }) }), timeout])
    return { ...r, json: parseEnvelope(r.stdout) }
  } finally {
    clearTimeout(timer)
  }
}

/** `runCli` as a real `bin/run.js` process. */
export function spawnCli(args: string[], opts: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }) })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`waiaas ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, opts.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, json: parseEnvelope(stdout) })
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Stops the daemon of a data dir if one runs (best effort, for afterAll). */
export async function stopDaemon(dataDir: string): Promise<void> {
  await runCli(['daemon', 'stop', '--json'], { env: cliEnv(dataDir) })
}
