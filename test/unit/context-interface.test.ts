/**
 * src/daemon/context.ts loads no implementation: it and the interface files it names (src/daemon/ports.ts and the
 * plain-data type files they import) hold types only. Parsed with the TypeScript compiler API:
 *  - every import and re-export in those files is `import type` / `export type`;
 *  - every imported name is a type (interface or type alias), never a class, function, constant or enum;
 *  - a daemon module they import is itself such a file (followed recursively), so no import reaches an implementation;
 *  - no top-level statement of those files is runtime code.
 */
import path from 'node:path'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'

const REPO = path.resolve(import.meta.dirname, '../..')
const SRC = path.join(REPO, 'src')
const LIB = path.join(SRC, 'lib') + path.sep
const DAEMON = path.join(SRC, 'daemon') + path.sep
const CONTEXT = path.join(SRC, 'daemon', 'context.ts')
const PORTS = path.join(SRC, 'daemon', 'ports.ts')

function options(): ts.CompilerOptions {
  const file = path.join(REPO, 'tsconfig.json')
  const read = ts.readConfigFile(file, (f) => ts.sys.readFile(f))
  return ts.parseJsonConfigFileContent(read.config, ts.sys, REPO).options
}

const TYPE_ONLY_STATEMENT = (s: ts.Statement): boolean =>
  ts.isInterfaceDeclaration(s) ||
  ts.isTypeAliasDeclaration(s) ||
  ts.isImportDeclaration(s) ||
  (ts.isExportDeclaration(s) && s.isTypeOnly)

/** Why an import or re-export brings in more than types, or null when it is type-only. */
function notTypeOnly(decl: ts.ImportDeclaration | ts.ExportDeclaration): string | null {
  if (ts.isExportDeclaration(decl)) return decl.isTypeOnly ? null : 'a re-export that is not `export type`'
  const clause = decl.importClause
  if (clause === undefined) return 'a side-effect import'
  if (clause.isTypeOnly) return null
  if (clause.name !== undefined) return 'a default import that is not `import type`'
  const bindings = clause.namedBindings
  if (bindings === undefined || ts.isNamespaceImport(bindings)) return 'a namespace import that is not `import type`'
  return bindings.elements.every((e) => e.isTypeOnly) ? null : 'an import that is not `import type`'
}

interface Walk {
  files: string[]
  problems: string[]
}

/** Checks `roots` and every daemon module they import (recursively); returns the files visited and each problem found. */
function walk(roots: readonly string[]): Walk {
  const opts = options()
  const program = ts.createProgram({ rootNames: [...roots], options: opts })
  const checker = program.getTypeChecker()
  const seen = new Set<string>()
  const problems: string[] = []
  const queue = [...roots]
  while (queue.length > 0) {
    const file = queue.shift()!
    if (seen.has(file)) continue
    seen.add(file)
    const source = program.getSourceFile(file)
    if (source === undefined) {
      problems.push(`${rel(file)}: not part of the program`)
      continue
    }
    for (const s of source.statements) {
      const line = source.getLineAndCharacterOfPosition(s.getStart()).line + 1
      const where = `${rel(file)}:${line}`
      if (!TYPE_ONLY_STATEMENT(s)) {
        problems.push(`${where}: runtime statement (${ts.SyntaxKind[s.kind]})`)
        continue
      }
      if (!ts.isImportDeclaration(s) && !ts.isExportDeclaration(s)) continue
      const spec = s.moduleSpecifier
      if (spec === undefined || !ts.isStringLiteral(spec)) continue
      const why = notTypeOnly(s)
      if (why !== null) problems.push(`${where}: ${why} (${spec.text})`)
      const resolved = ts.resolveModuleName(spec.text, file, opts, ts.sys).resolvedModule
      if (resolved === undefined) {
        problems.push(`${where}: ${spec.text} does not resolve`)
        continue
      }
      const target = path.resolve(resolved.resolvedFileName)
      if (target.startsWith(DAEMON)) queue.push(target)
      else if (!resolved.isExternalLibraryImport && !target.startsWith(LIB)) problems.push(`${where}: imports ${rel(target)}, outside src/lib and the daemon's interface files`)
      for (const name of importedNames(s)) {
        const symbol = checker.getSymbolAtLocation(name)
        const target = symbol === undefined ? undefined : symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
        if (target === undefined) problems.push(`${where}: ${name.text} does not resolve`)
        else if (target.flags & (ts.SymbolFlags.Value | ts.SymbolFlags.Class)) problems.push(`${where}: ${name.text} from ${spec.text} is a class or runtime value, not a type`)
      }
    }
  }
  return { files: [...seen].map(rel).sort(), problems }
}

function importedNames(decl: ts.ImportDeclaration | ts.ExportDeclaration): ts.Identifier[] {
  if (ts.isExportDeclaration(decl)) {
    const clause = decl.exportClause
    return clause !== undefined && ts.isNamedExports(clause) ? clause.elements.map((e) => e.propertyName ?? e.name).filter(ts.isIdentifier) : []
  }
  const clause = decl.importClause
  if (clause === undefined) return []
  const out: ts.Identifier[] = clause.name === undefined ? [] : [clause.name]
  const bindings = clause.namedBindings
  if (bindings !== undefined && ts.isNamedImports(bindings)) out.push(...bindings.elements.map((e) => e.name))
  return out
}

const rel = (file: string): string => path.relative(REPO, file).split(path.sep).join('/')

describe('the daemon context depends on interfaces only', () => {
  let result: Walk
  beforeAll(() => {
    result = walk([CONTEXT, PORTS])
  })

  it('context.ts, ports.ts and the type files they reach hold types only, imported with import type', () => {
    expect(result.problems).toEqual([])
    // The walk really followed the imports: the ports and the plain-data files they name were checked too.
    expect(result.files).toEqual(expect.arrayContaining(['src/daemon/context.ts', 'src/daemon/ports.ts', 'src/daemon/store/request-types.ts', 'src/daemon/store/session-types.ts']))
    expect(result.files.some((f) => /\/(keyring|devnet|log)\.ts$|pipeline\/pipeline\.ts$|registry\.ts$/.test(f))).toBe(false)
  })

  it('flags an implementation module, so the check above can fail', () => {
    const { problems } = walk([path.join(SRC, 'daemon', 'grant.ts')])
    // grant.ts holds requireGrant (runtime code) and imports WaiaasError (a class) at runtime.
    expect(problems.some((p) => p.startsWith('src/daemon/grant.ts:') && p.includes('runtime statement (FunctionDeclaration)'))).toBe(true)
    expect(problems.some((p) => p.includes('an import that is not `import type` (../lib/errors.js)'))).toBe(true)
    expect(problems.some((p) => p.includes('WaiaasError from ../lib/errors.js is a class or runtime value'))).toBe(true)
  })
})
