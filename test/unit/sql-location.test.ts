/**
 * SQL lives only under src/daemon/store/ (DESIGN "Layout"): a scan of src/ for SQL statements in string literals
 * anywhere else. A store module owns each table's statements; the rest of the daemon calls its functions.
 */
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../../src')
const STORE = path.join('daemon', 'store') + path.sep

/** Files allowed to hold SQL outside src/daemon/store/: none. */
const ALLOWED: readonly string[] = []

// The text of a string literal or template (its parts joined, each substitution as `?`) that starts like SQL.
const STATEMENT = /^\s*(SELECT\b[\s\S]*\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|(CREATE|DROP|ALTER)\s+(TABLE|INDEX|VIEW|TRIGGER)\b|WITH\s+\w+\s+AS\s*\(|PRAGMA\s+\w+)/

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(p)
    return e.name.endsWith('.ts') ? [p] : []
  })
}

/** `file:line: text` of every SQL statement in a string literal or template of `file` (parsed, so comments never count). */
function sqlIn(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const out: string[] = []
  const visit = (node: ts.Node): void => {
    let body: string | undefined
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) body = node.text
    else if (ts.isTemplateExpression(node)) body = node.head.text + node.templateSpans.map((s) => `?${s.literal.text}`).join('')
    if (body !== undefined && STATEMENT.test(body)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1
      out.push(`${path.relative(ROOT, file)}:${line}: ${body.replace(/\s+/g, ' ').slice(0, 80)}`)
    }
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

describe('SQL only under src/daemon/store/', () => {
  it('the scanner finds a statement in a literal, and not a plain word', () => {
    expect(STATEMENT.test('SELECT name FROM wallets WHERE id = ?')).toBe(true)
    expect(STATEMENT.test("UPDATE notify_channels SET failures = ? WHERE id = ?")).toBe(true)
    expect(STATEMENT.test('DELETE FROM notify_channels WHERE id = ?')).toBe(true)
    expect(STATEMENT.test('DELETE')).toBe(false) // an HTTP method
    expect(STATEMENT.test('Select a wallet from the list')).toBe(false)
  })

  it('no file outside src/daemon/store/ holds an SQL statement', () => {
    const rel = (f: string): string => path.relative(ROOT, f).split(path.sep).join('/')
    const found = sourceFiles(ROOT)
      .filter((f) => !path.relative(ROOT, f).startsWith(STORE))
      .filter((f) => !ALLOWED.includes(rel(f)))
      .flatMap(sqlIn)
    expect(found).toEqual([])
  })
})
