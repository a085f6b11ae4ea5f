/**
 * `import { Waiaas } from 'waiaas/sdk'` loads none of the heavy runtime packages: oclif, ethers, @solana/web3.js,
 * better-sqlite3, zod. Checked two ways: the SDK sources' runtime import graph (each file transpiled as tsc emits
 * it, so `import type` and type-only bindings are gone), and a fresh Node process importing the package export from
 * the build, with a resolve hook recording every specifier it loads.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FORBIDDEN = /^(@oclif\/|oclif$|ethers|@solana\/|better-sqlite3|zod)/

/** Every bare (package) specifier reached at run time from `entry`, walking relative imports. */
function runtimeGraph(entry: string): { files: string[]; packages: string[] } {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const todo = [entry]
  while (todo.length > 0) {
    const file = todo.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText
    for (const m of js.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = (m[1] ?? m[2] ?? m[3]) as string
      if (spec.startsWith('.')) todo.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')))
      else packages.add(spec)
    }
  }
  return { files: [...seen].map((f) => path.relative(ROOT, f)).sort(), packages: [...packages].sort() }
}

describe('waiaas/sdk imports', () => {
  it('reaches no heavy package through its runtime imports', () => {
    const g = runtimeGraph(path.join(ROOT, 'src/sdk/index.ts'))
    expect(g.files).toContain('src/cli/client.ts') // the walk follows relative imports
    expect(g.files.some((f) => f.startsWith('src/lib/contract/'))).toBe(false) // the contract is types only
    // The only package: the SSE parser, imported by `client.events()` when first called.
    expect(g.packages.filter((p) => !p.startsWith('node:'))).toEqual(['eventsource-parser/stream'])
    expect(g.packages.filter((p) => FORBIDDEN.test(p))).toEqual([])
  })

  it('is a package export that a fresh Node process imports without loading them', () => {
    const dist = path.join(ROOT, 'dist/sdk/index.js')
    expect(fs.existsSync(dist), 'run `npm run build` first').toBe(true)
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-imports-')), 'resolved.txt')
    const out = execFileSync(
      process.execPath,
      ['--import', path.join(ROOT, 'test/fixtures/sdk/record-resolve.mjs'), '--input-type=module', '-e',
        "const m = await import('waiaas/sdk'); console.log(typeof m.Waiaas, typeof m.WaiaasError)"],
      { cwd: ROOT, env: { ...process.env, SDK_RESOLVE_LOG: log }, encoding: 'utf8' },
    )
    expect(out.trim()).toBe('function function')
    const resolved = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)
    expect(resolved).toContain('waiaas/sdk')
    expect(resolved.length).toBeGreaterThan(5)
    expect(resolved.filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !s.startsWith('file:') && s !== 'waiaas/sdk')).toEqual([])
    fs.rmSync(path.dirname(log), { recursive: true, force: true })
    // Typed for a consumer too: the export's `types` are emitted by the build.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> }
    expect(pkg.exports['./sdk']?.default).toBe('./dist/sdk/index.js')
    expect(fs.readFileSync(path.join(ROOT, pkg.exports['./sdk']?.types ?? ''), 'utf8')).toMatch(/export declare class Waiaas\b/)
  })
})
