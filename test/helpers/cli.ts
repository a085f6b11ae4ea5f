/** Runs the built `bin/run.js` as a user would, in a temporary home, and parses its --json envelope. */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

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
 * no inherited WAIAAS_* settings except the test KDF cost, no colour.
 */
export function cliEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WAIAAS_')) env[k] = v
  return { ...env, ...TEST_KDF_ENV, NO_COLOR: '1', WAIAAS_DATA_DIR: dataDir, WAIAAS_CONFIG_DIR: `${dataDir}.prefs`, ...extra }
}

/** Runs `waiaas ...args` with no TTY (in `cwd`, default this process's) and resolves with exit code, output and the parsed envelope. */
export function runCli(args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string }): Promise<CliResult> {
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
      let json: CliResult['json']
      const lines = stdout.trim().split('\n')
      if (lines.length === 1 && lines[0]?.startsWith('{')) {
        try {
          json = JSON.parse(lines[0])
        } catch {
          json = undefined
        }
      }
      resolve({ code, stdout, stderr, json })
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Stops the daemon of a data dir if one runs (best effort, for afterAll). */
export async function stopDaemon(dataDir: string): Promise<void> {
  await runCli(['daemon', 'stop', '--json'], { env: cliEnv(dataDir) })
}
