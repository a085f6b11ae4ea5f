#!/usr/bin/env node
// SDK overhead benchmark (issue 17). Needs a build (`npm run build`). Usage:
//   node bench/sdk.js [--calls 2000] [--rounds 5] [--save]
// The round trip of `sign.message` (policy-checked, signed, recorded: a real request) as an agent session, over the
// real Unix socket of an in-process daemon: through the TypeScript SDK (`client.sign.message`) and through the raw
// socket client the CLI uses (DaemonClient.call). Rounds alternate SDK / raw (and which goes first) so drift hits both; the target is an
// SDK p50 within 1.1x of the raw one. Then, when python3 is on PATH, bench/sdk-python.py (the Python SDK against raw
// frames, on a daemon it starts as a child process) and its figures go into the same result under `python`.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({ options: { calls: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '6' }, save: { type: 'boolean', default: false } } })
const calls = Number(values.calls)
const rounds = Number(values.rounds)

const { startDaemon } = await import(path.join(root, 'dist/daemon/daemon.js'))
const { connectExisting } = await import(path.join(root, 'dist/cli/launcher.js'))
const { Waiaas } = await import(path.join(root, 'dist/sdk/index.js'))

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-bench-sdk-'))
const dataDir = path.join(home, 'd')
const PASSWORD = 'correct horse battery staple'
const op = { password: PASSWORD }
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]

/** The Python SDK's round trip (bench/sdk-python.py), or why there is none. */
function pythonFigures() {
  try {
    const out = execFileSync('python3', [path.join(root, 'bench/sdk-python.py'), '--calls', String(calls)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    return { ...JSON.parse(out.trim().split('\n').pop()), daemon: 'a child process started by the built CLI (as the Python tests start it)' }
  } catch (err) {
    return { skipped: err instanceof Error ? err.message.split('\n')[0] : String(err) }
  }
}

const daemon = await startDaemon({ home: dataDir, env: { autoProvision: false } })
const raw = await connectExisting(daemon.paths)
try {
  await raw.call('vault.init', { password: PASSWORD })
  await raw.call('wallet.create', { chain: 'evm', name: 'bench' }, op)
  await raw.call('policy.add', { global: true, type: 'SIGNING_RULES', rules: { allow_personal_sign: true } }, op)
  const { token } = await raw.call('session.create', { wallets: ['bench'], permissions: ['sign'], name: 'bench' }, op)
  const sdk = new Waiaas({ socketPath: daemon.paths.socket, token })
  const params = { wallet: 'bench', message: 'hello' }
  const viaRaw = () => raw.call('sign.message', params, { token })
  const viaSdk = () => sdk.sign.message(params)
  const measure = async (fn) => {
    const xs = []
    for (let i = 0; i < calls; i++) {
      const t = process.hrtime.bigint()
      await fn()
      xs.push(Number(process.hrtime.bigint() - t) / 1e6)
    }
    return xs
  }
  await measure(viaRaw) // warm-up: JIT, the SDK's connection and handshake
  await measure(viaSdk)
  const all = { sdk: [], raw: [] }
  for (let r = 0; r < rounds; r++) {
    // Who goes first alternates too, so a slow spell of the machine does not always fall on the same side.
    const order = r % 2 === 0 ? ['sdk', 'raw'] : ['raw', 'sdk']
    for (const k of order) all[k].push(...(await measure(k === 'sdk' ? viaSdk : viaRaw)))
  }
  const stat = (xs) => ({ p50: +quantile(xs, 0.5).toFixed(4), p90: +quantile(xs, 0.9).toFixed(4), n: xs.length })
  const result = {
    bench: 'sdk-overhead',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    method: 'sign.message (agent session, over the Unix socket, daemon in-process)',
    sdkMs: stat(all.sdk),
    rawMs: stat(all.raw),
    ratioP50: +(quantile(all.sdk, 0.5) / quantile(all.raw, 0.5)).toFixed(3),
    target: 1.1,
    python: pythonFigures(),
  }
  console.log(JSON.stringify(result, null, 2))
  if (values.save) {
    const out = path.join(root, 'bench/results/sdk.json')
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
    console.error(`saved ${out}`)
  }
  sdk.close()
} finally {
  raw.close()
  await daemon.close()
  fs.rmSync(home, { recursive: true, force: true })
}
