/**
 * The flags of every command that prints a list as a table (as gh and oclif's own tables have them): --columns to
 * choose and order columns (checked while parsing against the table's own columns), --csv for spreadsheets and
 * scripts that do not want JSON, --no-truncate to print cells whole on a terminal too. Off a terminal nothing is cut.
 */
import * as Flags from '@oclif/core/flags'
import { columnName, type Column, type TableOptions } from './render.js'

/** The three flags for a table with these columns. */
export function tableFlags(columns: readonly Column[]) {
  const names = columns.map(columnName)
  return {
    columns: Flags.string({
      description: `Only these columns, in this order, comma-separated: ${names.join(', ')}`,
      options: names,
      multiple: true,
      multipleNonGreedy: true,
      delimiter: ',',
      helpGroup: 'TABLE',
    }),
    csv: Flags.boolean({ description: 'Print CSV (a header row of column names, then one row each) instead of a table', exclusive: ['json'], helpGroup: 'TABLE' }),
    'no-truncate': Flags.boolean({ description: 'Print every cell whole (on a terminal, long cells are cut to fit its width)', helpGroup: 'TABLE' }),
  }
}

/** The table options the parsed flags ask for; cells are cut only on a terminal and without --no-truncate or --csv. */
export function tableOptions(flags: Record<string, unknown>): TableOptions {
  const opts: TableOptions = {}
  const columns = flags.columns as string[] | undefined
  if (columns !== undefined && columns.length > 0) opts.columns = columns
  if (flags.csv === true) opts.csv = true
  const width = process.stdout.isTTY === true ? process.stdout.columns : undefined
  if (flags['no-truncate'] !== true && flags.csv !== true && width !== undefined && width > 0) opts.width = width
  return opts
}
