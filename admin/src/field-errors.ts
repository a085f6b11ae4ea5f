/**
 * A daemon error's problems by field path, for showing each next to its field: the zod issues of INPUT_INVALID
 * (`details.issues`, see ApiError.fieldErrors) and the one field that POLICY_INVALID and its kin name
 * (`details.field`, e.g. `rules.instant_max`), whose message then loses its "Invalid TYPE rules: rules.x" prefix.
 */
import type { ApiError } from './api.js'

export function fieldErrorsOf(err: ApiError | undefined): Record<string, string> {
  if (err === undefined) return {}
  const out = err.fieldErrors()
  const field = err.details.field
  if (typeof field === 'string' && out[field] === undefined) {
    const at = err.message.indexOf(`${field} `)
    out[field] = at >= 0 ? err.message.slice(at + field.length + 1) : err.message
  }
  return out
}

/** The first error at `path` or below it (`rules.limits.0.token` is shown at `rules.limits`). */
export function errorAt(errors: Record<string, string>, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path]
  const below = Object.keys(errors).find((k) => k.startsWith(`${path}.`))
  return below === undefined ? undefined : `${below.slice(path.length + 1)}: ${errors[below]}`
}

/** Whether every field error has a field on screen to show it (else the whole error is shown as well). */
export function allShown(errors: Record<string, string>, paths: readonly string[]): boolean {
  const keys = Object.keys(errors)
  return keys.length > 0 && keys.every((k) => paths.some((p) => k === p || k.startsWith(`${p}.`)))
}
