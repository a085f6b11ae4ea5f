#!/usr/bin/env node
// The transaction pipeline through the daemon's socket vs in-process, and end to end against anvil (issue targets).
// Needs a build (`npm run build`). Usage:
//   node bench/pipeline.js [--parts sign,e2e] [--n 5000] [--clients 32] [--rounds 4] [--rtt 2000] [--warmup 300]
//                          [--chains evm,solana] [--stages] [--e2e-n 100] [--e2e-clients 8] [--e2e-per-client 25]
//                          [--ticks 20,50] [--poll-ms 10] [--shared-anvil] [--modes socket,socketSameProcess,inProcess]
//                          [--start-rows 1000000] [--start-rounds 3] [--dist DIR] [--save]
// (parts: sign, start, e2e; default sign,start,e2e)
//
// sign: policy-checked, signed and recorded `sign.message` requests (SIGNING_RULES allow_personal_sign + a
//   SPENDING_LIMIT), sign-only so no chain is involved, for an EVM and a Solana wallet. Three ways, alternated round
//   by round so drift hits all alike:
//   - socket: a real in-process daemon (`startDaemon`) and `--clients` DaemonClient connections held by a child
//     process (as agents are separate processes; the daemon's event loop does only daemon work);
//   - socketSameProcess: a second daemon (own data directory), `--clients` connections opened in this process
//     (client encode/decode shares the daemon's event loop and core);
//   - in-process (the floor): a second daemon context built as daemon.ts builds it (database, keyring, chains, prices,
//     pipeline) on its own data directory, and `dispatch(ctx, 'sign.message', params, auth)` called directly — the
//     socket server's exact work (zod in and out, password check, handler) minus framing, JSON and the socket.
//   Operator calls carry the master password (an unlocked daemon checks it by HMAC). Throughput is requests / wall
//   time with `--clients` concurrent callers; round trip is one caller, sequential.
//   `--stages` then runs sequential in-process requests with timers around SQLite statements (COMMIT = fsync under
//   synchronous=FULL), the password check, zod parse of input and output, the group-commit batch and the pipeline
//   facade's submit (its jobs are module functions, seen through the SQL they run).
// e2e: `tx.send` of a native transfer under an INSTANT SPENDING_LIMIT, then `tx.wait` until confirmed (the daemon
//   reads the status when tx.wait finds the request submitted, then on its sweep every `pipelineTickMs`), vs raw
//   ethers `sendTransaction` + `getTransactionReceipt` every `--poll-ms` on the same anvil (automine): sequential, and
//   `--e2e-clients` clients from as many wallets. Run once per tick in `--ticks` (a fresh anvil each, unless
//   --shared-anvil); reports submit latency (tx.send answered), confirmation latency, and the time between them
//   (tx.wait's share) separately.
import { execFileSync, fork } from 'node:child_process'
import { createPublicKey, verify } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({
  options: {
    worker: { type: 'boolean', default: false },
    parts: { type: 'string', default: 'sign,start,e2e' },
    n: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '4' },
    rtt: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '300' },
    chains: { type: 'string', default: 'evm,solana' },
    modes: { type: 'string', default: 'socket,socketSameProcess,inProcess' },
    stages: { type: 'boolean', default: false },
    'e2e-n': { type: 'string', default: '100' },
    'e2e-clients': { type: 'string', default: '8' },
    'e2e-per-client': { type: 'string', default: '25' },
    'e2e-warmup': { type: 'string', default: '10' },
    ticks: { type: 'string', default: '20,50' },
    'poll-ms': { type: 'string', default: '10' },
    'shared-anvil': { type: 'boolean', default: false },
    'start-rows': { type: 'string', default: '1000000' },
    'start-rounds': { type: 'string', default: '3' },
    dist: { type: 'string' },
    save: { type: 'boolean', default: false },
  },
})

// --dist DIR: measure another build (e.g. a copy of main's dist/) with this script.
const distDir = values.dist === undefined ? path.join(root, 'dist') : path.resolve(values.dist)
const dist = (p) => pathToFileURL(path.join(distDir, p)).href

const PASSWORD = 'correct horse battery staple'
const AUTH = { password: PASSWORD }
const now = () => Number(process.hrtime.bigint()) / 1e3 // µs
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]
}
const r2 = (x) => +x.toFixed(2)
const LOAD_AT_START = os.loadavg().map(r2)
/** Which source the measured dist/ was built from (others may be editing src/ meanwhile), read when the run starts. */
function sourceInfo() {
  let built
  try {
    built = fs.statSync(path.join(distDir, 'daemon', 'daemon.js')).mtime
  } catch {
    built = new Date(0) // dist/ is being rebuilt right now
  }
  const git = (...args) => {
    try {
      return execFileSync('git', ['--no-optional-locks', ...args], { cwd: root, encoding: 'utf8' })
    } catch {
      return ''
    }
  }
  // An uncommitted src file changed before dist was built may be in the build; one changed after is not.
  const when = (f) => {
    try {
      return fs.statSync(path.join(root, f)).mtime < built ? 'before the build' : 'after the build'
    } catch {
      return 'deleted'
    }
  }
  const dirty = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).map((l) => l.slice(3))
  return { commit: git('rev-parse', '--short', 'HEAD').trim() || null, distBuiltAt: built.toISOString(), uncommittedSrc: Object.fromEntries(dirty.map((f) => [f, when(f)])) }
}
const SOURCE_AT_START = sourceInfo()
/** The source, and whether someone rebuilt dist/ while this ran (then modules loaded late may be from the new build). */
function buildInfo() {
  return { ...SOURCE_AT_START, distRebuiltDuringRun: sourceInfo().distBuiltAt !== SOURCE_AT_START.distBuiltAt }
}
const mean = (xs) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length)

/**
 * Runs `total` calls through `concurrency` callers pulling from one counter; `call(caller, i)` resolves with the
 * result, `check(result)` says whether it is what was asked. Latencies in µs.
 */
async function drive(concurrency, total, call, check = () => true) {
  let next = 0
  const lat = new Array(total)
  let errors = 0
  let firstError = null
  const t0 = now()
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      for (;;) {
        const i = next++
        if (i >= total) return
        const t = now()
        try {
          const r = await call(c, i)
          if (!check(r)) throw new Error(`unexpected result: ${JSON.stringify(r).slice(0, 300)}`)
        } catch (err) {
          errors++
          firstError ??= `${err?.code ?? ''} ${err?.message ?? String(err)}`
        }
        lat[i] = now() - t
      }
    }),
  )
  return { wallUs: now() - t0, lat, errors, firstError }
}

const signJob = (wallet, tag) => (i) => ({ wallet, message: `bench ${tag} ${i} ${Date.now()}` })
const isSigned = (r) => r?.state === 'signed' && typeof r.signature === 'string'

// ------------------------------------------------------------------------------------------------- client worker
if (values.worker) {
  const { connectExisting } = await import(dist('cli/launcher.js'))
  let clients = []
  process.on('message', async (m) => {
    if (m.type === 'connect') {
      clients = await Promise.all(Array.from({ length: m.n }, () => connectExisting(m.paths)))
      process.send({ type: 'connected' })
    } else if (m.type === 'run') {
      const params = signJob(m.wallet, m.tag)
      const r = await drive(m.concurrency, m.total, (c, i) => clients[c].call('sign.message', params(i), AUTH), isSigned)
      process.send({ type: 'done', ...r })
    } else if (m.type === 'status') {
      const r = await drive(1, m.total, () => clients[0].call('system.status', {}), (x) => typeof x?.version === 'string')
      process.send({ type: 'done', ...r })
    } else if (m.type === 'close') {
      for (const c of clients) c.close()
      process.disconnect()
    }
  })
  process.send({ type: 'ready' })
} else {
  await main()
}

// ------------------------------------------------------------------------------------------------- in-process context
/**
 * A daemon context for calling `dispatch` directly: the one `startDaemon` builds (so it cannot drift from daemon.ts);
 * its socket is open but no client connects to it.
 */
async function buildContext(home) {
  const { startDaemon } = await import(dist('daemon/daemon.js'))
  const d = await startDaemon({ home, env: { autoProvision: false } })
  return { ctx: d.ctx, close: () => d.close() }
}

/** The same setup on either side: vault, one EVM and one Solana wallet, SIGNING_RULES and a SPENDING_LIMIT each. */
async function setupSigning(call) {
  await call('vault.init', { password: PASSWORD }, undefined)
  const evm = await call('wallet.create', { chain: 'evm', name: 'evm' }, AUTH)
  const sol = await call('wallet.create', { chain: 'solana', name: 'sol' }, AUTH)
  await call('policy.add', { global: true, type: 'SIGNING_RULES', rules: { allow_personal_sign: true } }, AUTH)
  for (const w of ['evm', 'sol']) await call('policy.add', { wallet: w, type: 'SPENDING_LIMIT', rules: { instant_max_usd: '100', daily_limit_usd: '1000' } }, AUTH)
  return { evm, sol }
}

/** The pipeline's group commit, when the build has one (it batches concurrent requests into one transaction). */
async function groupCommitClass() {
  try {
    return (await import(dist('daemon/pipeline/group-commit.js'))).GroupCommit
  } catch {
    return undefined
  }
}

/** Counts batches and the jobs in them, by wrapping GroupCommit.flush; `take()` returns and resets the counts. */
async function countBatches() {
  const GroupCommit = await groupCommitClass()
  const c = { flushes: 0, jobs: 0 }
  const orig = GroupCommit?.prototype.flush
  if (typeof orig === 'function') {
    GroupCommit.prototype.flush = function (...args) {
      c.flushes++
      c.jobs += Array.isArray(this.jobs) ? this.jobs.length : 0
      return orig.apply(this, args)
    }
  }
  return {
    take: () => {
      const out = { ...c }
      c.flushes = c.jobs = 0
      return out
    },
    restore: () => {
      if (typeof orig === 'function') GroupCommit.prototype.flush = orig
    },
  }
}

// ------------------------------------------------------------------------------------------------- sign part
async function benchSign() {
  const N = Number(values.n)
  const CLIENTS = Number(values.clients)
  const ROUNDS = Math.max(1, Number(values.rounds))
  const RTT = Number(values.rtt)
  const WARMUP = Number(values.warmup)
  const CHAINS = values.chains.split(',').map((s) => s.trim())
  const { startDaemon } = await import(dist('daemon/daemon.js'))
  const { connectExisting } = await import(dist('cli/launcher.js'))
  const { dispatch } = await import(dist('daemon/dispatch.js'))
  const { verifyMessage } = await import('ethers')
  const { base58 } = await import('@scure/base')

  // One data directory per side, so each database holds the same history when it is measured (the cost of some
  // queries grows with the rows a wallet has; see the README).
  const homes = [0, 1, 2].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-bench-pipe-')))
  const batches = await countBatches()
  const daemon = await startDaemon({ home: homes[0], env: { autoProvision: false } })
  const daemon2 = await startDaemon({ home: homes[1], env: { autoProvision: false } })
  const inproc = await buildContext(homes[2])
  let worker
  const local = []
  try {
    let sockWallets
    for (const d of [daemon, daemon2]) {
      const setupClient = await connectExisting(d.paths)
      sockWallets = await setupSigning((m, p, a) => setupClient.call(m, p, a))
      setupClient.close()
    }
    await setupSigning((m, p, a) => dispatch(inproc.ctx, m, p, a))

    // The child that holds the socket clients.
    worker = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const inbox = []
    let wake = null
    worker.on('message', (m) => {
      inbox.push(m)
      wake?.()
    })
    const receive = async (type) => {
      for (;;) {
        const i = inbox.findIndex((m) => m.type === type)
        if (i >= 0) return inbox.splice(i, 1)[0]
        await new Promise((r) => (wake = r))
      }
    }
    await receive('ready')
    worker.send({ type: 'connect', n: CLIENTS, paths: daemon.paths })
    await receive('connected')
    for (let c = 0; c < CLIENTS; c++) local.push(await connectExisting(daemon2.paths))

    const modes = {
      socket: async (wallet, total, concurrency, tag) => {
        worker.send({ type: 'run', wallet, total, concurrency, tag })
        return receive('done')
      },
      socketSameProcess: (wallet, total, concurrency, tag) =>
        drive(concurrency, total, (c, i) => local[c].call('sign.message', signJob(wallet, tag)(i), AUTH), isSigned),
      inProcess: (wallet, total, concurrency, tag) => drive(concurrency, total, (_c, i) => dispatch(inproc.ctx, 'sign.message', signJob(wallet, tag)(i), AUTH), isSigned),
    }
    const names = values.modes.split(',').map((s) => s.trim())
    for (const m of names) if (!(m in modes)) throw new Error(`--modes: unknown mode ${m}; modes are ${Object.keys(modes).join(', ')}`)

    // Correctness of what is measured: one signature of each kind verifies against its wallet's address.
    const checks = {}
    const evmSig = await local[0].call('sign.message', { wallet: 'evm', message: 'check' }, AUTH)
    checks.evm = verifyMessage('check', evmSig.signature) === sockWallets.evm.address
    const solSig = await local[0].call('sign.message', { wallet: 'sol', message: 'check' }, AUTH)
    const pub = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(base58.decode(sockWallets.sol.address))]), format: 'der', type: 'spki' })
    checks.solana = verify(null, Buffer.from('check'), pub, Buffer.from(base58.decode(solSig.signature)))

    const floors = await measureFloors(homes[0], async (total) => {
      worker.send({ type: 'status', total })
      return receive('done')
    })
    console.error(
      `floors: durable commit p50 ${floors.durableCommitUs.p50} µs, socket round trip (system.status, clients' process) p50 ${floors.transportUs.p50} µs: a durable answer cannot come sooner than ~${floors.roundTripFloorUs} µs`,
    )

    const out = []
    for (const chain of CHAINS) {
      const wallet = chain === 'evm' ? 'evm' : 'sol'
      console.error(`sign.message, ${chain}:`)
      for (const m of names) await modes[m](wallet, WARMUP, CLIENTS, 'warmup')
      const acc = Object.fromEntries(names.map((m) => [m, { flushes: 0, jobs: 0, wallUs: 0, cpuUs: 0, sysUs: 0, lat: [], errors: 0, firstError: null, rounds: [] }]))
      for (let r = 0; r < ROUNDS; r++) {
        const n = Math.floor(N / ROUNDS) + (r < N % ROUNDS ? 1 : 0)
        const order = names.map((_, k) => names[(k + r) % names.length])
        for (const m of order) {
          batches.take()
          const cpu0 = process.cpuUsage()
          const res = await modes[m](wallet, n, CLIENTS, `r${r}`)
          const cpu = process.cpuUsage(cpu0)
          const b = batches.take()
          acc[m].flushes += b.flushes
          acc[m].jobs += b.jobs
          acc[m].cpuUs += cpu.user + cpu.system
          acc[m].sysUs += cpu.system
          acc[m].wallUs += res.wallUs
          acc[m].rounds.push(r2(res.lat.length / (res.wallUs / 1e6)))
          acc[m].lat.push(...res.lat)
          acc[m].errors += res.errors
          acc[m].firstError ??= res.firstError
        }
      }
      // Single client, sequential round trips, alternated in rounds too.
      const rtt = Object.fromEntries(names.map((m) => [m, []]))
      for (const m of names) await modes[m](wallet, 100, 1, 'rtt-warmup')
      for (let r = 0; r < ROUNDS; r++) {
        const n = Math.floor(RTT / ROUNDS)
        for (const m of names.map((_, k) => names[(k + r) % names.length])) rtt[m].push(...(await modes[m](wallet, n, 1, `rtt${r}`)).lat)
      }
      const res = { chain, requests: N, clients: CLIENTS }
      for (const m of names) {
        const a = acc[m]
        res[m] = {
          reqPerSec: r2(a.lat.length / (a.wallUs / 1e6)),
          reqPerSecByRound: a.rounds,
          // CPU of this process (the daemon's side; the clients' too for socketSameProcess) per request: less noisy
          // than wall time on a shared machine, and without the fsync waits.
          daemonCpuUsPerRequest: r2(a.cpuUs / a.lat.length),
          daemonSysCpuUsPerRequest: r2(a.sysUs / a.lat.length),
          // Group commit (when the build has it): batches committed while this mode ran, and requests per batch.
          groupCommits: a.flushes === 0 ? null : { batches: a.flushes, jobsPerBatch: r2(a.jobs / a.flushes) },
          latencyUnderLoadUs: { p50: r2(quantile(a.lat, 0.5)), p99: r2(quantile(a.lat, 0.99)) },
          roundTripUs: { p50: r2(quantile(rtt[m], 0.5)), p90: r2(quantile(rtt[m], 0.9)), n: rtt[m].length },
          errors: a.errors,
          ...(a.firstError ? { firstError: a.firstError } : {}),
        }
      }
      const minRps = chain === 'evm' ? 1300 : 2000
      const maxRtt = chain === 'evm' ? 800 : 450
      res.targets = { socketOverInProcess: '>= 0.85', reqPerSec: `>= ${minRps}`, roundTripP50Us: `<= ${maxRtt}`, roundTripOverFloor: '<= 3' }
      // The round trip next to its floor (durable commit + bare socket round trip, measured above in this run).
      res.roundTripFloorUs = floors.roundTripFloorUs
      const judge = (m) => ({
        socketOverInProcess: res[m].reqPerSec / res.inProcess.reqPerSec >= 0.85,
        reqPerSec: res[m].reqPerSec >= minRps,
        roundTripP50Us: res[m].roundTripUs.p50 <= maxRtt,
        roundTripOverFloor: res[m].roundTripUs.p50 <= 3 * res.roundTripFloorUs,
        noErrors: res[m].errors === 0 && res.inProcess.errors === 0,
      })
      // Judged only when every mode ran (a --modes subset is for profiling).
      if (res.socket !== undefined && res.socketSameProcess !== undefined && res.inProcess !== undefined) {
        res.socketOverInProcess = r2(res.socket.reqPerSec / res.inProcess.reqPerSec)
        res.socketSameProcessOverInProcess = r2(res.socketSameProcess.reqPerSec / res.inProcess.reqPerSec)
        res.roundTripOverFloor = r2(res.socket.roundTripUs.p50 / res.roundTripFloorUs)
        res.pass = judge('socket')
        res.passClientsInDaemonProcess = judge('socketSameProcess')
      } else {
        res.pass = { allModesRun: false }
      }
      for (const m of names) {
        const x = res[m]
        console.error(
          `  ${m.padEnd(18)} ${String(x.reqPerSec).padStart(8)} req/s  cpu ${String(x.daemonCpuUsPerRequest).padStart(7)} µs/req (sys ${String(x.daemonSysCpuUsPerRequest).padStart(6)})  load p50 ${String(x.latencyUnderLoadUs.p50).padStart(9)} µs  rtt p50 ${String(x.roundTripUs.p50).padStart(7)} µs  errors ${x.errors}${x.groupCommits ? `  ${x.groupCommits.jobsPerBatch} req/commit` : ''}`,
        )
      }
      console.error(`  socket/in-process ${res.socketOverInProcess} (clients in daemon process: ${res.socketSameProcessOverInProcess}); socket round trip / floor ${res.roundTripOverFloor}`)
      out.push(res)
    }

    let stages
    if (values.stages) {
      worker.send({ type: 'close' })
      worker = undefined
      stages = {}
      for (const chain of CHAINS) stages[chain] = await measureStages(inproc.ctx, dispatch, chain === 'evm' ? 'evm' : 'sol')
    }
    return { cases: out, floors, signatureChecks: checks, stages }
  } finally {
    worker?.send({ type: 'close' })
    batches.restore()
    for (const c of local) c.close()
    await daemon.close()
    await daemon2.close()
    await inproc.close()
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true })
  }
}

/**
 * What no answer that waits for a durable commit can beat on this machine, measured in the same run: a transaction
 * writing one 1 KiB row to a database opened as the daemon opens it (WAL, synchronous=FULL) on the same disk, and the
 * socket round trip of `system.status` (no SQL, no crypto) from the clients' process. The round-trip targets are
 * judged against their sum.
 */
async function measureFloors(dir, statusRoundTrips) {
  const { openDatabase } = await import(dist('daemon/store/db.js'))
  const file = path.join(dir, 'floor.db')
  const db = openDatabase(file)
  const lat = []
  try {
    db.exec('CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
    const insert = db.prepare('INSERT INTO floor (body) VALUES (?)')
    const body = 'x'.repeat(1024)
    for (let i = 0; i < 1200; i++) {
      const t = now()
      insert.run(body)
      if (i >= 200) lat.push(now() - t)
    }
  } finally {
    db.close()
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
  }
  await statusRoundTrips(300)
  const status = (await statusRoundTrips(2000)).lat
  const durableCommitUs = { p50: r2(quantile(lat, 0.5)), p90: r2(quantile(lat, 0.9)), n: lat.length }
  const transportUs = { p50: r2(quantile(status, 0.5)), p90: r2(quantile(status, 0.9)), n: status.length }
  return { durableCommitUs, transportUs, roundTripFloorUs: r2(durableCommitUs.p50 + transportUs.p50) }
}

/**
 * Sequential in-process sign.message requests with timers around: every SQLite statement (COMMIT separately: it is
 * the fsync under synchronous=FULL; writes outside a transaction separately: each is its own commit), the password
 * check, zod parsing of the input and output, and the pipeline's own stages. Times are inclusive (a stage includes the
 * SQL it runs) and per request.
 */
async function measureStages(ctx, dispatch, wallet) {
  const { contract } = await import(dist('lib/contract/index.js'))
  const { Keyring } = await import(dist('daemon/keyring.js'))
  const { Pipeline } = await import(dist('daemon/pipeline/pipeline.js'))
  const GroupCommit = await groupCommitClass()
  const acc = new Map()
  const add = (k, us) => {
    const a = acc.get(k) ?? { us: 0, calls: 0 }
    a.us += us
    a.calls++
    acc.set(k, a)
  }
  const restore = []
  /** Times every call of obj[name] (sync or async alike); skips names the code no longer has. */
  const wrap = (obj, name, label) => {
    const orig = obj?.[name]
    if (typeof orig !== 'function') return
    obj[name] = function (...args) {
      const t = now()
      const key = typeof label === 'function' ? label(this, args) : label
      let r
      try {
        r = orig.apply(this, args)
      } catch (err) {
        add(key, now() - t)
        throw err
      }
      if (r !== null && typeof r === 'object' && typeof r.then === 'function') return r.finally(() => add(key, now() - t))
      add(key, now() - t)
      return r
    }
    restore.push(() => (obj[name] = orig))
  }
  const db = ctx.db
  const stmtProto = Object.getPrototypeOf(db.prepare('SELECT 1'))
  const sqlLabel = (stmt) => {
    const sql = stmt.source.trim()
    if (sql === 'COMMIT') return 'sqlite COMMIT (fsync, synchronous=FULL)'
    if (/^BEGIN/.test(sql)) return 'sqlite BEGIN IMMEDIATE'
    if (/^(INSERT|UPDATE|DELETE)/i.test(sql) && !db.inTransaction) return `sqlite autocommit write (fsync): ${sql.slice(0, 40).replace(/\s+/g, ' ')}`
    return `sql: ${sql.replace(/\s+/g, ' ').slice(0, 70)}`
  }
  for (const m of ['run', 'get', 'all']) wrap(stmtProto, m, (stmt) => sqlLabel(stmt))
  const def = contract['sign.message']
  wrap(def.input, 'safeParse', 'zod: input parse')
  wrap(def.output, 'safeParse', 'zod: output parse (txRequest)')
  wrap(Keyring.prototype, 'authorize', 'authorise: password check (queue, meta reads, HMAC)')
  // The facade's methods; the jobs behind it (submit.ts, decide.ts, …) are module functions, which an ES module's
  // namespace does not let a script replace, so their share shows as the SQL they run. Older builds' names are kept
  // so that --dist can time them.
  const what = {
    submit: 'everything below and more',
    submitSignOnly: 'sign-only path: record, decide and sign in one group-commit job (older builds)',
    gather: 'USD value, fee (older builds)',
    decide: 'policy + reservation + audit, own transaction (older builds)',
    decideWithin: 'policy + reservation + audit, in the caller transaction (older builds)',
    signStage: 'open key, sign, commit (older builds)',
    signOnly: 'the signature (older builds)',
    signingKey: 'key object: cached per unlock, or opened from the sealed key (older builds)',
    commitSigned: 'approved → signed + audit, own transaction (older builds)',
  }
  for (const [name, d] of Object.entries(what)) wrap(Pipeline.prototype, name, `pipeline.${name} (${d})`)
  if (GroupCommit !== undefined) wrap(GroupCommit.prototype, 'flush', 'group commit: one batch (BEGIN … jobs … COMMIT)')
  const N = 1000
  try {
    for (let i = 0; i < 100; i++) await dispatch(ctx, 'sign.message', { wallet, message: `stage warmup ${i}` }, AUTH)
    acc.clear()
    const t0 = now()
    for (let i = 0; i < N; i++) await dispatch(ctx, 'sign.message', { wallet, message: `stage ${i}` }, AUTH)
    const total = (now() - t0) / N
    const perRequest = {}
    for (const [k, a] of [...acc].sort((x, y) => y[1].us - x[1].us)) perRequest[k] = { us: r2(a.us / N), callsPerRequest: r2(a.calls / N) }
    console.error(`stages, ${wallet} (sequential, in-process, µs per request; inclusive): total ${r2(total)}`)
    for (const [k, v] of Object.entries(perRequest)) console.error(`  ${String(v.us).padStart(8)}  ×${String(v.callsPerRequest).padEnd(5)} ${k}`)
    // What the history costs: rows of this wallet, and one sweep (it reads up to 500 'signed' rows on every tick).
    const walletId = ctx.db.prepare('SELECT id FROM wallets WHERE name = ?').get(wallet).id
    const rows = ctx.db.prepare('SELECT count(*) AS n FROM requests WHERE wallet_id = ?').get(walletId).n
    const signedRows = ctx.db.prepare("SELECT count(*) AS n FROM requests WHERE state = 'signed'").get().n
    for (const undo of restore.splice(0).reverse()) undo()
    const sweeps = []
    for (let i = 0; i < 20; i++) {
      const t = now()
      await ctx.pipeline.tick()
      sweeps.push((now() - t) / 1e3)
    }
    console.error(`  history: ${rows} requests of this wallet, ${signedRows} in state signed; one sweep (tick) p50 ${r2(quantile(sweeps, 0.5))} ms`)
    return { requests: N, dispatchUsPerRequest: r2(total), perRequest, requestsOfWallet: rows, requestsSignedAll: signedRows, sweepMs: { p50: r2(quantile(sweeps, 0.5)), max: r2(Math.max(...sweeps)) } }
  } finally {
    for (const undo of restore.reverse()) undo()
  }
}

// ------------------------------------------------------------------------------------------------- start part
/**
 * What past requests cost the daemon's start: two data directories set up alike (vault, an EVM and a Solana wallet,
 * a SPENDING_LIMIT), one of them with `--start-rows` past requests of the EVM wallet spread over the last 60 days
 * (~85% counted transfers with amounts and a USD value, 5% sign-only, the rest failed or denied), then, alternated
 * round by round, `startDaemon` until its first answer (`system.status` through the socket) on each. Target: the
 * history adds <= 0.5 s.
 */
async function benchStart() {
  const ROWS = Number(values['start-rows'])
  const ROUNDS = Math.max(1, Number(values['start-rounds']))
  const { startDaemon } = await import(dist('daemon/daemon.js'))
  const { connectExisting } = await import(dist('cli/launcher.js'))
  const { openDatabase } = await import(dist('daemon/store/db.js'))
  const spendHours = await import(dist('daemon/store/spend-hours.js')).catch(() => undefined)
  const homes = { empty: fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-bench-start-')), history: fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-bench-start-')) }
  try {
    for (const home of Object.values(homes)) {
      const d = await startDaemon({ home, env: { autoProvision: false } })
      const c = await connectExisting(d.paths)
      await setupSigning((m, p, a) => c.call(m, p, a))
      c.close()
      await d.close()
    }
    const t0 = now()
    const db = openDatabase(path.join(homes.history, 'waiaas.db'))
    const walletId = db.prepare("SELECT id FROM wallets WHERE name = 'evm'").pluck().get()
    writeHistory(db, walletId, ROWS)
    // Rows written behind the store's back: its hourly totals (when the build has them) are rebuilt once, as after
    // an upgrade, before anything is timed.
    if (spendHours !== undefined) {
      db.prepare("DELETE FROM meta WHERE key = 'spend_hours'").run()
      spendHours.ensureSpendHours(db)
    }
    db.close()
    const buildS = r2((now() - t0) / 1e6)
    console.error(`start: ${ROWS} past requests written in ${buildS} s`)
    const startOnce = async (home) => {
      const t = now()
      const d = await startDaemon({ home, env: { autoProvision: false } })
      const c = await connectExisting(d.paths)
      const status = await c.call('system.status', {})
      const ms = (now() - t) / 1e3
      c.close()
      await d.close()
      if (typeof status?.version !== 'string') throw new Error('start: system.status gave no version')
      return ms
    }
    const times = { empty: [], history: [] }
    for (const home of Object.values(homes)) await startOnce(home) // warm-up: modules loaded, files cached
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of r % 2 === 0 ? ['empty', 'history'] : ['history', 'empty']) times[k].push(await startOnce(homes[k]))
    }
    const p50 = { empty: r2(quantile(times.empty, 0.5)), history: r2(quantile(times.history, 0.5)) }
    const addedMs = r2(p50.history - p50.empty)
    console.error(`start to first answer p50: empty ${p50.empty} ms, with ${ROWS} past requests ${p50.history} ms (+${addedMs} ms)`)
    return {
      what: 'startDaemon until its first answer (system.status over the socket), an empty data directory vs one with --start-rows past requests of one wallet over 60 days; alternated round by round after one warm-up start of each',
      rows: ROWS,
      historyWrittenS: buildS,
      startMs: { empty: times.empty.map(r2), history: times.history.map(r2) },
      p50Ms: p50,
      addedMs,
      target: { addedMs: '<= 500' },
      pass: addedMs <= 500,
    }
  } finally {
    for (const h of Object.values(homes)) fs.rmSync(h, { recursive: true, force: true })
  }
}

/** `rows` past requests of one wallet over the last 60 days, written straight into `requests` (250,000 per transaction). */
function writeHistory(db, walletId, rows) {
  const span = 60 * 86_400_000
  const start = Date.now() - span
  const cols = 'id, wallet_id, network, kind, state, tier, content_hash, payload, summary, actions, amounts, recipient, usd_micros, counted, actor, created_at, accepted_at, updated_at'
  const insert = db.prepare(`INSERT INTO requests (${cols}) VALUES (${cols.split(',').map(() => '?').join(', ')})`)
  const n$ = (v) => ({ $n: v.toString() })
  const recipients = Array.from({ length: 4000 }, (_, i) => `0x${i.toString(16).padStart(40, '0')}`)
  let seed = 42
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const createdAt = Math.floor(start + (i / rows) * (span - 5_000))
      const u = rnd()
      const state = u < 0.85 ? 'confirmed' : u < 0.9 ? 'signed' : u < 0.95 ? 'failed' : 'denied'
      const sign = state === 'signed'
      const wei = BigInt(Math.floor(1e14 + rnd() * 1e16))
      const to_ = sign ? null : recipients[i % recipients.length]
      const amounts = sign ? [] : [{ asset: 'native', amount: n$(wei) }]
      const usd = sign ? null : (wei * 3000n * 1_000_000n) / 10n ** 18n
      const counted = state === 'confirmed' || sign ? 1 : 0
      insert.run(
        `req_h${i.toString(16).padStart(18, '0')}`,
        walletId,
        'eip155:8453',
        sign ? 'sign-message' : 'native-transfer',
        state,
        state === 'denied' ? 'DENY' : 'INSTANT',
        `h${i}`,
        JSON.stringify({ body: sign ? { message: `m${i}` } : { intent: { kind: 'native-transfer', to: to_, amount: n$(wei) } } }),
        JSON.stringify({ to: to_, amount: null, token: null, symbol: sign ? null : 'ETH' }),
        JSON.stringify(sign ? [{ kind: 'sign-message' }] : [{ kind: 'native-transfer', to: to_, amount: n$(wei) }]),
        JSON.stringify(amounts),
        to_,
        usd,
        counted,
        'operator',
        createdAt,
        state === 'denied' ? null : createdAt + 3,
        createdAt + 1500,
      )
    }
  })
  for (let i = 0; i < rows; i += 250_000) batch(i, Math.min(rows, i + 250_000))
}

// ------------------------------------------------------------------------------------------------- e2e part
async function benchE2e() {
  const SEQ = Number(values['e2e-n'])
  const CLIENTS = Number(values['e2e-clients'])
  const PER = Number(values['e2e-per-client'])
  const WARM = Number(values['e2e-warmup'])
  const POLL = Number(values['poll-ms'])
  const ROUNDS = Math.max(1, Number(values.rounds))
  const TICKS = values.ticks.split(',').map(Number)
  const { startDaemon } = await import(dist('daemon/daemon.js'))
  const { connectExisting } = await import(dist('cli/launcher.js'))
  const { startAnvil } = await import(dist('devnet/anvil.js'))
  const { EVM_LOCAL_ID } = await import(dist('lib/networks.js'))
  const { JsonRpcProvider, Network, Wallet, toQuantity, parseEther } = await import('ethers')

  const out = []
  // A fresh anvil per tick value unless --shared-anvil: anvil takes longer to have a receipt ready as its chain grows
  // (seen here: raw send-to-receipt went from ~2 ms to ~12 ms after ~600 transfers), which loads later ticks.
  let shared
  for (const tick of TICKS) {
    const anvil = values['shared-anvil'] ? (shared ??= await startAnvil()) : await startAnvil()
    const network = new Network(EVM_LOCAL_ID, anvil.chainId)
    const provider = new JsonRpcProvider(anvil.url, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 50 })
    const fund = (address) => provider.send('anvil_setBalance', [address, toQuantity(10n ** 24n)])
    const blockAtStart = Number(await provider.send('eth_blockNumber', []))
    try {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-bench-e2e-'))
      const daemon = await startDaemon({ home, env: { autoProvision: false, pipelineTickMs: tick } })
      const clients = []
      try {
        for (let c = 0; c < Math.max(1, CLIENTS); c++) clients.push(await connectExisting(daemon.paths))
        const admin = clients[0]
        await admin.call('vault.init', { password: PASSWORD })
        await admin.call('network.set', { network: 'evm-local', rpcUrl: anvil.url }, AUTH)
        await admin.call('policy.add', { global: true, type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, AUTH)
        const ourWallets = []
        for (let c = 0; c < CLIENTS + 2; c++) {
          const w = await admin.call('wallet.create', { chain: 'evm', name: `e2e-${c}` }, AUTH)
          await fund(w.address)
          ourWallets.push({ name: w.name, address: w.address, sent: 0 })
        }
        const rawWallets = []
        for (let c = 0; c < CLIENTS + 2; c++) {
          const w = Wallet.createRandom().connect(provider)
          await fund(w.address)
          rawWallets.push({ signer: w, address: w.address, sent: 0 })
        }
        const amount = '0.0001'
        const ours = async (client, w) => {
          const t0 = now()
          const r = await client.call('tx.send', { wallet: w.name, network: 'evm-local', to: Wallet.createRandom().address, amount }, AUTH)
          const t1 = now()
          if (r.state !== 'submitted') throw new Error(`tx.send answered ${r.state}`)
          const done = await client.call('tx.wait', { id: r.id, timeoutMs: 60_000 })
          const t2 = now()
          if (done.state !== 'confirmed') throw new Error(`tx.wait answered ${done.state}`)
          w.sent++
          return { submitMs: (t1 - t0) / 1e3, confirmMs: (t2 - t0) / 1e3 }
        }
        const raw = async (_client, w) => {
          const t0 = now()
          const tx = await w.signer.sendTransaction({ to: Wallet.createRandom().address, value: parseEther(amount) })
          const t1 = now()
          for (let polls = 0; ; polls++) {
            const rc = await provider.getTransactionReceipt(tx.hash)
            if (rc !== null) {
              if (rc.status !== 1) throw new Error('raw transfer reverted')
              break
            }
            if (polls > 60_000 / POLL) throw new Error('raw transfer not mined within 60 s')
            await sleep(POLL)
          }
          const t2 = now()
          w.sent++
          return { submitMs: (t1 - t0) / 1e3, confirmMs: (t2 - t0) / 1e3 }
        }
        // Warm-up: both paths, from the spare wallets.
        for (let i = 0; i < WARM; i++) await ours(admin, ourWallets[CLIENTS + 1]), await raw(null, rawWallets[CLIENTS + 1])

        const runCase = async (name, clientsN, per, pickOurs, pickRaw) => {
          const sides = { ours: { submit: [], confirm: [], after: [], wallUs: 0 }, raw: { submit: [], confirm: [], after: [], wallUs: 0 } }
          const fns = { ours: (c) => ours(clients[c], pickOurs(c)), raw: (c) => raw(null, pickRaw(c)) }
          for (let r = 0; r < ROUNDS; r++) {
            const n = Math.floor(per / ROUNDS) + (r < per % ROUNDS ? 1 : 0)
            for (const k of r % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours']) {
              const t = now()
              await Promise.all(
                Array.from({ length: clientsN }, async (_, c) => {
                  for (let i = 0; i < n; i++) {
                    const x = await fns[k](c)
                    sides[k].submit.push(x.submitMs)
                    sides[k].confirm.push(x.confirmMs)
                    sides[k].after.push(x.confirmMs - x.submitMs)
                  }
                }),
              )
              sides[k].wallUs += now() - t
            }
          }
          const res = { case: name, clients: clientsN, transfers: clientsN * per }
          for (const k of ['ours', 'raw']) {
            const s = sides[k]
            res[k] = {
              txPerSec: r2(s.confirm.length / (s.wallUs / 1e6)),
              submitMs: { p50: r2(quantile(s.submit, 0.5)), p99: r2(quantile(s.submit, 0.99)) },
              confirmMs: { p50: r2(quantile(s.confirm, 0.5)), p99: r2(quantile(s.confirm, 0.99)), mean: r2(mean(s.confirm)) },
              // From the answer to the send until confirmation was seen: ours tx.wait, raw the receipt polls.
              afterSubmitMs: { p10: r2(quantile(s.after, 0.1)), p50: r2(quantile(s.after, 0.5)), p90: r2(quantile(s.after, 0.9)), mean: r2(mean(s.after)) },
            }
          }
          res.p50OursOverRaw = r2(res.ours.confirmMs.p50 / res.raw.confirmMs.p50)
          res.submitP50OursOverRaw = r2(res.ours.submitMs.p50 / res.raw.submitMs.p50)
          res.pass = res.p50OursOverRaw <= 1.5
          console.error(
            `  tick ${tick} ms, ${name}: ours submit p50 ${res.ours.submitMs.p50} ms, confirmed p50 ${res.ours.confirmMs.p50} ms (wait p10/p50/p90 ${res.ours.afterSubmitMs.p10}/${res.ours.afterSubmitMs.p50}/${res.ours.afterSubmitMs.p90}) | raw send p50 ${res.raw.submitMs.p50} ms, receipt p50 ${res.raw.confirmMs.p50} ms | ${res.p50OursOverRaw}x ${res.pass ? 'pass' : 'MISS'}`,
          )
          return res
        }
        const cases = []
        cases.push(await runCase('sequential (1 client)', 1, SEQ, () => ourWallets[0], () => rawWallets[0]))
        cases.push(await runCase(`concurrent (${CLIENTS} clients, ${CLIENTS} wallets)`, CLIENTS, PER, (c) => ourWallets[c], (c) => rawWallets[c]))

        // Correctness: every sender's nonce equals what it sent (none lost, none reused).
        const problems = []
        for (const w of [...ourWallets, ...rawWallets]) {
          const n = Number(await provider.send('eth_getTransactionCount', [w.address, 'latest']))
          if (n !== w.sent) problems.push(`${w.address}: nonce ${n}, sent ${w.sent}`)
        }
        out.push({ pipelineTickMs: tick, anvilBlockAtStart: blockAtStart, cases, correctness: { ok: problems.length === 0, problems } })
      } finally {
        for (const c of clients) c.close()
        await daemon.close()
        fs.rmSync(home, { recursive: true, force: true })
      }
    } finally {
      provider.destroy()
      if (anvil !== shared) await anvil.stop()
    }
  }
  await shared?.stop()
  return out
}

// ------------------------------------------------------------------------------------------------- main
async function main() {
  const parts = values.parts.split(',').map((s) => s.trim())
  const started = now()
  const result = {
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', platform: `${os.platform()} ${os.release()}`, loadavgAtStart: LOAD_AT_START, loadavgAtEnd: os.loadavg().map(r2) },
    build: buildInfo(),
    command: `node bench/pipeline.js ${process.argv.slice(2).filter((a) => a !== '--save').join(' ')}`.trim(),
  }
  if (parts.includes('sign')) {
    result.sign = {
      what: 'sign.message (EIP-191 / Solana off-chain bytes) with SIGNING_RULES {allow_personal_sign: true} (global) and a SPENDING_LIMIT per wallet; operator password on every call',
      modes: {
        socket: 'startDaemon in this process; the clients (DaemonClient) in a child process',
        socketSameProcess: 'a second daemon (startDaemon, own data dir) in this process; the clients in this process too (they share its event loop)',
        inProcess: 'a context built as daemon.ts builds it on its own data dir; dispatch(ctx, method, params, auth) called directly (zod in/out, password check, handler): the floor',
      },
      ...(await benchSign()),
    }
  }
  if (parts.includes('start')) result.start = await benchStart()
  if (parts.includes('e2e')) {
    result.e2e = {
      what: 'ours: tx.send (native transfer, INSTANT SPENDING_LIMIT) then tx.wait until confirmed (the daemon reads the status when tx.wait finds the request submitted, then on its sweep every pipelineTickMs); raw: ethers sendTransaction then getTransactionReceipt every --poll-ms; anvil automine',
      pollMs: Number(values['poll-ms']),
      ticks: await benchE2e(),
      targets: { p50OursOverRaw: '<= 1.5' },
    }
  }
  result.durationS = r2((now() - started) / 1e6)
  result.machine.loadavgAtEnd = os.loadavg().map(r2)
  result.build = buildInfo()
  if (result.build.distRebuiltDuringRun) console.error('WARNING: dist/ was rebuilt during this run; run it again')
  const fails = []
  for (const c of result.sign?.cases ?? []) for (const [k, ok] of Object.entries(c.pass)) if (!ok) fails.push(`sign ${c.chain} ${k}`)
  if (result.start !== undefined && !result.start.pass) fails.push('start: past requests add more than 0.5 s')
  for (const t of result.e2e?.ticks ?? []) {
    for (const c of t.cases) if (!c.pass) fails.push(`e2e tick ${t.pipelineTickMs} ms ${c.case}`)
    if (!t.correctness.ok) fails.push(`e2e tick ${t.pipelineTickMs} ms correctness`)
  }
  result.failedTargets = fails
  result.pass = fails.length === 0
  console.log(JSON.stringify(result, null, 2))
  if (values.save) {
    const file = path.join(root, 'bench', 'results', 'pipeline.json')
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
    console.error(`saved ${path.relative(root, file)}`)
  }
  process.exitCode = result.pass ? 0 : 1
}
