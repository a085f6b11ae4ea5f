/**
 * What the admin UI's policy form is generated from (admin/policy-types.ts, served to the bundle as
 * virtual:policy-types): every type module, in index order, with every rule field, in a kind the form has an input
 * for. A new kind of rule field fails here until the form (admin/src/pages/policies/rule-fields.tsx) renders it.
 */
import { describe, expect, it } from 'vitest'
import { describePolicyTypes, formDoc } from '../../admin/policy-types.js'
import { POLICY_TYPE_MODULES } from '../../src/lib/policy-types/index.js'
import type { RuleField } from '../../src/lib/policy-types/fields.js'

const FORM_KINDS = ['usd', 'amount', 'address', 'list', 'enum', 'bool', 'int', 'seconds', 'clock', 'timezone', 'selectors', 'limits', 'domains']

describe('the policy types the admin form is generated from', () => {
  const described = describePolicyTypes()

  it('lists every type module in index order, with its doc, aliases and whether it only restricts', () => {
    expect(described.map((d) => d.type)).toEqual(POLICY_TYPE_MODULES.map((m) => m.type))
    for (const [i, m] of POLICY_TYPE_MODULES.entries()) {
      expect(described[i]).toMatchObject({ doc: formDoc(m.doc), aliases: [...(m.aliases ?? [])], restricting: m.restricting })
    }
  })

  it('gives every rule field, in the module order, with its kind, bounds, values, default and help', () => {
    for (const [i, m] of POLICY_TYPE_MODULES.entries()) {
      const fields = Object.entries(m.fields as Record<string, RuleField>)
      expect(described[i]?.fields.map((f) => f.name)).toEqual(fields.map(([name]) => name))
      for (const [j, [name, f]] of fields.entries()) {
        const d = described[i]?.fields[j]
        expect(FORM_KINDS, `${m.type}.${name}`).toContain(d?.kind)
        expect(d).toMatchObject({ kind: f.kind, doc: formDoc(f.doc), required: f.required === true })
        // Help names the form's fields, never a CLI flag.
        expect(d?.doc).not.toMatch(/--[a-z]/)
        if (f.default !== undefined) expect(d?.default).toEqual(f.default)
        if (f.kind === 'enum') expect(d).toMatchObject({ values: [...f.values] })
        if (f.kind === 'int' || f.kind === 'seconds') expect(d).toMatchObject({ min: f.min, max: f.max })
        if (f.kind === 'list') expect(d).toMatchObject({ of: f.of })
        // CLI-only facts (the flag, the unit of a shared flag) stay out of the browser.
        expect(d).not.toHaveProperty('flag')
        expect(d).not.toHaveProperty('unit')
      }
    }
  })

  it('names the form’s fields where the CLI’s help names flags', () => {
    expect(formDoc("Up to this (native unit, or --token's units)")).toBe("Up to this (native unit, or token's units)")
    expect(formDoc('see --limit-usd-per-day')).toBe('see limit_usd_per_day')
    const instant = described.find((d) => d.type === 'SPENDING_LIMIT')?.fields.find((f) => f.name === 'instant_max')
    expect(instant?.doc).toContain("token's units")
  })

  it('is plain JSON (what the bundle embeds)', () => {
    expect(JSON.parse(JSON.stringify(described))).toEqual(described)
  })
})
