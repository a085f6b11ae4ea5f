import { defineConfig } from 'vitest/config'
import LongestFirst from './test/setup/sequencer.js'

/**
 * The slow files: the container image build (buildah) and the browser (Chromium). They are their own project, `slow`,
 * which `npm test` (and so CI) runs with the rest; `npx vitest --project main` leaves them out while you work.
 */
const SLOW = ['test/ops/image.test.ts', 'test/**/*-browser.test.ts']

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: SLOW } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most test time is spent waiting on real daemons, chains and CLI processes, not on this process's CPU: four
    // files at a time on 2 cores (vitest's default is one fewer worker than cores, so one file at a time here), one of
    // them the image build, which holds its worker for minutes while buildah works.
    maxWorkers: 4,
    // Files share their worker's module cache (no test mocks modules; a file that changes process.env restores it in
    // afterAll, see test/helpers/kdf.ts): ethers, web3.js and SQLite load once per worker instead of once per file.
    isolate: false,
    // One pair of local chains (anvil and the litesvm-backed Solana RPC) per worker, on free loopback ports; a file
    // reaches its worker's pair with localChain() (test/helpers/chains.ts). Then, when .ci/run is compiling SQLite in
    // the background (WAIAAS_NATIVE_AHEAD), wait for that compile before any test runs (test/setup/native-ahead.ts).
    globalSetup: ['test/setup/chains.ts', 'test/setup/native-ahead.ts'],
    // The cheap master-password KDF (src/daemon/keystore/kdf.ts, TEST_N) for in-process daemons; spawned ones get it
    // from cliEnv (test/helpers/cli.ts). The production cost is asserted where a test turns this off.
    env: { WAIAAS_TEST_HOOKS: '1', WAIAAS_TEST_KDF: 'fast' },
    // Longest files first (test/durations.json), so no long file starts last and runs alone.
    sequence: { sequencer: LongestFirst },
  },
})
