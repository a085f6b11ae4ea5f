/**
 * Longest files first. Test time is dominated by a few long files (the image build, the CLI fuzzers); started last,
 * one of them becomes a tail that runs alone while the other workers idle. On a clean clone vitest has no timing
 * cache and falls back to path order, which starts the image build near the end, so the order comes from
 * test/durations.json (seconds per file, from a full run: `node test/setup/durations.js REPORT.json` rewrites it from
 * vitest's JSON report). A file not listed there runs first: it is new, and new files are as likely to be slow.
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

const durations = JSON.parse(readFileSync(new URL('../durations.json', import.meta.url), 'utf8')) as Record<string, number>

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (f: TestSpecification): number => durations[relative(f.project.config.root, f.moduleId)] ?? Number.POSITIVE_INFINITY
    return [...files].sort((a, b) => seconds(b) - seconds(a))
  }
}
