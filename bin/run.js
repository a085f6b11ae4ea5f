#!/usr/bin/env node
// The `waiaas` binary. Imports only oclif's execute entry (not its index) to keep start-up fast.
import { execute } from '@oclif/core/execute'

await execute({ dir: import.meta.url })
