/**
 * A tool call's arguments checked against the contract's own input schema before the call is made, so that a model
 * that got them wrong reads, in a tool result, which argument is wrong and what it should be, and can correct itself
 * (MCP 2025-11-25: input validation errors are tool execution errors, not protocol errors).
 *
 * The zod schema is the one the daemon validates with (it validates again); the JSON Schema is the one advertised in
 * tools/list, used only to say what is expected in the schema's own words. On top of the schema, a top-level argument
 * the tool does not take is refused: the daemon would drop it silently, and a misspelt optional argument (`tokn` for
 * `token`) would otherwise turn a token transfer into a native one. Values are never echoed, only their JSON type.
 */
import type { z } from 'zod'
import { WaiaasError } from '../lib/errors.js'

type JsonSchema = Record<string, unknown>

/** Longest unknown argument name quoted back. */
const MAX_NAME = 64

const article = (word: string): string => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`)

/** The JSON type of a value as a model would call it ("a number", "an array", "null"). */
function kindOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'boolean') return 'true/false'
  return article(typeof v)
}

/** "a decimal string…" from a JSON Schema: its type (or enum, or alternatives) and its description. */
function expectation(s: JsonSchema | undefined, fallback: string): string {
  if (s === undefined) return fallback
  let what: string
  if (Array.isArray(s.enum)) what = `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`
  else if (Array.isArray(s.anyOf)) what = (s.anyOf as JsonSchema[]).map((b) => expectation({ ...b, description: undefined }, 'something else')).join(' or ')
  else if (s.type === 'integer') what = 'an integer'
  else if (s.type === 'boolean') what = 'true or false'
  else if (typeof s.type === 'string') what = article(s.type)
  else what = fallback
  return typeof s.description === 'string' ? `${what} (${s.description})` : what
}

/** The sub-schema at `path` (object properties and array items), when the schema says. */
function schemaAt(root: JsonSchema, path: readonly PropertyKey[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = root
  for (const key of path) {
    if (s === undefined) return undefined
    if (typeof key === 'number') s = s.items as JsonSchema | undefined
    else s = (s.properties as Record<string, JsonSchema> | undefined)?.[String(key)]
  }
  return s
}

function valueAt(args: unknown, path: readonly PropertyKey[]): unknown {
  let v = args
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v
}

/** `typedData.domain.chainId`, `args[2]`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('') || '(arguments)'
}

export interface ArgumentIssue {
  /** The argument, as a path: `amount`, `typedData.domain`, `args[0]`. */
  field: string
  /** What is wrong and what is expected, without the value given. */
  problem: string
}

/** One zod issue as "what is expected" (and what was given, by type only). */
function describe(issue: z.core.$ZodIssue, args: unknown, schema: JsonSchema): ArgumentIssue {
  const field = fieldName(issue.path)
  const given = valueAt(args, issue.path)
  const expected = expectation(schemaAt(schema, issue.path), issue.code === 'invalid_type' ? article(String(issue.expected)) : 'something else')
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
    return { field, problem: given === undefined ? `is required: ${expected}` : `must be ${expected}, not ${kindOf(given)}` }
  }
  // too_big, too_small, invalid_format, invalid_value, custom…: zod's message says what is expected.
  return { field, problem: `${issue.message.replace(/^Invalid (input|option|string): /, '')}${expected === 'something else' ? '' : `; expected ${expected}`}` }
}

/**
 * Checks `args` for tool `tool` against the contract's input schema `input` (advertised as `schema`).
 * Returns INPUT_INVALID with `details.issues` (field and problem each), or undefined when they are fine.
 */
export function checkArguments(tool: string, input: z.ZodType, schema: JsonSchema, args: Record<string, unknown>): WaiaasError | undefined {
  const issues: ArgumentIssue[] = []
  const known = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {})
  for (const key of Object.keys(args)) {
    if (known.includes(key)) continue
    const takes = known.length === 0 ? `${tool} takes no arguments` : `${tool} takes ${known.join(', ')}`
    issues.push({ field: key.slice(0, MAX_NAME), problem: `is not an argument of ${tool} (${takes})` })
  }
  const parsed = input.safeParse(args)
  if (!parsed.success) for (const issue of parsed.error.issues) issues.push(describe(issue, args, schema))
  if (issues.length === 0) return undefined
  return new WaiaasError('INPUT_INVALID', `Invalid arguments for ${tool}`, {
    details: { tool, issues },
    hint: `Correct the arguments named and call ${tool} again; its inputSchema in tools/list describes each one.`,
  })
}
