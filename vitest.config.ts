import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Local chains (anvil and the litesvm-backed Solana RPC) start once per run on free loopback ports.
    globalSetup: ['test/setup/chains.ts'],
  },
})
