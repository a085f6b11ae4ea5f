#!/usr/bin/env node
// Start-up and round-trip benchmark (issue 2). Needs a build (`npm run build`). Usage:
//   node bench/run.js [--runs 30] [--calls 5000] [--save]
// Measures, in one run on one machine: wall time of `node -e 0`, `waiaas --version` and `waiaas status --json`
// (daemon running), and the daemon round trip of a trivial method over the real socket.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = path.join(root, 'bin', 'run.js')
const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, calls: { type: 'string', default: '5000' }, save: { type: 'boolean', default: false } } })
const runs = Number(values.runs)
const calls = Number(values.calls)

const { startDaemon } = await import(path.join(root, 'dist/daemon/daemon.js'))
const { connectExisting } = await import(path.join(root, 'dist/cli/launcher.js'))

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-bench-'))
const dataDir = path.join(home, 'd')
const env = { ...process.env, WAIAAS_DATA_DIR: dataDir, NO_COLOR: '1' }

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}
const summary = (xs) => ({ p50: +quantile(xs, 0.5).toFixed(3), p90: +quantile(xs, 0.9).toFixed(3), min: +Math.min(...xs).toFixed(3), n: xs.length })

/** Runs a command to completion; resolves with its wall time in ms (asynchronously: the daemon shares our loop). */
function timed(argv) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint()
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`${argv.join(' ')} exited ${code}: ${out}`))))
  })
}

/** Wall time in ms of each command, `runs` times, interleaved so load affects all alike. */
async function timeCommands(cmds) {
  const out = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]))
  for (let i = 0; i < runs + 2; i++) {
    for (const [name, argv] of Object.entries(cmds)) {
      const ms = await timed(argv)
      if (i >= 2) out[name].push(ms) // two warm-up rounds fill the page cache
    }
  }
  return out
}

// An in-process daemon, as `startDaemon` offers it; the CLI runs as separate processes against its socket.
const daemon = await startDaemon({ home: dataDir, env: { autoProvision: false } })
try {
  const times = await timeCommands({
    'node -e 0': [process.execPath, '-e', '0'],
    'waiaas --version': [process.execPath, bin, '--version'],
    'waiaas status --json': [process.execPath, bin, 'status', '--json'],
  })

  const client = await connectExisting(daemon.paths)
  for (let i = 0; i < 500; i++) await client.call('system.status', {})
  const rtt = []
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint()
    await client.call('system.status', {})
    rtt.push(Number(process.hrtime.bigint() - t) / 1e3)
  }
  client.close()

  const node0 = quantile(times['node -e 0'], 0.5)
  const status = quantile(times['waiaas status --json'], 0.5)
  const result = {
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '' },
    command: `node bench/run.js --runs ${runs} --calls ${calls}`,
    wallMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, summary(v)])),
    statusOverNode: +(status / node0).toFixed(2),
    roundTripUs: summary(rtt),
    targets: { statusOverNode: '<= 3', roundTripP50Us: '< 200' },
  }
  result.pass = result.statusOverNode <= 3 && result.roundTripUs.p50 < 200
  console.log(JSON.stringify(result, null, 2))
  if (values.save) {
    const file = path.join(root, 'bench', 'results', 'startup.json')
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
    console.error(`saved ${path.relative(root, file)}`)
  }
  process.exitCode = result.pass ? 0 : 1
} finally {
  await daemon.close()
  fs.rmSync(home, { recursive: true, force: true })
}
