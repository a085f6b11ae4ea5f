/**
 * Build-time bridge from the policy type modules (src/lib/policy-types/) to the admin UI's policy form: the Vite
 * plugin serves `virtual:policy-types`, a JSON module of each type's doc, aliases and rule fields, read from the
 * modules themselves when the UI is built. The form is generated from it, so it can never be stale, and neither zod
 * nor a check function reaches the browser.
 */
import type { Plugin } from 'vite'
import { POLICY_TYPE_MODULES } from '../src/lib/policy-types/index.js'
import type { RuleField } from '../src/lib/policy-types/fields.js'
import type { PolicyTypeInfo, RuleFieldInfo } from './src/pages/policies/types.js'

/** A field's help as the form shows it: the CLI's flags (`--token`) become the form's fields (`token`). */
export function formDoc(doc: string): string {
  return doc.replace(/--([a-z][a-z-]*)/g, (_, flag: string) => flag.replaceAll('-', '_'))
}

function fieldInfo(name: string, f: RuleField): RuleFieldInfo {
  const { doc, required, default: dflt, flag: _flag, unit: _unit, ...kind } = f
  const out = { ...kind, name, doc: formDoc(doc), required: required === true } as RuleFieldInfo
  if (kind.kind === 'enum') (out as { values: string[] }).values = [...kind.values]
  if (dflt !== undefined) out.default = Array.isArray(dflt) ? [...(dflt as readonly string[])] : (dflt as string | boolean)
  return out
}

/** Every policy type, in the order help lists them, as the form needs it. */
export function describePolicyTypes(): PolicyTypeInfo[] {
  return POLICY_TYPE_MODULES.map((m) => ({
    type: m.type,
    doc: formDoc(m.doc),
    aliases: [...(m.aliases ?? [])],
    restricting: m.restricting,
    fields: Object.entries(m.fields as Record<string, RuleField>).map(([name, f]) => fieldInfo(name, f)),
  }))
}

const ID = 'virtual:policy-types'

export function policyTypesPlugin(): Plugin {
  return {
    name: 'waiaas-policy-types',
    resolveId: (id) => (id === ID ? `\0${ID}` : null),
    load: (id) => (id === `\0${ID}` ? `export default ${JSON.stringify(describePolicyTypes())}` : null),
  }
}
