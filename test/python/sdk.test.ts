/**
 * The Python SDK's own tests (python/tests: the SDK against a real daemon and devnet that they start with the built
 * CLI, over the socket and over REST, and examples/pay.py), run by `python3 -m unittest` discovery in one child
 * process while the other test files run; each Python test is one test here, with its traceback when it fails. A
 * Python test that never ran (its module's setup failed) fails here too, as does a machine without python3.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const RUNNER = fileURLToPath(new URL('./unittest-json.py', import.meta.url))
const PYTHON = process.env.PYTHON ?? 'python3'

interface Outcome {
  outcome: 'passed' | 'failed' | 'skipped' | 'not run'
  detail: string
}

const ids = JSON.parse(execFileSync(PYTHON, [RUNNER, '--list'], { encoding: 'utf8' })) as string[]
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-python-'))
let report: { tests: Record<string, Outcome>; setupErrors: string[] } | undefined
let output = ''

describe('the Python SDK (python/tests)', () => {
  beforeAll(async () => {
    const out = path.join(dir, 'report.json')
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(PYTHON, [RUNNER, out], { stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
      child.once('error', reject)
      child.once('close', resolve)
    })
    if (!fs.existsSync(out)) throw new Error(`the Python tests wrote no report (exit ${String(code)}):\n${output.slice(-6000)}`)
    report = JSON.parse(fs.readFileSync(out, 'utf8')) as typeof report
  }, 240_000)

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('discovers the Python tests, and none failed outside a test (module or class set-up)', () => {
    expect(ids.length).toBeGreaterThan(10)
    expect(report?.setupErrors, output.slice(-6000)).toEqual([])
  })

  it.for(ids)('%s', (id, { skip }) => {
    const r = report?.tests[id]
    if (r?.outcome === 'skipped') return skip(r.detail)
    expect(r?.outcome, `${id}\n${r?.detail ?? 'no outcome'}`).toBe('passed')
  })
})
