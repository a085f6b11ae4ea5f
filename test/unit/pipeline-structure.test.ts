// The pipeline's shape, as issue 15 left it: one module per job, none long, no chain-family branches (chain
// differences are adapter methods), no SQL (it lives under src/daemon/store/), and no state change outside the one
// transition helper (row + audit in one transaction).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const DIR = join(import.meta.dirname, '../../src/daemon/pipeline')
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ name: f, text: readFileSync(join(DIR, f), 'utf8') }))

describe('src/daemon/pipeline', () => {
  it('has the modules the facade delegates to, each under ~400 lines', () => {
    const names = files.map((f) => f.name)
    for (const m of ['pipeline.ts', 'submit.ts', 'decide.ts', 'execute.ts', 'follow.ts', 'operator.ts', 'owner.ts', 'killswitch.ts', 'sweep.ts', 'keys.ts', 'waiters.ts', 'transition.ts']) {
      expect(names).toContain(m)
    }
    const long = files.filter((f) => f.text.split('\n').length > 420).map((f) => f.name)
    expect(long).toEqual([])
  })

  it('never branches on the chain family', () => {
    const hits = files.flatMap((f) => (/\b(family|chain)\s*[!=]==\s*'(evm|solana)'|'(evm|solana)'\s*[!=]==\s*\w+\.(family|chain)\b/.test(f.text) ? [f.name] : []))
    // plan.ts keeps input checks on the wallet's chain (a default network, typed data being EVM-only), not chain behaviour.
    expect(hits.filter((n) => n !== 'plan.ts')).toEqual([])
    expect(/\bfamily\s*[!=]==/.test(files.find((f) => f.name === 'plan.ts')?.text ?? '')).toBe(false)
  })

  it('holds no SQL and no double casts', () => {
    const sql = files.filter((f) => /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/.test(f.text)).map((f) => f.name)
    expect(sql).toEqual([])
    const casts = files.filter((f) => f.text.includes('as unknown as')).map((f) => f.name)
    expect(casts).toEqual([])
  })

  it('changes a request state only through the transition helper', () => {
    // transition() of the store is called by transition.ts, and by decide.ts for a row that may not exist yet.
    const callers = files.filter((f) => /\btransition\(/.test(f.text)).map((f) => f.name).sort()
    expect(callers).toEqual(['decide.ts', 'transition.ts'])
    const audited = files.filter((f) => /\binTransaction\(/.test(f.text)).map((f) => f.name).sort()
    expect(audited).toEqual(['decide.ts', 'killswitch.ts', 'transition.ts'])
  })
})
