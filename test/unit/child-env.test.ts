/** What each kind of child process may see of the WAIAAS_* environment (the e2e proof reads /proc: e2e/child-env). */
import { describe, expect, it } from 'vitest'
import { childEnv, passwordForDaemon } from '../../src/lib/child-env.js'
import { SETTINGS } from '../../src/lib/settings.js'

const parent = {
  PATH: '/usr/bin',
  HOME: '/home/u',
  WAIAAS_DATA_DIR: '/d',
  WAIAAS_MASTER_PASSWORD: 'pw',
  WAIAAS_MASTER_PASSWORD_FILE: '/s/pw',
  WAIAAS_SESSION_TOKEN: 'tok',
  WAIAAS_SESSION_TOKEN_FILE: '/s/tok',
  WAIAAS_LOG_LEVEL: 'debug',
  WAIAAS_TEST_HOOKS: '1',
  WAIAAS_TEST_CRASH_AT: 'signed',
  WAIAAS_SOMETHING_UNKNOWN: 'x',
}

describe('childEnv', () => {
  it('a tool (anvil) keeps everything but every WAIAAS_* variable', () => {
    expect(childEnv('tool', parent)).toEqual({ PATH: '/usr/bin', HOME: '/home/u' })
  })

  it('the daemon keeps its settings, test hooks and the password file, never a secret or the token file', () => {
    const env = childEnv('daemon', parent)
    expect(Object.keys(env).sort()).toEqual(['HOME', 'PATH', 'WAIAAS_DATA_DIR', 'WAIAAS_LOG_LEVEL', 'WAIAAS_MASTER_PASSWORD_FILE', 'WAIAAS_TEST_CRASH_AT', 'WAIAAS_TEST_HOOKS'])
  })

  it('drops every setting marked secret, for every kind', () => {
    const all = Object.fromEntries(SETTINGS.map((s) => [s.env, 'v']))
    for (const s of SETTINGS.filter((x) => x.secret)) {
      expect(childEnv('daemon', all)).not.toHaveProperty(s.env)
      expect(childEnv('tool', all)).not.toHaveProperty(s.env)
    }
  })

  it('hands the daemon WAIAAS_MASTER_PASSWORD on stdin only when no password file would win', () => {
    expect(passwordForDaemon({ WAIAAS_MASTER_PASSWORD: 'pw' })).toBe('pw')
    expect(passwordForDaemon({ WAIAAS_MASTER_PASSWORD: 'pw', WAIAAS_MASTER_PASSWORD_FILE: '/s/pw' })).toBeUndefined()
    expect(passwordForDaemon({ WAIAAS_MASTER_PASSWORD: '' })).toBeUndefined()
    expect(passwordForDaemon({})).toBeUndefined()
  })
})
