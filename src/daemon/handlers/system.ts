import { PROTOCOL_VERSION } from '../../lib/contract/index.js'
import type { Handler } from '../context.js'
import { getMeta } from '../store/meta.js'
import { countWallets } from '../store/wallets.js'

export const hello: Handler<'system.hello'> = (ctx) => ({
  protocol: PROTOCOL_VERSION,
  version: ctx.version,
  pid: process.pid,
  startedAt: ctx.startedAt.toISOString(),
  managed: ctx.managed,
})

export const status: Handler<'system.status'> = (ctx) => ({
  version: ctx.version,
  protocol: PROTOCOL_VERSION,
  pid: process.pid,
  startedAt: ctx.startedAt.toISOString(),
  uptimeMs: Date.now() - ctx.startedAt.getTime(),
  dataDir: ctx.paths.dataDir,
  socket: ctx.paths.socket,
  logFile: ctx.paths.logFile,
  initialized: ctx.keyring.initialized,
  locked: ctx.keyring.locked,
  autoProvisioned: getMeta<boolean>(ctx.db, 'auto_provisioned') === true,
  walletCount: countWallets(ctx.db),
  managed: ctx.managed,
  plugins: ctx.plugins.list(),
})

export const shutdown: Handler<'system.shutdown'> = (ctx) => {
  ctx.requestShutdown()
  return { stopping: true, pid: process.pid }
}

/** The checks only the daemon can make (src/daemon/doctor.ts). */
export { doctor } from '../doctor.js'
