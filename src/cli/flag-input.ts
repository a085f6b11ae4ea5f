/** Structured input from flags: JSON given inline or in a file, parsed in the CLI so a mistake names its flag. */
import fs from 'node:fs'
import { WaiaasError } from '../lib/errors.js'

/** Parses JSON from a flag's value; USAGE naming the flag when it is not JSON. */
export function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    const why = err instanceof Error ? err.message : 'not JSON'
    throw new WaiaasError('USAGE', `${flag} must be valid JSON: ${why}`, { details: { flag }, hint: `Quote the JSON for the shell, e.g. ${flag} '{"key": "value"}'.` })
  }
}

/** Parses a JSON object (not an array or a scalar) from a flag's value. */
export function parseJsonObject(text: string, flag: string): Record<string, unknown> {
  const v = parseJson(text, flag)
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new WaiaasError('USAGE', `${flag} must be a JSON object, e.g. '{"key": "value"}'`, { details: { flag } })
  }
  return v as Record<string, unknown>
}

/** Parses a JSON array from a flag's value, e.g. --args '["0xabc…", "1000"]'. */
export function parseJsonArray(text: string, flag: string): unknown[] {
  const v = parseJson(text, flag)
  if (!Array.isArray(v)) throw new WaiaasError('USAGE', `${flag} must be a JSON array, e.g. '["0xabc…", "1000"]'`, { details: { flag } })
  return v
}

/** A file's exact content as UTF-8 (nothing trimmed: what is signed must be byte for byte what was given). */
export function readInputFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot read ${flag} ${file}`, { details: { path: file, flag }, cause: err })
  }
}

/** Inline JSON from `inline`, else from the file named by `file`: parsed, with errors naming the flag used. */
export function jsonFromFlags(inline: { flag: string; value: string | undefined }, file: { flag: string; value: string | undefined }): unknown {
  if (inline.value !== undefined) return parseJson(inline.value, inline.flag)
  if (file.value !== undefined) return parseJson(readInputFile(file.value, file.flag), `${file.flag} ${file.value}`)
  return undefined
}

/**
 * Positional ABI arguments (`calldata encode SIG ARG…`): a word that starts with `[` is a JSON array (an array or a
 * tuple); any other word is passed as text, which the encoder reads by the parameter's type.
 */
export function abiArgs(words: readonly string[]): unknown[] {
  return words.map((w, i) => (w.trimStart().startsWith('[') ? parseJsonArray(w, `argument ${i + 1}`) : w))
}
