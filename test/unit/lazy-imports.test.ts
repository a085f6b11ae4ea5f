/**
 * A daemon's start-up does not load @solana/spl-token (about 300 ms of CPU) or undici (about 150 ms): they load on
 * first use (src/daemon/chains/solana/spl.ts, src/daemon/http-agent.ts). Checked in a fresh Node process importing
 * the daemon from the build, as tsc wrote it and as bundled (scripts/bundle.mjs keeps the two packages outside the
 * bundle), with a resolve hook recording every specifier; and the program ids written in spl.ts are the library's.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAMS, TOKEN_PROGRAM_ID, splToken } from '../../src/daemon/chains/solana/spl.js'
import { LazyAgent, undici } from '../../src/daemon/http-agent.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('lazily loaded packages', () => {
  // What each build resolves at start-up, so that an empty log cannot pass: the bundle has ethers and web3.js inside.
  it.each([
    ['dist/daemon/daemon.js', ['ethers', '@solana/web3.js', 'better-sqlite3']],
    ['dist/bundle/daemon/daemon.js', ['better-sqlite3', 'tiny-secp256k1']],
  ])('importing the daemon (%s) resolves neither @solana/spl-token nor undici', (file, seen) => {
    const dist = path.join(ROOT, file)
    expect(fs.existsSync(dist), 'run `npm run build` first').toBe(true)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lazy-imports-'))
    const log = path.join(dir, 'resolved.txt')
    try {
      const out = execFileSync(
        process.execPath,
        ['--import', path.join(ROOT, 'test/fixtures/sdk/record-resolve.mjs'), '--input-type=module', '-e',
          `const m = await import(${JSON.stringify(dist)}); console.log(typeof m.startDaemon)`],
        { cwd: ROOT, env: { ...process.env, SDK_RESOLVE_LOG: log }, encoding: 'utf8' },
      )
      expect(out.trim()).toBe('function')
      const resolved = new Set(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean))
      // The hook sees the daemon's packages ...
      for (const name of seen) expect(resolved).toContain(name)
      // ... and not these two.
      expect([...resolved].filter((s) => s === '@solana/spl-token' || s.startsWith('undici'))).toEqual([])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("spl.ts's program ids are @solana/spl-token's", async () => {
    const spl = await splToken()
    expect(TOKEN_PROGRAM_ID.equals(spl.TOKEN_PROGRAM_ID)).toBe(true)
    expect(TOKEN_2022_PROGRAM_ID.equals(spl.TOKEN_2022_PROGRAM_ID)).toBe(true)
    expect(ASSOCIATED_TOKEN_PROGRAM_ID.equals(spl.ASSOCIATED_TOKEN_PROGRAM_ID)).toBe(true)
    expect(TOKEN_PROGRAMS.map((p) => p.toBase58())).toEqual([spl.TOKEN_PROGRAM_ID.toBase58(), spl.TOKEN_2022_PROGRAM_ID.toBase58()])
    expect(await splToken()).toBe(spl) // one import per process
  })

  it('a LazyAgent makes its undici dispatcher on first use, once, and closes it', async () => {
    const never = new LazyAgent({ connectTimeout: 1_000 })
    await never.close() // never made: nothing to close
    const lazy = new LazyAgent({ connectTimeout: 1_000 })
    const agent = await lazy.get()
    expect(agent).toBeInstanceOf((await undici()).Agent)
    expect(await lazy.get()).toBe(agent)
    await lazy.close()
    expect(agent.closed).toBe(true)
  })
})
