/**
 * The MCP annotations of a tool, derived from its contract method: what a client may run without asking.
 * - Reads (`readOnly` in the contract) are `readOnlyHint`; one that asks a chain's node (it can raise
 *   CHAIN_RPC_UNREACHABLE) is also `openWorldHint`.
 * - What needs a session's `send` or `sign` permission moves funds or hands out a signature, which cannot be taken
 *   back and acts on a public chain: `destructiveHint` and `openWorldHint`.
 * - Anything else changes only the daemon's own state, and only by adding to it (an agent's policy can only
 *   tighten; a renewal extends its own session): neither destructive nor open-world.
 * None is idempotent: a second send is a second transfer unless it repeats an idempotency key.
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js'
import type { MethodDef } from '../lib/contract/index.js'

export function toolAnnotations(def: MethodDef): ToolAnnotations {
  if (def.readOnly === true) return { readOnlyHint: true, openWorldHint: def.errors.includes('CHAIN_RPC_UNREACHABLE') }
  const permission = def.session?.permission
  const moves = permission === 'send' || permission === 'sign'
  return { readOnlyHint: false, destructiveHint: moves, idempotentHint: false, openWorldHint: moves }
}
