/** An initialised in-process daemon on a temporary home for one test file, reached through its real socket. */
import { afterAll, beforeAll } from 'vitest'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import type { DaemonClient } from '../../src/cli/client.js'
import type { Env } from '../../src/lib/env.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { tempHome } from './cli.js'

export const PASSWORD = 'correct horse battery staple'

export function useDaemon(opts: { env?: Partial<Env> } = {}): { readonly client: DaemonClient; readonly daemon: DaemonHandle } {
  let home: ReturnType<typeof tempHome> | undefined
  let daemon: DaemonHandle | undefined
  let client: DaemonClient | undefined
  beforeAll(async () => {
    home = tempHome()
    daemon = await startDaemon({ home: home.dataDir, env: { autoProvision: false, ...opts.env } })
    client = await connectExisting(daemon.paths)
    await client.call('vault.init', { password: PASSWORD })
  })
  afterAll(async () => {
    client?.close()
    await daemon?.close()
    home?.cleanup()
  })
  return {
    get client(): DaemonClient {
      if (client === undefined) throw new Error('useDaemon: no daemon outside a test')
      return client
    },
    get daemon(): DaemonHandle {
      if (daemon === undefined) throw new Error('useDaemon: no daemon outside a test')
      return daemon
    },
  }
}
