/** Small renderers for human output. Commands print through these so tables look the same everywhere. */

/** Left-aligned columns with a header row; empty list prints `empty`. */
export function table(rows: Record<string, unknown>[], columns: [key: string, header: string][], empty = '(none)'): string {
  if (rows.length === 0) return empty
  const cells = rows.map((r) => columns.map(([k]) => String(r[k] ?? '')))
  const widths = columns.map(([, h], i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)))
  const line = (vals: string[]): string => vals.map((v, i) => (i === vals.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ')
  return [line(columns.map(([, h]) => h)), ...cells.map(line)].join('\n')
}

/** `key: value` lines with aligned keys. */
export function fields(pairs: [label: string, value: unknown][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v === null || v === undefined ? '-' : String(v)}`).join('\n')
}
