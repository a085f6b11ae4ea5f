/**
 * MCP tools derived from the one contract: one tool per method whose `transports` include `mcp`, named after it
 * (`tx.send` → `tx_send`), with the method's zod schemas as JSON Schema. How a failure is shown (a tool result with
 * `isError`, a text and the error's structured payload; or, for an unknown tool, a protocol error) is the error
 * table's `mcp` column (src/lib/errors.ts).
 *
 * Uses the SDK's low-level Server, so the JSON Schema is ours and the SDK's own zod version never meets ours.
 * Transport-free: `call` reaches the daemon (over the socket for `waiaas mcp`, in-process for the HTTP plugin).
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { CallToolRequestSchema, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { contract, type MethodDef, type MethodName, methodsOn } from '../lib/contract/index.js'
import { ERROR_CODES, toWaiaasError, WaiaasError } from '../lib/errors.js'
import { errorDetailLines } from '../lib/error-details.js'
import { toolAnnotations } from './annotations.js'
import { checkArguments } from './arguments.js'
import { forMcp, renderTexts, toolName } from './hints.js'
import { addResourcesAndPrompts } from './resources.js'

export { toolName } from './hints.js'

/** Calls one contract method as the MCP client's credential; throws WaiaasError. */
export type McpCall = (method: MethodName, params: unknown) => Promise<unknown>

type JsonSchema = Record<string, unknown>

/** The shape of `structuredContent` on a failed call, so clients that validate against outputSchema accept it. */
const ERROR_CONTENT: JsonSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' }, hint: { type: 'string' } },
      required: ['code', 'message', 'details', 'hint'],
    },
  },
  required: ['error'],
}

interface ToolEntry {
  method: MethodName
  tool: Tool
  /** The output is not a JSON object, so structuredContent carries it as `{ result }`. */
  wrap: boolean
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-7' }) as JsonSchema
  delete s.$schema
  return s
}

/** One entry per MCP-exposed method, built once: schemas do not change while the process runs. */
function buildTools(): Map<string, ToolEntry> {
  const tools = new Map<string, ToolEntry>()
  for (const method of methodsOn('mcp')) {
    const def = contract[method]
    const input = jsonSchema(def.input, 'input')
    if (input.type !== 'object') throw new Error(`MCP tool ${method}: its input schema is not an object`)
    let output = jsonSchema(def.output, 'output')
    const wrap = output.type !== 'object'
    if (wrap) output = { type: 'object', properties: { result: output }, required: ['result'] }
    const tool: Tool = {
      name: toolName(method),
      description: def.summary,
      inputSchema: input as Tool['inputSchema'],
      outputSchema: { type: 'object', anyOf: [output, ERROR_CONTENT] },
      annotations: toolAnnotations(def),
    }
    tools.set(tool.name, { method, tool, wrap })
  }
  return tools
}

let cached: Map<string, ToolEntry> | undefined
/** The MCP tools, by name. */
export function mcpTools(): Map<string, ToolEntry> {
  cached ??= buildTools()
  return cached
}

/** "amount must be a string…" per argument issue: ours (field, problem) or the daemon's (path, message). */
function issueLines(details: Record<string, unknown>): string[] {
  if (!Array.isArray(details.issues)) return []
  return details.issues.flatMap((i: unknown) => {
    if (i === null || typeof i !== 'object') return []
    const { field, problem, path, message } = i as Record<string, unknown>
    if (typeof field === 'string' && typeof problem === 'string') return [`${field} ${problem}`]
    if (typeof path === 'string' && typeof message === 'string') return [`${path === '' ? '(arguments)' : path}: ${message}`]
    return []
  })
}

/**
 * A failure as a tool result: a readable text (what, which arguments are wrong, why, which rule, what would pass,
 * what next) and the payload, its hints naming tools where the CLI's would name commands (for `method`'s tool).
 */
export function errorResult(e: WaiaasError, method?: MethodName): CallToolResult {
  const raw = e.toPayload()
  const payload = { ...raw, message: forMcp(raw.message, method), details: renderTexts(raw.details, method), hint: forMcp(raw.hint, method) }
  const lines = [`${payload.code}: ${payload.message}`, ...issueLines(payload.details)]
  for (const [label, value] of errorDetailLines(payload.message, payload.details)) lines.push(`${label}: ${value}`)
  lines.push(`Hint: ${payload.hint}`)
  return {
    isError: true,
    content: [{ type: 'text', text: lines.join('\n') }],
    structuredContent: { error: payload as unknown as Record<string, unknown> },
  }
}

/**
 * An McpError whose message is `message` alone: McpError prefixes "MCP error <code>: ", that text is what goes over
 * the wire, and the client's McpError prefixes it again.
 */
function protocolError(code: number, message: string, data?: unknown): McpError {
  const e = new McpError(code, message, data)
  e.message = message
  return e
}

/**
 * A failure as the error table says MCP shows its code: an isError tool result (see errorResult), or thrown as an
 * McpError, a JSON-RPC protocol error, for what no tool result can carry (an unknown tool).
 */
export function toolFailure(e: WaiaasError, method?: MethodName): CallToolResult {
  const shape = ERROR_CODES[e.code].mcp
  if (shape.as === 'protocol') throw protocolError(shape.code, e.message)
  return errorResult(e, method)
}

/**
 * A failure of a resource read or prompt as a JSON-RPC error (MCP has no isError result there): the error table's
 * protocol code where it names one, else invalid params for bad input and internal error otherwise; the payload
 * (code, details, hint) rides in `data`.
 */
function throwProtocol(e: WaiaasError): never {
  const shape = ERROR_CODES[e.code].mcp
  const code = shape.as === 'protocol' ? shape.code : e.code.startsWith('INPUT_') ? -32602 : -32603
  throw protocolError(code, `${e.code}: ${e.message}`, { error: e.toPayload() })
}

/** Runs one tool call: a result, or a failure shown as the error table says (see toolFailure). */
export async function callTool(call: McpCall, name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
  const entry = mcpTools().get(name)
  if (entry === undefined) return toolFailure(new WaiaasError('RPC_METHOD_NOT_FOUND', `Unknown tool: ${name.slice(0, 64)}`, { details: { tool: name.slice(0, 64) } }))
  const bad = checkArguments(name, contract[entry.method].input, entry.tool.inputSchema, args ?? {})
  if (bad !== undefined) return toolFailure(bad, entry.method)
  let result: unknown
  try {
    result = renderTexts(await call(entry.method, args ?? {}), entry.method)
  } catch (err) {
    return toolFailure(toWaiaasError(err), entry.method)
  }
  const structured = entry.wrap ? { result } : (result as Record<string, unknown>)
  return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: structured }
}

export interface McpServerOptions {
  /**
   * Runs before each tool call (`waiaas mcp` renews its session here); a text it returns is added to that call's
   * result as one more text item, for the model to read.
   */
  beforeCall?: () => Promise<string | null>
}

/** An MCP server offering the contract's tools, each call made through `call`. Connect it to a transport. */
export function createMcpServer(call: McpCall, info: { name: string; version: string }, opts: McpServerOptions = {}): Server {
  const server = new Server(info, {
    capabilities: { tools: {}, resources: {}, prompts: {} },
    instructions:
      'waiaas wallet tools. Amounts are decimal strings in whole units ("0.01"). A send may come back submitted, queued ' +
      '(a delay) or awaiting_approval (the operator decides): that is not an error; tx_wait waits until it is final. A denial ' +
      'says which rule decided and what would pass; policy_test answers the same question without sending anything. ' +
      'The resources show this session, its wallets with balances, its policies and its recent requests; the how_to_pay ' +
      'prompt states its limits.',
  })
  addResourcesAndPrompts(server, call, throwProtocol)
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...mcpTools().values()].map((t) => t.tool) }))
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const notice = (await opts.beforeCall?.()) ?? null
    const result = await callTool(call, req.params.name, req.params.arguments)
    return notice === null ? result : { ...result, content: [...result.content, { type: 'text', text: notice }] }
  })
  return server
}
