/**
 * The environment of every child process waiaas starts, built in one place. A child inherits the parent's
 * environment for what it needs (PATH, HOME, locale, proxies), but no WAIAAS_* variable that carries a secret or
 * names a file holding one: /proc/<pid>/environ of a long-lived child (anvil runs for days) is readable by every
 * process of the user, and whatever a child gets, its own children get too.
 */
import { SETTINGS } from './settings.js'

/**
 * `daemon`: the daemon the CLI launches; it keeps the settings it reads, and WAIAAS_MASTER_PASSWORD_FILE (it unlocks
 * from it at start and reads it for scheduled backups). The password itself never goes by environment: the launcher
 * hands it over on stdin. `tool`: anvil and any other program, which gets no WAIAAS_* variable at all.
 */
export type ChildKind = 'daemon' | 'tool'

/** WAIAAS_* variables outside the settings table that the daemon reads: test hooks and the debug switch. */
const DAEMON_EXTRA = new Set(['WAIAAS_TEST_HOOKS', 'WAIAAS_TEST_CRASH_AT', 'WAIAAS_TEST_CLOCK_FILE', 'WAIAAS_TEST_START_GATE', 'WAIAAS_TEST_KDF', 'WAIAAS_DEBUG'])
/** The one secret file the daemon reads itself. */
const DAEMON_READS_FILE = 'WAIAAS_MASTER_PASSWORD_FILE'

function daemonMaySee(name: string): boolean {
  if (DAEMON_EXTRA.has(name)) return true
  const setting = SETTINGS.find((s) => s.env === name)
  if (setting === undefined || setting.secret) return false
  return !setting.secretFile || name === DAEMON_READS_FILE
}

/** The environment for a child of this kind: `env` without the WAIAAS_* variables it must not see. */
export function childEnv(kind: ChildKind, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    if (!name.startsWith('WAIAAS_') || (kind === 'daemon' && daemonMaySee(name))) out[name] = value
  }
  return out
}

/**
 * The master password to hand to a daemon the CLI launches, on its stdin: WAIAAS_MASTER_PASSWORD when it is set and
 * no WAIAAS_MASTER_PASSWORD_FILE is (the daemon reads that file itself, and it comes first). Undefined otherwise.
 */
export function passwordForDaemon(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const password = env.WAIAAS_MASTER_PASSWORD
  if (password === undefined || password === '') return undefined
  return (env[DAEMON_READS_FILE] ?? '') === '' ? password : undefined
}
