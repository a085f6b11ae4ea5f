/**
 * The layout rules of issue 15, read from the source: CLI-only code lives in src/cli (the daemon, MCP and devnet never
 * import it), commands read typed flags (no `this.flags as …` casts), and the daemon's context interface imports no
 * implementation.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const src = path.join(root, 'src')

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
}

/** Every relative module a file imports (static, type-only, re-exports and dynamic imports), resolved to a path. */
function relativeImports(file: string): { spec: string; resolved: string; typeOnly: boolean }[] {
  const text = fs.readFileSync(file, 'utf8')
  const out: { spec: string; resolved: string; typeOnly: boolean }[] = []
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4] ?? ''
    out.push({ spec, resolved: path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')), typeOnly: m[2] !== undefined })
  }
  return out
}

describe('src/cli holds what only the CLI uses', () => {
  it('nothing under src/daemon, src/mcp or src/devnet imports from src/cli', () => {
    const offenders = [...tsFiles(path.join(src, 'daemon')), ...tsFiles(path.join(src, 'mcp')), ...tsFiles(path.join(src, 'devnet'))]
      .flatMap((f) => relativeImports(f).filter((i) => i.resolved.startsWith(path.join(src, 'cli') + path.sep)).map((i) => `${path.relative(root, f)} → ${i.spec}`))
    expect(offenders).toEqual([])
  })

  it('the base command, client, launcher and renderers are in src/cli, not src/lib', () => {
    for (const m of ['base-command', 'client', 'launcher', 'tx-command', 'render', 'tx-render', 'policy-render', 'wallet-render']) {
      expect(fs.existsSync(path.join(src, 'cli', `${m}.ts`)), m).toBe(true)
      expect(fs.existsSync(path.join(src, 'lib', `${m}.ts`)), m).toBe(false)
    }
  })
})

describe('commands read typed flags', () => {
  const commands = tsFiles(path.join(src, 'commands'))

  it('no command casts this.flags or this.args', () => {
    const cast = /this\.(?:flags|args)(?:\.[\w]+|\['[^']+'\])?\)?\s+as\s/
    const offenders = commands.flatMap((f) =>
      fs.readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (cast.test(line) ? [`${path.relative(root, f)}:${i + 1}: ${line.trim()}`] : [])),
    )
    expect(offenders).toEqual([])
  })

  it('every command on the base command names its own class, so its flags are typed from its static flags', () => {
    const untyped: string[] = []
    let typed = 0
    for (const f of commands) {
      const m = /export default class (\w+) extends (BaseCommand|SubmitCommand|SignCommand)\b(<typeof (\w+)>)?/.exec(fs.readFileSync(f, 'utf8'))
      if (m === null) continue
      if (m[4] === m[1]) typed++
      else untyped.push(`${path.relative(root, f)}: ${m[0]}`)
    }
    expect(untyped).toEqual([])
    expect(typed).toBeGreaterThan(80)
  })
})
