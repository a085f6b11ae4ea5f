/**
 * With the plugins off, the daemon never loads the HTTP server or the MCP SDK: nothing it imports statically, from
 * startDaemon down, reaches src/daemon/plugins/http.ts, node:http or @modelcontextprotocol/sdk. The server module is
 * loaded by a dynamic import only when a plugin is enabled.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))

/** Static (value) imports of one file: relative ones resolved to .ts files, bare ones as written. */
function staticImports(file: string): { local: string[]; bare: string[] } {
  const text = fs.readFileSync(file, 'utf8')
  const local: string[] = []
  const bare: string[] = []
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    const spec = m[1] ?? ''
    if (spec.startsWith('.')) local.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')))
    else bare.push(spec)
  }
  return { local, bare }
}

function graph(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>()
  const bare = new Set<string>()
  const todo = [entry]
  while (todo.length > 0) {
    const f = todo.pop() as string
    if (files.has(f)) continue
    files.add(f)
    const { local, bare: b } = staticImports(f)
    for (const x of b) bare.add(x)
    todo.push(...local)
  }
  return { files, bare }
}

describe('lazy plugins', () => {
  it('keeps the HTTP server, node:http and the MCP SDK out of the daemon until a plugin is enabled', () => {
    const { files, bare } = graph(path.join(SRC, 'daemon/daemon.ts'))
    const rel = [...files].map((f) => path.relative(SRC, f))
    expect(rel).toContain('daemon/plugins/manager.ts')
    expect(rel).toContain('daemon/dispatch.ts')
    expect(rel.filter((f) => /^(daemon\/plugins\/(http|rest|openapi)|mcp\/)/.test(f))).toEqual([])
    expect([...bare].filter((b) => b === 'node:http' || b === 'http' || b.startsWith('@modelcontextprotocol/'))).toEqual([])
  })
})
