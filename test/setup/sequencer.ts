/**
 * Longest files first, one project after the other. Test time is dominated by a few long files (the image build, the
 * crash tests); started last, one of them becomes a tail that runs alone while the other workers idle. On a clean
 * clone vitest has no timing cache and falls back to path order, which starts the image build near the end, so the
 * order comes from test/durations.json (seconds per file, hooks included, from a full run with
 * test/setup/durations-reporter.ts; the README gives the command). A file not listed there runs first: it is new, and
 * new files are as likely to be slow.
 *
 * The projects are not interleaved. With `isolate: false` a worker process runs file after file, keeping its module
 * cache, only while the next file in the queue belongs to the same project; a file of the other project next makes
 * vitest end that worker and start a fresh one, which imports everything again (a few CPU-seconds each, on a machine
 * whose two cores are busy for the whole run). Longest-first order across both projects alternated them and started
 * 17 workers for 4 slots. So `slow` (the image build, about a minute, and the browser files) goes first, then
 * `main`, each longest-first.
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

const durations = JSON.parse(readFileSync(new URL('../durations.json', import.meta.url), 'utf8')) as Record<string, number>

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (f: TestSpecification): number => durations[relative(f.project.config.root, f.moduleId)] ?? Number.POSITIVE_INFINITY
    const rank = (f: TestSpecification): number => (f.project.name === 'slow' ? 0 : 1)
    return [...files].sort((a, b) => rank(a) - rank(b) || seconds(b) - seconds(a))
  }
}
