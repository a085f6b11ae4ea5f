/**
 * The zod form of the one duration grammar (src/lib/durations.ts), apart from it so that what only parses a duration
 * (the settings table, every command's environment) does not load zod at start.
 */
import { z } from 'zod'
import { checkDuration, durationGrammar, MAX_TEXT, UNIT_MS, UNIT_WORD, type DurationSpec } from './durations.js'

/**
 * The one zod schema of a duration for `spec` (contract fields, rule fields, settings): a number in the plain unit or
 * a text of the grammar, parsed to a whole number of `spec.unit`. A bad value is a custom issue whose message is the
 * reason ("must be at most 30d (from 1s to 30d)") and whose `params.issue` is not-a-duration, not-whole, too-small,
 * too-large or invalid_type. Its JSON Schema: an integer within the bounds, or a string of the grammar.
 */
export function durationSchema(spec: Omit<DurationSpec, 'field'>, description?: string) {
  const plain = spec.plain ?? spec.unit
  const inPlain = (v: number): number => Math.floor((v * UNIT_MS[spec.unit]) / UNIT_MS[plain])
  return z
    .unknown()
    .transform((v, ctx): number => {
      const fail = (issue: string, message: string): never => {
        ctx.issues.push({ code: 'custom', message, input: v, params: { issue } })
        return z.NEVER
      }
      if (typeof v !== 'number' && typeof v !== 'string') {
        return fail('invalid_type', `must be a number of ${UNIT_WORD[plain]} or a duration such as "5m", not ${v === null ? 'null' : typeof v}`)
      }
      const r = checkDuration(v, spec)
      return r.ok ? r.value : fail(r.issue, r.reason)
    })
    .meta({
      anyOf: [
        { type: 'integer', minimum: inPlain(spec.min), maximum: inPlain(spec.max) },
        { type: 'string', maxLength: MAX_TEXT, description: durationGrammar(plain) },
      ],
      ...(description === undefined ? {} : { description: `${description}: ${durationGrammar(plain)}` }),
    })
}
