/**
 * The handlers mirror the contract: contract method `ns.verb` is served by the export named `verb` of
 * `src/daemon/handlers/ns.ts`, and the handlers directory holds nothing else (one module per namespace, plus the index
 * that builds the dispatch table from them). So a newcomer finds the code of `tx.send` by its name alone.
 *
 * The naming rule: the export is the verb itself. A verb that is not a valid identifier maps by camelCase
 * (`set-owner` → `setOwner`; the contract's verbs are already camelCase today, e.g. `wallet.setOwner`). A verb that is
 * a reserved word (`wallet.import`, `wallet.export`, `wallet.delete`) is declared under another name in its module
 * and exported as the verb (`export { remove as delete }`), which ES modules allow.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { exportName, handlers, modules } from '../../src/daemon/handlers/index.js'
import { contract, type MethodName } from '../../src/lib/contract/index.js'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/daemon/handlers')
const methods = Object.keys(contract) as MethodName[]
const namespaces = [...new Set(methods.map((m) => m.split('.')[0] ?? ''))].sort()

/** The module namespace object of handlers/<ns>.ts, as the index imports it (`import * as tx from './tx.js'`). */
const moduleOf = (ns: string): Record<string, unknown> => (modules as unknown as Record<string, Record<string, unknown>>)[ns] ?? {}

describe('handlers mirror the contract', () => {
  it('maps verbs to export names by camelCase', () => {
    expect(exportName('set-owner')).toBe('setOwner')
    expect(exportName('send')).toBe('send')
    expect(exportName('setLowBalance')).toBe('setLowBalance')
  })

  it('has one handler module per contract namespace, and nothing else but the index', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()
    expect(files).toEqual(['index.ts', ...namespaces.map((n) => `${n}.ts`)].sort())
    expect(Object.keys(modules).sort()).toEqual(namespaces)
  })

  it('serves every method ns.verb by the export `verb` of handlers/ns.ts', () => {
    for (const method of methods) {
      const [ns, verb] = method.split('.') as [string, string]
      const mod = moduleOf(ns)
      const fn = mod[exportName(verb)]
      expect(typeof fn, method).toBe('function')
      expect(handlers[method], method).toBe(fn)
    }
    expect(Object.keys(handlers).sort()).toEqual([...methods].sort())
  })

  it('exports nothing from a handler module that is not a verb of its namespace', () => {
    for (const ns of namespaces) {
      const mod = moduleOf(ns)
      const verbs = methods.filter((m) => m.startsWith(`${ns}.`)).map((m) => exportName(m.slice(ns.length + 1)))
      expect(Object.keys(mod).sort(), ns).toEqual(verbs.sort())
    }
  })
})
