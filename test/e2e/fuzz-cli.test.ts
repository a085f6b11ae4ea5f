/**
 * Every command through bin/run.js with arguments drawn at random (fixed seed) from hostile and plausible values:
 * empty, negative, huge, overflowing, path traversal, broken JSON, emoji, other wallets' names, real network ids.
 * Whatever the values, each run prints exactly one envelope; a failure carries a documented code (never INTERNAL),
 * its documented exit code and a hint; and nothing prints a stack trace. Commands that would not return on their own
 * (mcp, the foreground daemon, log following) or that take minutes (quickset, devnet start) are left out, as are the
 * ones that would change what later runs see (lock, daemon stop, password change, kill switch).
 */
import fs from 'node:fs'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/lib/errors.js'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, ok, stopDaemonSurely } from '../helpers/e2e.js'

interface ManifestFlag {
  type: 'boolean' | 'option'
  options?: string[]
}
interface ManifestCommand {
  args: Record<string, unknown>
  flags: Record<string, ManifestFlag>
}
const manifest = JSON.parse(fs.readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as { commands: Record<string, ManifestCommand> }

const SKIP = new Set(['mcp', 'daemon:start', 'daemon:logs', 'quickset', 'devnet:start', 'lock', 'daemon:stop', 'password:change', 'killswitch:on'])
const NOT_DRAWN = new Set(['json', 'help', 'data-dir', 'password-file', 'follow', 'foreground'])
const RUNS_PER_COMMAND = 2

const home = tempHome('waiaas-fuzz-')
const pw = home.file('pw.txt', `${MASTER_PASSWORD}\n`)
// HOME is the temp dir (daemon install writes user units there); the registry is a closed loopback port.
const env = cliEnv(home.dataDir, { HOME: home.root, WAIAAS_NPM_REGISTRY: 'http://127.0.0.1:9' })

const hostile = fc.constantFrom(
  '',
  '-1',
  '0',
  'x'.repeat(3000),
  '../../etc/passwd',
  '1e309',
  '0x',
  'NaN',
  '{"a":',
  '💥',
  ' e ',
  '99999999999999999999999999999999',
  '/dev/null',
  home.root,
)
const plausible = fc.constantFrom('e', 's', 'evm-local', 'solana-local', '0.1', '0x0000000000000000000000000000000000000001', '11111111111111111111111111111111', 'eip155:1', '1h', 'read,send', 'SPENDING_LIMIT', '{"instant_max":"1"}')
const value = fc.oneof(hostile, plausible)

/** One argument vector for a command: each positional drawn, each flag present or not, options from their list or not. */
function argsFor(id: string, c: ManifestCommand): fc.Arbitrary<string[]> {
  const positional = Object.keys(c.args).map(() => value.map((v) => (v === '' ? 'zz' : v)))
  const flags = Object.entries(c.flags)
    .filter(([name]) => !NOT_DRAWN.has(name))
    .map(([name, f]) => {
      const v: fc.Arbitrary<string[]> =
        f.type === 'boolean' ? fc.constant([`--${name}`]) : (f.options !== undefined ? fc.oneof(fc.constantFrom(...f.options), value) : value).map((x) => [`--${name}`, x])
      return fc.option(v, { nil: [] as string[] })
    })
  const withPassword = fc.option(fc.constant(['--password-file', pw]), { nil: [] as string[], freq: 2 })
  return fc.tuple(fc.tuple(...positional), fc.tuple(...flags), withPassword).map(([p, f, w]) => [...id.split(':'), ...p, ...f.flat(), ...(Object.hasOwn(c.flags, 'password-file') ? w : [])])
}

const cases: string[][] = Object.entries(manifest.commands)
  .filter(([id]) => !SKIP.has(id))
  .flatMap(([id, c], i) => fc.sample(argsFor(id, c), { numRuns: RUNS_PER_COMMAND, seed: 20261126 + i }))

beforeAll(async () => {
  const run = async (args: string[]) => ok(await runCli([...args, '--json'], { env }).then((r) => r))
  await run(['init', '--password-file', pw])
  await run(['wallet', 'create', '--chain', 'evm', '--name', 'e', '--password-file', pw])
  await run(['wallet', 'create', '--chain', 'solana', '--name', 's', '--password-file', pw])
}, 60_000)

afterAll(async () => {
  await stopDaemonSurely(home.dataDir)
  home.cleanup()
})

const shown = (args: string[]): string => args.map((a) => (a.length > 40 ? `${a.slice(0, 12)}…(${a.length} chars)` : JSON.stringify(a))).join(' ')

describe('every command, drawn arguments', () => {
  it(`answers ${cases.length} runs with one envelope, a documented code and exit, a hint, and no stack trace`, async () => {
    expect(cases.length).toBeGreaterThan(100)
    for (const args of cases) {
      // Run in the temporary home: a drawn relative --out path must not land in the repository.
      const r = await runCli([...args, '--json'], { env, cwd: home.root })
      const where = `waiaas ${shown(args)}\nexit ${r.code}\nstdout: ${r.stdout.slice(0, 800)}\nstderr: ${r.stderr.slice(0, 800)}`
      expect(r.stdout.trim().split('\n').length, where).toBe(1)
      expect(r.json, where).toBeDefined()
      expect(`${r.stdout}${r.stderr}`, where).not.toMatch(/\n\s+at .+:\d+:\d+/)
      if (r.json?.ok === true) {
        expect(r.code, where).toBe(0)
        continue
      }
      const e = r.json?.error
      expect(e?.code, where).not.toBe('INTERNAL')
      expect(Object.hasOwn(ERROR_CODES, e?.code ?? ''), where).toBe(true)
      expect(r.code, where).toBe(ERROR_CODES[e!.code as keyof typeof ERROR_CODES].exit)
      expect(e?.hint.length, where).toBeGreaterThan(0)
    }
  }, 300_000)
})
