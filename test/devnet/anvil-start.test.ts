/**
 * Two anvil start-ups racing for one port (two daemons starting their devnets at once, both preferring 8545): both see
 * the port free, one binds it, the other exits with "Address already in use". Before the fix the loser's readiness
 * probe was answered by the winner's node, so both start-ups resolved and two devnets shared one chain (one CI run
 * failed funding on it: two deployers, one dev account, one nonce). Now a start-up resolves only for the node that
 * bound the port, whatever the timing.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, portIsFree, startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import { processIdentity } from '../../src/lib/process.js'
import { listeningPorts } from '../helpers/listening.js'

const started: AnvilHandle[] = []

afterAll(async () => {
  await Promise.all(started.map((a) => a.stop()))
})

describe('anvil start-up on a contested port', () => {
  // The second start-up begins this many ms after the first: from "both pass the free-port check" to "the first has
  // already bound it" (the second is then refused up front). Before the fix, 10-50 ms made both resolve.
  it.each([0, 5, 10, 20, 30, 40, 60])('with the second %i ms later, only the node that holds the port is returned', async (skew) => {
    const port = await freePort()
    const results = await Promise.allSettled([startAnvil({ port }), new Promise((r) => setTimeout(r, skew)).then(() => startAnvil({ port }))])
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    started.push(...won)
    expect(won).toHaveLength(1)
    const winner = won[0]!
    // The one returned is the process listening there, and it is alive.
    expect(listeningPorts(winner.pid)).toContain(port)
    expect(winner.child?.exitCode).toBeNull()
    // The other failed with a clear error (refused up front, or its node could not bind).
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(lost.reason).toMatchObject({ code: 'INTERNAL' })
    expect(String(lost.reason.message)).toMatch(/already in use/i)
    // The proof anvil wrote on binding is gone (it is read, then removed).
    const argv = processIdentity(winner.pid)?.argv ?? []
    const proof = argv[argv.indexOf('--config-out') + 1]
    expect(proof).toMatch(/waiaas-anvil-/)
    expect(fs.existsSync(proof!)).toBe(false)
    await winner.stop()
    expect(await portIsFree(port)).toBe(true)
  })

  it('with a state file, the proof is written beside it and removed once read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anvil-state-'))
    try {
      const a = await startAnvil({ state: { file: path.join(dir, 'anvil-state.json'), intervalSeconds: 60 } })
      started.push(a)
      const argv = processIdentity(a.pid)?.argv ?? []
      expect(path.dirname(path.dirname(argv[argv.indexOf('--config-out') + 1]!))).toBe(dir)
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('waiaas-anvil-'))).toEqual([])
      await a.stop()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
