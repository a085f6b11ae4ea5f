/** What `waiaas use` and `waiaas status` show of the user's preferences. Pure: the CLI loads it. */
import path from 'node:path'
import { defaultsFor, type OutputStyle, type Preferences } from './preferences.js'

export interface PreferencesView {
  /** The default wallet for this data directory, or null. */
  wallet: { id: string; name: string } | null
  /** The default network (CAIP-2 id) for this data directory, or null. */
  network: string | null
  output: OutputStyle
  file: string
  /** When the defaults were set for another data directory (and so do not apply here): that directory. */
  defaultsFor: string | null
}

export function preferencesView(prefs: Preferences, dataDir: string, file: string): PreferencesView {
  const d = defaultsFor(prefs, dataDir)
  const other = prefs.defaults !== undefined && path.resolve(prefs.defaults.dataDir) !== path.resolve(dataDir) ? prefs.defaults.dataDir : null
  return { wallet: d.wallet ?? null, network: d.network ?? null, output: prefs.output ?? 'human', file, defaultsFor: other }
}

/** `label: value` pairs for `fields()`. */
export function preferencesPairs(v: PreferencesView): [string, string][] {
  const none = v.defaultsFor === null ? '-' : `- (yours are for ${v.defaultsFor})`
  return [
    ['default wallet', v.wallet === null ? none : `${v.wallet.name} (${v.wallet.id})`],
    ['default network', v.network ?? none],
    ['output', v.output],
  ]
}
