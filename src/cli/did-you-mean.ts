/** The command or topic a mistyped command line most likely meant, for the "Did you mean …?" of an unknown command. */
import { distance } from 'fastest-levenshtein'

/**
 * The closest of `known` ids (`wallet:list`, `wallet`) to the typed id, comparing each candidate with as many words of
 * the typed id as it has (so `wallet:shw:main` meets `wallet:show`), or undefined when none is close: within
 * one edit for a word of up to 3 letters, else max(2, a third of its length), or a candidate that starts with what was typed (3 letters or more).
 * Among close ones, the one that explains more of the typed words wins, then the one with fewer edits.
 */
export function didYouMean(typed: string, known: readonly string[]): string | undefined {
  const words = typed.split(':')
  let best: { id: string; d: number; n: number } | undefined
  for (const id of known) {
    const n = id.split(':').length
    if (n > words.length) continue
    const target = words.slice(0, n).join(':')
    const d = target.length >= 3 && id.startsWith(target) ? 0 : distance(target, id)
    if (d > (target.length <= 3 ? 1 : Math.max(2, Math.floor(target.length / 3)))) continue
    // More words matched wins (`mcp:setp` means `mcp:setup`, not the `mcp` command), then fewer edits.
    if (best === undefined || n > best.n || (n === best.n && d < best.d)) best = { id, d, n }
  }
  return best?.id
}
