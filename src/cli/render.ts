/** Small renderers for human output. Commands print through these so tables look the same everywhere. */

/** A table column: the row key it shows and its header. */
export type Column = readonly [key: string, header: string]

/** How a table is printed: chosen columns, CSV, and whether cells are cut to fit the terminal. */
export interface TableOptions {
  /** Column names (see columnName) in the order to show them; all when absent. */
  columns?: readonly string[]
  /** RFC 4180 CSV with a header row of column names, nothing cut, instead of aligned text. */
  csv?: boolean
  /** Cut cells so each line fits in this many characters (set on a terminal only); undefined prints them whole. */
  width?: number
}

/** The name of a column in --columns and CSV headers: its header in lower case, spaces as dashes (its key if none). */
export function columnName([key, header]: Column): string {
  return (header === '' ? key : header).toLowerCase().replaceAll(' ', '-')
}

/** A cell in CSV: quoted when it holds a comma, a quote or a line break (quotes doubled). */
function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v
}

/** `v` cut to `w` characters with an ellipsis: in the middle for one word (addresses, ids, hashes), else at the end. */
export function cut(v: string, w: number): string {
  if (v.length <= w) return v
  if (w <= 1) return '…'.slice(0, w)
  if (!/\s/.test(v) && w >= 7) {
    const head = Math.ceil((w - 1) / 2)
    return `${v.slice(0, head)}…${v.slice(v.length - (w - 1 - head))}`
  }
  return `${v.slice(0, w - 1)}…`
}

/**
 * Column widths that fit `width` when they can: the widest column gives way one character at a time, so long columns
 * end up sharing the room evenly; none goes below its header or 6.
 */
function fitWidths(widths: number[], mins: number[], width: number): number[] {
  const w = [...widths]
  let total = w.reduce((a, b) => a + b, 0) + 2 * (w.length - 1)
  while (total > width) {
    let widest = -1
    for (let i = 0; i < w.length; i++) if ((w[i] ?? 0) > (mins[i] ?? 0) && (widest < 0 || (w[i] ?? 0) > (w[widest] ?? 0))) widest = i
    if (widest < 0) break
    w[widest] = (w[widest] ?? 0) - 1
    total--
  }
  return w
}

/**
 * Left-aligned columns with a header row; an empty list prints `empty` (CSV prints its header row only). With
 * `opts.columns`, only those columns in that order; with `opts.width`, cells are cut so lines fit.
 */
export function table(rows: Record<string, unknown>[], columns: readonly Column[], empty = '(none)', opts: TableOptions = {}): string {
  const shown = opts.columns === undefined ? columns : opts.columns.map((n) => columns.find((c) => columnName(c) === n)).filter((c) => c !== undefined)
  const cells = rows.map((r) => shown.map(([k]) => String(r[k] ?? '')))
  if (opts.csv === true) return [shown.map(columnName), ...cells].map((line) => line.map(csvCell).join(',')).join('\n')
  if (rows.length === 0) return empty
  const natural = shown.map(([, h], i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)))
  const widths = opts.width === undefined ? natural : fitWidths(natural, shown.map(([, h]) => Math.max(h.length, 6)), opts.width)
  const line = (vals: string[]): string =>
    vals.map((v, i) => (i === vals.length - 1 ? cut(v, widths[i] ?? v.length) : cut(v, widths[i] ?? v.length).padEnd(widths[i] ?? 0))).join('  ')
  return [line(shown.map(([, h]) => h)), ...cells.map(line)].join('\n')
}

/** `key: value` lines with aligned keys. */
export function fields(pairs: [label: string, value: unknown][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v === null || v === undefined ? '-' : String(v)}`).join('\n')
}
