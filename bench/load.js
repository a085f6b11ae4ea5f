#!/usr/bin/env node
// What loading costs a process: the daemon's modules as tsc wrote them (dist/) against the bundle the `waiaas`
// binary runs (dist/bundle/, scripts/bundle.mjs), and a daemon spawned as the CLI spawns it, until it answers. Needs
// a build (`npm run build`); Linux (it reads the daemon's CPU time from /proc). Usage:
//   node bench/load.js [--runs 15] [--save]
// CPU time (user + system), not wall time: on a loaded machine (CI's test run) CPU is what a start-up takes from
// everything else. Runs are interleaved so that load affects all cases alike.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = path.join(root, 'bin', 'run.js')
const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, save: { type: 'boolean', default: false } } })
const runs = Number(values.runs)
if (process.platform !== 'linux') throw new Error('bench/load.js reads /proc: run it on Linux')

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]
const summary = (xs) => ({ p50: +quantile(xs, 0.5).toFixed(3), p90: +quantile(xs, 0.9).toFixed(3), min: +Math.min(...xs).toFixed(3), n: xs.length })

/** CPU seconds a fresh `node` spends importing `file` (0 for none), as the process itself counts it. */
function importCpu(file) {
  const code = `${file === null ? '' : `await import(${JSON.stringify(file)});`} const u = process.cpuUsage(); console.log((u.user + u.system) / 1e6)`
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' }).trim())
}

const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
/** CPU seconds of a live process so far, from /proc/<pid>/stat (utime + stime). */
function processCpu(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / ticks
}

/** CPU seconds of a daemon spawned by `waiaas daemon start` (detached, as the CLI starts it), when it first answers. */
function daemonCpu(home) {
  const env = { ...process.env, WAIAAS_DATA_DIR: path.join(home, 'd'), WAIAAS_CONFIG_DIR: path.join(home, 'p'), NO_COLOR: '1' }
  const started = JSON.parse(execFileSync(process.execPath, [bin, 'daemon', 'start', '--json'], { env, encoding: 'utf8' }))
  const cpu = processCpu(started.data.pid)
  execFileSync(process.execPath, [bin, 'daemon', 'stop', '--json'], { env, encoding: 'utf8' })
  return cpu
}

const cases = {
  'node -e 0': () => importCpu(null),
  'import dist/daemon/daemon.js (tsc)': () => importCpu(path.join(root, 'dist/daemon/daemon.js')),
  'import dist/bundle/daemon/daemon.js (bundle)': () => importCpu(path.join(root, 'dist/bundle/daemon/daemon.js')),
}
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-bench-load-'))
const samples = Object.fromEntries([...Object.keys(cases), 'daemon ready (spawned by daemon start)'].map((k) => [k, []]))
try {
  for (let i = 0; i < runs + 1; i++) {
    for (const [name, run] of Object.entries(cases)) {
      const cpu = run()
      if (i > 0) samples[name].push(cpu) // one warm-up round fills the page cache
    }
    const cpu = daemonCpu(home)
    if (i > 0) samples['daemon ready (spawned by daemon start)'].push(cpu)
  }
} finally {
  fs.rmSync(home, { recursive: true, force: true })
}

const results = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, summary(xs)]))
const tsc = results['import dist/daemon/daemon.js (tsc)'].p50
const bundle = results['import dist/bundle/daemon/daemon.js (bundle)'].p50
// Target (issue 15's CI time): the bundle loads the daemon in at most 60 % of the CPU of tsc's output.
const ratio = +(bundle / tsc).toFixed(3)
const report = {
  command: `node bench/load.js --runs ${runs}${values.save ? ' --save' : ''}`,
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? null, node: process.version },
  unit: 'CPU seconds (user + system)',
  results,
  bundleToTscImport: ratio,
  target: { bundleToTscImport: 0.6, met: ratio <= 0.6 },
}
console.log(JSON.stringify(report, null, 2))
if (values.save) fs.writeFileSync(path.join(root, 'bench/results/load.json'), `${JSON.stringify(report, null, 2)}\n`)
if (!report.target.met) process.exitCode = 1
