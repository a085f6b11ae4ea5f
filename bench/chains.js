#!/usr/bin/env node
// Chain adapters vs the raw libraries (issue 3). Needs a build (`npm run build`). Usage:
//   node bench/chains.js [--n 200] [--clients 8] [--per-client 50] [--rounds 4] [--warmup 20] [--poll-ms 10]
//                        [--chains evm,solana] [--target 1.5] [--solana-in-process] [--save]
// Starts anvil (automine) and the litesvm Solana RPC on free loopback ports and, in one run and alternating
// ours/raw round by round, sends native transfers: through the adapters (prepare → sign → broadcast → status() until
// confirmed) and through raw ethers (`wallet.sendTransaction` + poll `getTransactionReceipt`) and raw web3.js
// (`getLatestBlockhash` + `sendRawTransaction` with preflight + poll `getSignatureStatuses`, as the adapter does).
// Reports tx/s and p50/p99 latency per case, ours/raw ratios, per-step timings and RPC calls per transfer.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { JsonRpcProvider, Network, NonceManager as EthersNonceManager, Wallet, toQuantity } from 'ethers'
import { Connection, Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    clients: { type: 'string', default: '8' },
    'per-client': { type: 'string', default: '50' },
    rounds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '20' },
    'poll-ms': { type: 'string', default: '10' },
    'stall-ms': { type: 'string', default: '2000' },
    chains: { type: 'string', default: 'evm,solana' },
    target: { type: 'string', default: '1.5' },
    'solana-in-process': { type: 'boolean', default: false },
    save: { type: 'boolean', default: false },
  },
})
const N = Number(values.n)
const CLIENTS = Number(values.clients)
const PER_CLIENT = Number(values['per-client'])
const ROUNDS = Math.max(1, Number(values.rounds))
const WARMUP = Number(values.warmup)
const POLL_MS = Number(values['poll-ms'])
const STALL_MS = Number(values['stall-ms'])
const TARGET = Number(values.target)
const CHAINS = values.chains.split(',').map((s) => s.trim())

const { createEvmAdapter, NonceManager, MemoryNonceStore } = await import(dist('daemon/chains/evm/index.js'))
const { createSolanaAdapter } = await import(dist('daemon/chains/solana/index.js'))
const { startAnvil } = await import(dist('devnet/anvil.js'))
const { EVM_LOCAL_ID, SOLANA_LOCAL_ID } = await import(dist('lib/networks.js'))

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const now = () => Number(process.hrtime.bigint()) / 1e6
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]
}
const r2 = (x) => +x.toFixed(2)
const mean = (xs) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)

// ---- RPC call counting: the side being measured sets `counter`; EVM counts at ethers' `_send`, Solana at fetch.
// Each call's time is from request to response (HTTP round trip + node work + client decoding up to that point).
let counter = null
let timer = null
const count = (methods, promise) => {
  if (counter === null) return promise
  const [c, t, t0] = [counter, timer, now()]
  for (const m of methods) c[m] = (c[m] ?? 0) + 1
  const done = () => {
    for (const m of methods) (t[m] ??= []).push(now() - t0)
  }
  return promise.then((v) => (done(), v), (e) => (done(), Promise.reject(e)))
}
const realFetch = globalThis.fetch
globalThis.fetch = (input, init) => {
  let methods = []
  if (counter !== null && typeof init?.body === 'string') {
    try {
      const body = JSON.parse(init.body)
      methods = (Array.isArray(body) ? body : [body]).map((p) => p.method)
    } catch {}
  }
  return count(methods, realFetch(input, init))
}
function countEthers(provider) {
  const send = provider._send.bind(provider)
  provider._send = (payload) => count((Array.isArray(payload) ? payload : [payload]).map((p) => p.method), send(payload))
}

/** Polls `check` every POLL_MS (first check at once) until it returns true; `nudge` after STALL_MS without success. */
async function until(check, side, nudge) {
  const start = Date.now()
  let lastNudge = start
  for (let polls = 1; ; polls++) {
    if (await check()) return polls
    if (nudge !== undefined && Date.now() - lastNudge > STALL_MS) {
      side.nudges++
      lastNudge = Date.now()
      await nudge()
    }
    if (Date.now() - start > 60_000) throw new Error('not confirmed within 60 s')
    await sleep(POLL_MS)
  }
}

/** One side (ours or raw) of one case: latencies, wall time, per-step times, calls. */
function newSide(label) {
  return { label, lat: [], wallMs: 0, steps: {}, calls: {}, callMs: {}, polls: [], nudges: 0 }
}
function step(side, name, ms) {
  ;(side.steps[name] ??= []).push(ms)
}

/** Runs `clients` concurrent loops of `count` transfers each; `fn(client, k)` returns the latency in ms. */
async function drive(side, clients, perClient, fn) {
  counter = side.calls
  timer = side.callMs
  const t = now()
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let k = 0; k < perClient; k++) side.lat.push(await fn(c, k))
    }),
  )
  side.wallMs += now() - t
  counter = null
}

/** Alternates ours and raw round by round (ours first in even rounds) so load drifts affect both alike. */
async function runCase(name, clients, perClient, ours, raw) {
  const sides = { ours: newSide('ours'), raw: newSide('raw') }
  const fns = { ours, raw }
  for (let r = 0; r < ROUNDS; r++) {
    const n = Math.floor(perClient / ROUNDS) + (r < perClient % ROUNDS ? 1 : 0)
    if (n === 0) continue
    for (const k of r % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours']) await drive(sides[k], clients, n, (c, i) => fns[k](sides[k], c, i))
  }
  const out = { case: name, clients, transfers: clients * perClient }
  for (const [k, s] of Object.entries(sides)) {
    out[k] = {
      txPerSec: r2(s.lat.length / (s.wallMs / 1000)),
      latencyMs: { p50: r2(quantile(s.lat, 0.5)), p99: r2(quantile(s.lat, 0.99)), mean: r2(mean(s.lat)), n: s.lat.length },
      stepsMeanMs: Object.fromEntries(Object.entries(s.steps).map(([st, xs]) => [st, r2(mean(xs))])),
      rpcCallsPerTransfer: Object.fromEntries(Object.entries(s.calls).sort((a, b) => b[1] - a[1]).map(([m, c]) => [m, r2(c / s.lat.length)])),
      rpcMeanMs: Object.fromEntries(Object.entries(s.callMs).map(([m, xs]) => [m, r2(mean(xs))])),
      pollsPerTransfer: r2(mean(s.polls)),
    }
    if (s.nudges > 0) out[k].evmMineNudges = s.nudges
  }
  out.ratios = {
    p50OursOverRaw: r2(out.ours.latencyMs.p50 / out.raw.latencyMs.p50),
    p99OursOverRaw: r2(out.ours.latencyMs.p99 / out.raw.latencyMs.p99),
    txPerSecRawOverOurs: r2(out.raw.txPerSec / out.ours.txPerSec),
  }
  out.pass = out.ratios.p50OursOverRaw <= TARGET && out.ratios.txPerSecRawOverOurs <= TARGET
  console.error(`  ${name}: ours ${out.ours.txPerSec} tx/s p50 ${out.ours.latencyMs.p50} ms | raw ${out.raw.txPerSec} tx/s p50 ${out.raw.latencyMs.p50} ms | ${out.pass ? 'pass' : 'MISS'}`)
  return out
}

const seedOf = (label) => createHash('sha256').update(`waiaas bench/chains ${label} ${process.pid} ${Date.now()}`).digest()
let amountSeq = 0
/** Distinct amounts: no two transfers are byte-identical (Solana would dedupe equal signatures). */
const nextAmount = (base) => base + BigInt(++amountSeq)

// ------------------------------------------------------------------------------------------------------------- EVM
/**
 * The cases both chains run, after warming both sides up: sequential from one wallet, and CLIENTS concurrent
 * clients from as many wallets. `ours(side, wallet, recipient)` / `raw(...)` time one transfer.
 */
async function standardCases(chain, { newWallet, newRecipient, ours, raw }) {
  const [wo, wr, rw] = [await newWallet('warmup ours'), await newWallet('warmup raw'), newRecipient('warmup')]
  const scratch = newSide('warmup')
  for (let i = 0; i < WARMUP; i++) await ours(scratch, wo, rw), await raw(scratch, wr, rw)
  const [o, w, ro, rr] = [await newWallet('seq ours'), await newWallet('seq raw'), newRecipient('seq ours'), newRecipient('seq raw')]
  const cases = [await runCase(`${chain} sequential (1 client)`, 1, N, (s) => ours(s, o, ro), (s) => raw(s, w, rr))]
  const os_ = [], rs = [], cro = [], crr = []
  for (let c = 0; c < CLIENTS; c++) {
    os_.push(await newWallet(`conc ours ${c}`)), rs.push(await newWallet(`conc raw ${c}`))
    cro.push(newRecipient(`conc ours ${c}`)), crr.push(newRecipient(`conc raw ${c}`))
  }
  const name = `${chain} concurrent (${CLIENTS} clients, ${CLIENTS} wallets)`
  cases.push(await runCase(name, CLIENTS, PER_CLIENT, (s, c) => ours(s, os_[c], cro[c]), (s, c) => raw(s, rs[c], crr[c])))
  return cases
}

async function benchEvm() {
  const anvil = await startAnvil()
  const network = new Network(EVM_LOCAL_ID, anvil.chainId)
  // Raw ethers with the same provider settings as ours (static network, no batching stall, no response cache: a
  // cached pending nonce would be reused by the next sequential send).
  const provider = new JsonRpcProvider(anvil.url, network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 50 })
  countEthers(provider)
  const adapter = createEvmAdapter({ network: EVM_LOCAL_ID, chainId: anvil.chainId, rpcUrl: anvil.url, confirmations: 1, nonces: new NonceManager(new MemoryNonceStore()) })
  countEthers(adapter.rpc.provider)
  const nudge = () => provider.send('evm_mine', [])
  const wallets = []
  const recipients = []
  const newWallet = async (label) => {
    const w = Wallet.createRandom()
    await provider.send('anvil_setBalance', [w.address, toQuantity(10n ** 24n)])
    const out = { label, address: w.address, key: Buffer.from(w.privateKey.slice(2), 'hex'), signer: new Wallet(w.privateKey, provider), sent: 0 }
    wallets.push(out)
    return out
  }
  const newRecipient = (label) => {
    const r = { label, address: Wallet.createRandom().address, expected: 0n }
    recipients.push(r)
    return r
  }

  const ours = async (side, w, r) => {
    const amount = nextAmount(1_000_000_000n)
    const t0 = now()
    const prepared = await adapter.prepare(w.address, { kind: 'native-transfer', to: r.address, amount })
    const t1 = now()
    const signed = await adapter.sign(prepared, w.key)
    const t2 = now()
    await adapter.broadcast(signed)
    const t3 = now()
    const polls = await until(
      async () => {
        const st = await adapter.status(signed.hash)
        if (st.state === 'failed') throw new Error(`ours: transfer failed: ${st.reason}`)
        return st.state === 'confirmed'
      },
      side,
      nudge,
    )
    const t4 = now()
    step(side, 'prepare', t1 - t0), step(side, 'sign', t2 - t1), step(side, 'broadcast', t3 - t2), step(side, 'confirm', t4 - t3)
    side.polls.push(polls)
    w.sent++
    r.expected += amount
    return t4 - t0
  }
  const raw = async (side, w, r, signer = w.signer) => {
    const amount = nextAmount(1_000_000_000n)
    const t0 = now()
    const tx = await signer.sendTransaction({ to: r.address, value: amount })
    const t1 = now()
    const polls = await until(
      async () => {
        const rc = await provider.getTransactionReceipt(tx.hash)
        if (rc !== null && rc.status !== 1) throw new Error('raw: transfer reverted')
        return rc !== null
      },
      side,
      nudge,
    )
    const t2 = now()
    step(side, 'sendTransaction', t1 - t0), step(side, 'confirm', t2 - t1)
    side.polls.push(polls)
    w.sent++
    r.expected += amount
    return t2 - t0
  }

  try {
    const cases = []
    console.error('evm:')
    cases.push(...(await standardCases('evm', { newWallet, newRecipient, ours, raw })))
    {
      // One sender, CLIENTS concurrent sends: ours goes through the adapter's NonceManager; raw through ethers'
      // NonceManager signer (plain Wallet.sendTransaction would hand out the same pending nonce to concurrent sends).
      const [o, w] = [await newWallet('one-wallet ours'), await newWallet('one-wallet raw')]
      const [ro, rr] = [newRecipient('one-wallet ours'), newRecipient('one-wallet raw')]
      const managed = new EthersNonceManager(w.signer)
      cases.push(await runCase(`evm concurrent (${CLIENTS} clients, 1 wallet)`, CLIENTS, PER_CLIENT, (s) => ours(s, o, ro), (s) => raw(s, w, rr, managed)))
    }

    // Correctness: every sender's mined nonce equals its transfer count (no gap, none reused), recipients got the sums.
    const problems = []
    for (const w of wallets) {
      const n = BigInt(await provider.send('eth_getTransactionCount', [w.address, 'latest']))
      const pending = BigInt(await provider.send('eth_getTransactionCount', [w.address, 'pending']))
      if (n !== BigInt(w.sent) || pending !== n) problems.push(`${w.label}: nonce ${n} (pending ${pending}), sent ${w.sent}`)
    }
    for (const r of recipients) {
      const b = BigInt(await provider.send('eth_getBalance', [r.address, 'latest']))
      if (b !== r.expected) problems.push(`${r.label}: balance ${b}, expected ${r.expected}`)
    }
    const correctness = { senders: wallets.length, recipients: recipients.length, transfers: wallets.reduce((a, w) => a + w.sent, 0), ok: problems.length === 0, problems }
    return { chain: 'evm (anvil automine)', cases, correctness }
  } finally {
    adapter.close()
    provider.destroy()
    await anvil.stop()
  }
}

// ---------------------------------------------------------------------------------------------------------- Solana
/** The litesvm RPC in its own process by default (as `waiaas devnet start` would keep it off our event loop). */
async function startSolana() {
  if (values['solana-in-process']) {
    const { startSolanaRpc } = await import(dist('devnet/solana-rpc/server.js'))
    const h = await startSolanaRpc()
    return { url: h.url, where: 'in-process', stop: () => h.stop() }
  }
  const code = `const { startSolanaRpc } = await import(${JSON.stringify(dist('devnet/solana-rpc/server.js'))})
const h = await startSolanaRpc()
process.stdout.write(JSON.stringify({ url: h.url }) + '\\n')
process.on('SIGTERM', () => h.stop().then(() => process.exit(0)))`
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    let buf = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]).url)
    })
    child.once('exit', (c) => reject(new Error(`solana rpc exited ${c}`)))
  })
  return {
    url,
    where: `child process ${child.pid}`,
    stop: async () => {
      if (child.exitCode !== null) return
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await gone
      clearTimeout(timer)
    },
  }
}

async function benchSolana() {
  const node = await startSolana()
  // As the daemon's registry builds it: no fixed priority fee (prepare reads getRecentPrioritizationFees), confirmed.
  const adapter = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl: node.url, commitment: 'confirmed' })
  const conn = new Connection(node.url, { commitment: 'confirmed', disableRetryOnRateLimit: true, fetch: (i, init) => globalThis.fetch(i, init) })
  const wallets = []
  const recipients = []
  const newWallet = async (label) => {
    const seed = seedOf(label)
    const kp = Keypair.fromSeed(seed)
    const sig = await conn.requestAirdrop(kp.publicKey, 10_000 * 1e9) // the faucet holds 9M SOL
    await until(async () => (await conn.getSignatureStatuses([sig])).value[0] !== null, newSide('fund'))
    const w = { label, seed, kp, address: kp.publicKey.toBase58(), sent: 0 }
    wallets.push(w)
    return w
  }
  const newRecipient = (label) => {
    const r = { label, address: Keypair.generate().publicKey.toBase58(), expected: 0n }
    recipients.push(r)
    return r
  }
  const ours = async (side, w, r) => {
    const amount = nextAmount(1_000_000n) // above the rent-exempt minimum of a new system account
    const t0 = now()
    const prepared = await adapter.prepare(w.address, { kind: 'native-transfer', to: r.address, amount })
    const t1 = now()
    const signed = await adapter.sign(prepared, w.seed)
    const t2 = now()
    await adapter.broadcast(signed)
    const t3 = now()
    const polls = await until(async () => {
      const st = await adapter.status(signed.hash)
      if (st.state === 'failed') throw new Error(`ours: transfer failed: ${st.reason}`)
      return st.state === 'confirmed'
    }, side)
    const t4 = now()
    step(side, 'prepare', t1 - t0), step(side, 'sign', t2 - t1), step(side, 'broadcast', t3 - t2), step(side, 'confirm', t4 - t3)
    side.polls.push(polls)
    w.sent++
    r.expected += amount
    return t4 - t0
  }
  const raw = async (side, w, r) => {
    const amount = nextAmount(1_000_000n)
    const t0 = now()
    const { blockhash } = await conn.getLatestBlockhash('confirmed')
    const t1 = now()
    const tx = new Transaction({ feePayer: w.kp.publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({ fromPubkey: w.kp.publicKey, toPubkey: new PublicKey(r.address), lamports: amount }),
    )
    tx.sign(w.kp)
    const bytes = tx.serialize()
    const t2 = now()
    const sig = await conn.sendRawTransaction(bytes, { skipPreflight: false, preflightCommitment: 'confirmed', maxRetries: 5 })
    const t3 = now()
    const polls = await until(async () => {
      const st = (await conn.getSignatureStatuses([sig])).value[0]
      if (st === null || st === undefined) return false
      if (st.err !== null) throw new Error(`raw: transfer failed: ${JSON.stringify(st.err)}`)
      return st.confirmationStatus === 'confirmed' || st.confirmationStatus === 'finalized'
    }, side)
    const t4 = now()
    step(side, 'blockhash', t1 - t0), step(side, 'sign', t2 - t1), step(side, 'send', t3 - t2), step(side, 'confirm', t4 - t3)
    side.polls.push(polls)
    w.sent++
    r.expected += amount
    return t4 - t0
  }

  try {
    const cases = []
    console.error(`solana (litesvm RPC, ${node.where}):`)
    cases.push(...(await standardCases('solana', { newWallet, newRecipient, ours, raw })))
    const problems = []
    for (const r of recipients) {
      const b = BigInt(await conn.getBalance(new PublicKey(r.address), 'confirmed'))
      if (b !== r.expected) problems.push(`${r.label}: balance ${b}, expected ${r.expected}`)
    }
    const correctness = { recipients: recipients.length, transfers: wallets.reduce((a, w) => a + w.sent, 0), ok: problems.length === 0, problems }
    return { chain: `solana (litesvm RPC, ${node.where.replace(/ \d+$/, '')})`, cases, correctness }
  } finally {
    await node.stop()
  }
}

// ------------------------------------------------------------------------------------------------------------ main
const started = now()
const chains = []
if (CHAINS.includes('evm')) chains.push(await benchEvm())
if (CHAINS.includes('solana')) chains.push(await benchSolana())

const args = `--n ${N} --clients ${CLIENTS} --per-client ${PER_CLIENT} --rounds ${ROUNDS} --warmup ${WARMUP} --poll-ms ${POLL_MS}`
const result = {
  date: new Date().toISOString(),
  machine: { node: process.version, cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '' },
  command: `node bench/chains.js ${args}${values.chains === 'evm,solana' ? '' : ` --chains ${values.chains}`}${values['solana-in-process'] ? ' --solana-in-process' : ''}`,
  durationS: r2((now() - started) / 1000),
  raw: {
    evm: 'ethers Wallet.sendTransaction({to, value}) (NonceManager signer for the 1-wallet case), then getTransactionReceipt every --poll-ms; JsonRpcProvider with staticNetwork, batchMaxCount 1, cacheTimeout -1 (the settings ours uses)',
    solana: 'web3.js getLatestBlockhash + Transaction(SystemProgram.transfer).sign + sendRawTransaction (preflight, confirmed), then getSignatureStatuses every --poll-ms until confirmed',
  },
  ours: 'adapter.prepare → sign → broadcast → status() every --poll-ms until confirmed (EVM confirmations 1, Solana commitment confirmed)',
  chains,
  targets: { p50OursOverRaw: `<= ${TARGET}`, txPerSecRawOverOurs: `<= ${TARGET}`, correctness: 'nonces gap-free, balances exact' },
}
result.pass = chains.every((c) => c.correctness.ok && c.cases.every((x) => x.pass))
console.log(JSON.stringify(result, null, 2))
if (values.save) {
  const file = path.join(root, 'bench', 'results', 'chains.json')
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
  console.error(`saved ${path.relative(root, file)}`)
}
process.exitCode = result.pass ? 0 : 1
