/**
 * The one table helper every list prints through (--columns, --csv, cutting to a terminal's width) and the readable
 * RULES summary of `policy list`. Pure functions: the CLI runs of the same flags are in test/e2e/cli-habits.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { rulesSummary, secondsText } from '../../src/lib/policy-summary.js'
import { columnName, cut, table, type Column } from '../../src/cli/render.js'

const COLUMNS: Column[] = [['name', 'NAME'], ['address', 'ADDRESS'], ['eventId', 'EVENT ID'], ['mark', '']]
const ROWS = [
  { name: 'main', address: '0x8ba1f109551bD432803012645Ac136ddd64DBA72', eventId: 'e1', mark: '' },
  { name: 'sol, "hot"', address: '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin', eventId: 'e2', mark: 'yes' },
]

/** A small RFC 4180 reader for the test (quoted cells with doubled quotes, commas and line breaks inside). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]]
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++
      else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') rows[rows.length - 1]?.push(cell), (cell = '')
    else if (ch === '\n') rows[rows.length - 1]?.push(cell), (cell = ''), rows.push([])
    else cell += ch
  }
  rows[rows.length - 1]?.push(cell)
  return rows
}

describe('table', () => {
  it('names columns by header in lower case with dashes, or by key when the header is empty', () => {
    expect(COLUMNS.map(columnName)).toEqual(['name', 'address', 'event-id', 'mark'])
  })

  it('prints every cell whole when no width is given (off a terminal)', () => {
    const out = table(ROWS, COLUMNS)
    expect(out).toContain(ROWS[0]?.address)
    expect(out).toContain(ROWS[1]?.address)
    expect(out.split('\n')[0]).toMatch(/^NAME\s+ADDRESS\s+EVENT ID\s+$/)
  })

  it('shows only the chosen columns, in the order given', () => {
    const out = table(ROWS, COLUMNS, '(none)', { columns: ['event-id', 'name'] })
    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^EVENT ID\s+NAME$/)
    expect(lines[1]).toMatch(/^e1\s+main$/)
    expect(out).not.toContain('0x8ba1')
  })

  it('writes RFC 4180 CSV: a header of column names, quotes around commas and quotes, nothing cut', () => {
    const csv = table(ROWS, COLUMNS, '(none)', { csv: true, width: 20 })
    expect(parseCsv(csv)).toEqual([
      ['name', 'address', 'event-id', 'mark'],
      ['main', '0x8ba1f109551bD432803012645Ac136ddd64DBA72', 'e1', ''],
      ['sol, "hot"', '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin', 'e2', 'yes'],
    ])
    expect(csv.split('\n')[2]).toBe('"sol, ""hot""",9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin,e2,yes')
  })

  it('prints only the header row as CSV for an empty list, and the empty message as text', () => {
    expect(table([], COLUMNS, 'No wallets.', { csv: true, columns: ['name'] })).toBe('name')
    expect(table([], COLUMNS, 'No wallets.')).toBe('No wallets.')
  })

  it('cuts cells so every line fits the width, the widest column first, ids in the middle', () => {
    for (const width of [40, 60, 80]) {
      const lines = table(ROWS, COLUMNS, '(none)', { width }).split('\n')
      for (const l of lines) expect(l.length, `${width}: ${l}`).toBeLessThanOrEqual(width)
    }
    const out = table(ROWS, COLUMNS, '(none)', { width: 50 })
    expect(out).toContain('0x8ba1')
    expect(out).toContain('DBA72')
    expect(out).toContain('…')
    expect(out).toContain('main')
  })

  it('never cuts a column below its header (or 6), even when the line cannot fit', () => {
    const lines = table(ROWS, COLUMNS, '(none)', { width: 10 }).split('\n')
    expect(lines[0]).toMatch(/^NAME\s+ADDRESS\s+EVENT ID\s+$/)
    expect(lines[1]).toMatch(/^main\s+0x8…A72\s+e1\s+$/)
  })

  it('cuts one word in the middle and text at the end', () => {
    expect(cut('0x8ba1f109551bD432803012645Ac136ddd64DBA72', 13)).toBe('0x8ba1…4DBA72')
    expect(cut('instant ≤ 10 USD · daily 500 USD', 12)).toBe('instant ≤ 1…')
    expect(cut('short', 12)).toBe('short')
  })
})

describe('policy RULES summary', () => {
  it("reads the seed's SPENDING_LIMIT as tiers and a daily limit", () => {
    const rules = { instant_max_usd: '10', notify_max_usd: '100', delay_max_usd: '1000', delay_seconds: 300, daily_limit_usd: '500', on_exceed: 'APPROVAL', price_unavailable: 'APPROVAL' }
    expect(rulesSummary('SPENDING_LIMIT', rules)).toBe('instant ≤ 10 USD · notify ≤ 100 USD · delay ≤ 1000 USD (5 min) · above: approval · daily 500 USD')
  })

  it('names native and token units and a DENY past the limits', () => {
    expect(rulesSummary('SPENDING_LIMIT', { instant_max: '0.5', weekly_limit: '3', on_exceed: 'DENY', price_unavailable: 'APPROVAL' })).toBe(
      'instant ≤ 0.5 native · above: approval · weekly 3 native · past a limit: deny',
    )
    expect(rulesSummary('SPENDING_LIMIT', { daily_limit: '100', token: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', on_exceed: 'APPROVAL', price_unavailable: 'DENY' })).toBe(
      'daily 100 of 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913 · no price: deny',
    )
  })

  it('summarises the other types in words', () => {
    expect(rulesSummary('ALLOWED_NETWORKS', { networks: ['eip155:8453', 'eip155:1', 'eip155:10', 'eip155:137'] })).toBe('networks: eip155:8453, eip155:1, eip155:10 +1 more')
    expect(rulesSummary('RATE_LIMIT', { max_requests: 5, per_seconds: 3600, tier: 'DELAY', delay_seconds: 900 })).toBe('5 per 1 h, then delay (15 min)')
    expect(rulesSummary('TIME_WINDOW', { start: '09:00', end: '17:00', days: ['mon', 'tue'], timezone: 'Europe/Paris', outside: 'APPROVAL' })).toBe('09:00–17:00 mon,tue Europe/Paris · outside: approval')
    expect(rulesSummary('MAX_PENDING', { max: 3, tier: 'DENY' })).toBe('≤ 3 pending, then deny')
    expect(rulesSummary('FEE_CAP', { max_fee: '0.01', tier: 'APPROVAL' })).toBe('fee ≤ 0.01 native, then approval')
    expect(rulesSummary('NEW_RECIPIENT_TIER', { tier: 'DELAY', delay_seconds: 600 })).toBe('new recipient: delay (10 min)')
    expect(rulesSummary('SIGNING_RULES', { allow_personal_sign: true, typed_data_domains: [{ name: 'Permit2' }], tier: 'NOTIFY' })).toBe('personal_sign: yes · typed data: 1 domain · tier notify')
    expect(rulesSummary('APPROVE_AMOUNT_LIMIT', { allow_unlimited: false, limits: [{ token: '0xT', max_amount: '100' }] })).toBe('unlimited: no · 0xT ≤ 100')
    expect(rulesSummary('METHOD_ALLOWLIST', { methods: { '0xC': ['0xa9059cbb', 'approve(address,uint256)'] } })).toBe('0xC: 0xa9059cbb, approve(address,uint256)')
    expect(rulesSummary('RECIPIENT_DENYLIST', { recipients: [] })).toBe('never to: none')
  })

  it('shows a field or a type it does not know as field=value, so nothing stored is hidden', () => {
    expect(rulesSummary('MAX_PENDING', { max: 1, tier: 'DENY', extra: { a: 1 } })).toBe('≤ 1 pending, then deny · extra={"a":1}')
    expect(rulesSummary('SOME_NEW_TYPE', { limit: 3, mode: 'x' })).toBe('limit=3 · mode=x')
  })

  it('writes seconds in the largest whole unit', () => {
    expect([30, 60, 90, 300, 3600, 7200, 86_400, 90_000].map(secondsText)).toEqual(['30 s', '1 min', '90 s', '5 min', '1 h', '2 h', '1 d', '25 h'])
  })
})
