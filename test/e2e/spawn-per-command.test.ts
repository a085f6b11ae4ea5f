/**
 * Command tests run the CLI inside the test process (test/helpers/cli-inprocess.ts). This file keeps one real
 * `bin/run.js` process per command of oclif.manifest.json, and checks that the process and the in-process runner give
 * the same exit code, the same stdout (the one envelope, compared as parsed JSON too) and the same stderr, for an
 * argv whose result does not depend on time or a daemon: a missing required argument, else an unknown flag, under
 * --json and in human output, against an empty data directory with no daemon. Plus the runs that end before any
 * command (an unknown command, a topic under --json, --version, --help).
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, isErrorCode } from '../../src/lib/errors.js'
import { cliEnv, runCli, tempHome, type CliResult } from '../helpers/cli.js'

interface ManifestCommand {
  id: string
  args?: Record<string, { required?: boolean }>
  strict?: boolean
}

const manifest = JSON.parse(fs.readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as { commands: Record<string, ManifestCommand> }
const commands = Object.values(manifest.commands).sort((a, b) => a.id.localeCompare(b.id))

/** The argv of one command: its words, then what makes it fail in parsing (a missing argument, else an unknown flag). */
function argvOf(c: ManifestCommand, json: boolean): string[] {
  const words = c.id.split(':')
  const requiresArg = Object.values(c.args ?? {}).some((a) => a.required === true)
  return [...words, ...(requiresArg ? [] : ['--no-such-flag']), ...(json ? ['--json'] : [])]
}

interface Case {
  name: string
  argv: string[]
  /** The exit code a run must give, or `envelope`: one failure envelope whose code (`error` when given) sets the exit code. */
  expect: { code: number } | { envelope: true; error?: string }
}

// Every command under --json (its envelope and exit code: USAGE, exit 2, for a strict command's parse failure; a
// command that takes any argv fails its own way) and every fifteenth in human output too.
const cases: Case[] = [
  ...commands.map((c) => ({ name: `${c.id} --json`, argv: argvOf(c, true), expect: { envelope: true as const, ...(c.strict === false ? {} : { error: 'USAGE' }) } })),
  ...commands.filter((c, i) => i % 15 === 0 && c.strict !== false).map((c) => ({ name: `${c.id} (human)`, argv: argvOf(c, false), expect: { code: 2 } })),
  { name: 'unknown command --json', argv: ['walet', 'list', '--json'], expect: { envelope: true, error: 'USAGE' } },
  { name: 'unknown command (human)', argv: ['walet', 'list'], expect: { code: 2 } },
  { name: 'topic --json', argv: ['wallet', '--json'], expect: { envelope: true, error: 'USAGE' } },
  { name: '--version', argv: ['--version'], expect: { code: 0 } },
  { name: 'wallet list --help', argv: ['wallet', 'list', '--help'], expect: { code: 0 } },
]

const home = tempHome('waiaas-spc-')
const env = cliEnv(home.dataDir)
const spawned = new Map<string, CliResult>()
const inProcess = new Map<string, CliResult>()

beforeAll(async () => {
  // The processes run three at a time (they wait on their own start-up, not on this process); the in-process runs
  // meanwhile, one after another.
  const queue = [...cases]
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) spawned.set(c.name, await runCli(c.argv, { env, spawn: true, timeoutMs: 120_000 }))
  }
  const local = (async () => {
    for (const c of cases) inProcess.set(c.name, await runCli(c.argv, { env }))
  })()
  await Promise.all([worker(), worker(), worker(), local])
}, 900_000)

afterAll(() => home.cleanup())

describe('one real process per command gives what the in-process runner gives', () => {
  it('covers every command of the manifest', () => {
    expect(commands.length).toBeGreaterThan(50)
    for (const c of commands) expect(spawned.has(`${c.id} --json`), c.id).toBe(true)
  })

  it.for(cases)('$name', (c) => {
    const p = spawned.get(c.name)!
    const i = inProcess.get(c.name)!
    const where = `waiaas ${c.argv.join(' ')}\nspawned: exit ${p.code}\n${p.stdout}\n${p.stderr}\nin-process: exit ${i.code}\n${i.stdout}\n${i.stderr}`
    expect(i.code, where).toBe(p.code)
    expect(i.stdout, where).toBe(p.stdout)
    expect(i.stderr, where).toBe(p.stderr)
    expect(i.json, where).toEqual(p.json)
    if ('code' in c.expect) {
      expect(p.code, where).toBe(c.expect.code)
      return
    }
    expect(p.stdout.endsWith('\n') && p.stdout.trim().split('\n').length === 1, `one line on stdout: ${where}`).toBe(true)
    expect(p.json?.ok, where).toBe(false)
    const code = p.json?.error?.code
    if (c.expect.error !== undefined) expect(code, where).toBe(c.expect.error)
    expect(isErrorCode(code), where).toBe(true)
    expect(p.code, where).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES].exit)
    expect(typeof p.json?.error?.message, where).toBe('string')
    expect(typeof p.json?.error?.hint, where).toBe('string')
    expect(p.json?.error?.details !== null && typeof p.json?.error?.details, where).toBe('object')
  })
})
