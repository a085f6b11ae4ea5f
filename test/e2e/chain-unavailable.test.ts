/**
 * Exit 9, through bin/run.js: a chain whose node is unreachable or rate limiting exits 9, not 3 ("daemon not
 * running"), so a script can tell "check the RPC URL" from "start the daemon". The networks point at loopback ports
 * that nobody listens on, or at a loopback server that answers 429.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/devnet/anvil.js'
import { EXIT } from '../../src/lib/errors.js'
import { tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, fails, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'

describe('a chain that cannot be reached exits 9 (chain unavailable)', () => {
  const home = tempHome('wcu-')
  const cli = runner(home.dataDir)
  const pw = home.file('master.txt', MASTER_PASSWORD)
  let limiter: http.Server
  let hits = 0

  beforeAll(async () => {
    ok(await cli.run(['init', '--password-file', pw]))
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'e', '--password-file', pw]))
    ok(await cli.run(['wallet', 'create', '--chain', 'solana', '--name', 's', '--password-file', pw]))
    limiter = http.createServer((req, res) => {
      hits++
      req.resume()
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
      res.end('{"jsonrpc":"2.0","id":1,"error":{"code":429,"message":"Too Many Requests"}}')
    })
    await new Promise<void>((resolve) => limiter.listen(0, '127.0.0.1', resolve))
  })

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    await new Promise<void>((resolve) => limiter.close(() => resolve()))
    home.cleanup()
  })

  it('pins the number: chainUnavailable is 9, after the eight older codes', () => {
    expect(EXIT.chainUnavailable).toBe(9)
    expect(EXIT.daemonUnavailable).toBe(3)
  })

  it('an EVM and a Solana RPC on a closed loopback port: CHAIN_RPC_UNREACHABLE, exit 9', async () => {
    const dead = await freePort()
    ok(await cli.run(['network', 'set', 'evm-local', '--rpc-url', `http://127.0.0.1:${dead}`, '--password-file', pw]))
    ok(await cli.run(['network', 'set', 'solana-local', '--rpc-url', `http://127.0.0.1:${dead}`, '--password-file', pw]))
    const e = fails(await cli.run(['balance', '--wallet', 'e', '--network', 'evm-local']), 'CHAIN_RPC_UNREACHABLE', 9)
    expect(JSON.stringify(e)).not.toContain('DAEMON_')
    fails(await cli.run(['balance', '--wallet', 's', '--network', 'solana-local']), 'CHAIN_RPC_UNREACHABLE', 9)
    // the daemon itself is fine: status answers (exit 0), so 9 never means "start the daemon"
    expect(ok(await cli.run(['status'])).pid).toBeGreaterThan(0)
  })

  it('funding while the devnet is not running is CHAIN_RPC_UNREACHABLE, exit 9', async () => {
    fails(await cli.run(['devnet', 'fund', 'e', '--password-file', pw]), 'CHAIN_RPC_UNREACHABLE', 9)
  })

  it('an RPC that answers HTTP 429: CHAIN_RATE_LIMITED, exit 9', async () => {
    const addr = limiter.address() as AddressInfo
    ok(await cli.run(['network', 'set', 'evm-local', '--rpc-url', `http://127.0.0.1:${addr.port}`, '--password-file', pw]))
    const before = hits
    fails(await cli.run(['balance', '--wallet', 'e', '--network', 'evm-local']), 'CHAIN_RATE_LIMITED', 9)
    expect(hits).toBeGreaterThan(before) // the 429 came from our server, not from somewhere else
  })

  it('a daemon that is not running still exits 3, so the two stay apart', async () => {
    ok(await cli.run(['daemon', 'stop']))
    fails(await cli.run(['lock']), 'DAEMON_NOT_RUNNING', 3)
  })
})
