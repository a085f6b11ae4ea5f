/**
 * One input per rule field, chosen by what the field holds (see types.ts), and the conversion between the form's
 * text and the rules object the daemon validates. The form converts only shapes (lists split, JSON parsed, whole
 * numbers as numbers); every judgement of a value is the daemon's, shown next to the field.
 */
import { Field } from '../../components/field.js'
import type { RuleFieldInfo } from './types.js'

/** What a field's input holds: text, a checkbox, or the days ticked. */
export type FormValue = string | boolean | string[]
export type FormValues = Record<string, FormValue>

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
const JSON_KINDS = new Set(['selectors', 'limits', 'domains'])

/** A client-side problem of the form's shape (not the value's), reported at the field like the daemon's. */
export class FormShapeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

/** The form's values for a type, from stored rules (editing) or from nothing (adding: defaults are the daemon's). */
export function formValues(fields: readonly RuleFieldInfo[], rules: Record<string, unknown> = {}): FormValues {
  const out: FormValues = {}
  for (const f of fields) {
    const v = rules[f.name]
    if (f.kind === 'bool') out[f.name] = typeof v === 'boolean' ? v : f.default === true
    else if (f.kind === 'list' && f.of === 'day') out[f.name] = Array.isArray(v) ? v.map(String) : []
    else if (v === undefined || v === null) out[f.name] = ''
    else if (JSON_KINDS.has(f.kind)) out[f.name] = JSON.stringify(v, null, 2)
    else if (Array.isArray(v)) out[f.name] = v.map(String).join('\n')
    else out[f.name] = String(v)
  }
  return out
}

/** The rules object from the form: empty fields left out, so the daemon fills defaults or says what is required. */
export function toRules(fields: readonly RuleFieldInfo[], values: FormValues): Record<string, unknown> {
  const rules: Record<string, unknown> = {}
  for (const f of fields) {
    const v = values[f.name]
    if (typeof v === 'boolean') {
      rules[f.name] = v
      continue
    }
    if (Array.isArray(v)) {
      if (v.length > 0) rules[f.name] = DAYS.filter((d) => v.includes(d))
      continue
    }
    const text = (v ?? '').trim()
    if (text === '') continue
    if (JSON_KINDS.has(f.kind)) {
      try {
        rules[f.name] = JSON.parse(text) as unknown
      } catch {
        throw new FormShapeError(`rules.${f.name}`, 'is not valid JSON')
      }
    } else if (f.kind === 'list') rules[f.name] = text.split(/[\s,]+/).filter(Boolean)
    else if ((f.kind === 'int' || f.kind === 'seconds') && /^\d{1,15}$/.test(text)) rules[f.name] = Number(text)
    else rules[f.name] = text
  }
  return rules
}

function defaultText(f: RuleFieldInfo): string | undefined {
  if (f.default === undefined) return undefined
  if (Array.isArray(f.default)) return f.default.length === 0 ? 'none' : f.default.join(', ')
  return String(f.default)
}

const PLACEHOLDER: Partial<Record<RuleFieldInfo['kind'], string>> = {
  usd: 'e.g. 100',
  amount: 'e.g. 0.5',
  address: '0x… or base58',
  seconds: 'e.g. 300 or 5m',
  clock: 'HH:MM',
  timezone: 'e.g. Europe/Berlin',
}

/** The input of one rule field, labelled with its name, its help under it and the daemon's error for it. */
export function RuleInput(props: { field: RuleFieldInfo; value: FormValue | undefined; error: string | undefined; onChange: (v: FormValue) => void }) {
  const { field: f, value, error, onChange } = props
  const help = `${f.doc}${f.required ? ' · required' : ''}`
  if (f.kind === 'list' && f.of === 'day') {
    const ticked = Array.isArray(value) ? value : []
    return (
      <fieldset class={`field days${error !== undefined ? ' invalid' : ''}`} aria-describedby={`rule-${f.name}-help`}>
        <legend>{f.name}</legend>
        <div class="checks">
          {DAYS.map((d) => (
            <label key={d}>
              <input type="checkbox" checked={ticked.includes(d)} onChange={(e) => onChange(e.currentTarget.checked ? [...ticked, d] : ticked.filter((x) => x !== d))} /> {d}
            </label>
          ))}
        </div>
        <small id={`rule-${f.name}-help`} class="muted">
          {help}
        </small>
        {error !== undefined && (
          <small class="field-error" role="alert">
            {error}
          </small>
        )}
      </fieldset>
    )
  }
  return (
    <Field label={f.name} help={help} error={error}>
      {(id, describedBy) => {
        const common = { id, name: f.name, 'aria-describedby': describedBy, 'aria-invalid': error !== undefined ? ('true' as const) : undefined }
        const text = typeof value === 'string' ? value : ''
        if (f.kind === 'bool') {
          return <input {...common} type="checkbox" class="check" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
        }
        if (f.kind === 'enum') {
          return (
            <select {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)}>
              <option value="">{f.required ? 'Choose…' : `Default (${defaultText(f) ?? 'none'})`}</option>
              {f.values.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          )
        }
        if (f.kind === 'list' || JSON_KINDS.has(f.kind)) {
          const hint = f.kind === 'list' ? `one ${f.of} per line` : 'JSON'
          return <textarea {...common} rows={f.kind === 'list' ? 3 : 5} spellcheck={false} placeholder={hint} value={text} onInput={(e) => onChange(e.currentTarget.value)} />
        }
        const dflt = defaultText(f)
        const inputMode = f.kind === 'usd' || f.kind === 'amount' ? 'decimal' : f.kind === 'int' ? 'numeric' : undefined
        return (
          <input
            {...common}
            type="text"
            inputMode={inputMode}
            autocomplete="off"
            spellcheck={false}
            placeholder={dflt !== undefined ? `default ${dflt}` : PLACEHOLDER[f.kind]}
            value={text}
            onInput={(e) => onChange(e.currentTarget.value)}
          />
        )
      }}
    </Field>
  )
}
