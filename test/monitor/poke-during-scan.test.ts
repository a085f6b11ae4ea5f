/**
 * A poke (a new wallet, a watch-list change) that comes while a scan is running is not lost until the next interval:
 * the network is scanned again once the running scan ends. The chain is reached through a loopback relay that can
 * hold its requests, so the second poke lands inside a scan for certain. The interval is an hour: every scan here
 * comes from a poke.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVM_LOCAL_ID } from '../../src/lib/networks.js'
import { localChain } from '../helpers/chains.js'
import { waitFor } from '../helpers/e2e.js'
import { auth, monitoredDaemon, scanStatus, type MonitoredDaemon } from '../helpers/monitor.js'

let m: MonitoredDaemon
let relay: http.Server
let hold = false
const held: (() => void)[] = []

/** Forwards each JSON-RPC request to the worker's anvil; while `hold` is set, waits until released. */
function forward(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const go = (): void => {
      const up = http.request(localChain().evmRpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
        res.writeHead(r.statusCode ?? 502, { 'content-type': 'application/json' })
        r.pipe(res)
      })
      up.on('error', () => res.destroy())
      up.end(Buffer.concat(chunks))
    }
    if (hold) held.push(go)
    else go()
  })
}

const scans = async (): Promise<number> => (await scanStatus(m.client, EVM_LOCAL_ID))?.scans ?? 0

beforeAll(async () => {
  relay = http.createServer(forward)
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
  m = await monitoredDaemon({ monitorIntervalMs: 3_600_000 })
  const url = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`
  await m.client.call('network.set', { network: 'evm-local', rpcUrl: url }, auth)
  await m.client.call('wallet.create', { chain: 'evm', name: 'watched' }, auth)
  await m.client.call('incoming.watch', { network: 'evm-local' }, auth)
  m.daemon.ctx.monitor.poke()
  await waitFor('the first scan', async () => (await scans()) >= 1, 20_000)
})

afterAll(async () => {
  hold = false
  for (const go of held.splice(0)) go()
  await m?.close()
  await new Promise<void>((resolve) => relay.close(() => resolve()))
})

describe('the monitor, poked during a scan', () => {
  it('scans again when the running scan ends, without waiting for the interval', async () => {
    const before = await scans()
    hold = true
    m.daemon.ctx.monitor.poke() // starts a scan, which waits at the relay
    await waitFor('the scan to reach the chain', () => held.length > 0, 20_000)
    m.daemon.ctx.monitor.poke() // during that scan
    hold = false
    for (const go of held.splice(0)) go()
    // Nothing pokes after this: without the rescan the count would stay at before + 1 for the hour.
    await waitFor('the held scan and the one after it', async () => (await scans()) >= before + 2, 20_000)
  })
})
