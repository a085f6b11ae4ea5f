/**
 * The CLI's preferences (src/cli/preferences.ts): written by conf where WAIAAS_CONFIG_DIR says, read back by the
 * plain reader every command uses, never holding anything but their own keys (no secret), and defaults that apply
 * only to the data directory they were set for.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readEnv } from '../../src/lib/env.js'
import { assertNotSecret, defaultsFor, preferencesFile, readPreferences, resetPreferences, writePreferences } from '../../src/cli/preferences.js'
import { applyTargetDefaults, networkFlag, walletFlag } from '../../src/cli/target-flags.js'
import { catchErr } from '../helpers/errors.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-prefs-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('preferences', () => {
  it('live in WAIAAS_CONFIG_DIR (read once with the other settings), else in the user config dir', () => {
    const env = readEnv({ WAIAAS_CONFIG_DIR: path.join(root, 'a') })
    expect(preferencesFile(env)).toBe(path.join(root, 'a', 'config.json'))
    expect(preferencesFile(readEnv({}))).toMatch(/waiaas[/\\]config\.json$/)
    expect(readPreferences(env)).toEqual({})
  })

  it('are written by conf (mode 0600) and read back by the plain reader', async () => {
    const env = readEnv({ WAIAAS_CONFIG_DIR: path.join(root, 'b') })
    const defaults = { dataDir: '/data/one', wallet: { id: 'wid', name: 'treasury' }, network: 'eip155:8453' }
    const file = await writePreferences(env, { output: 'json', defaults })
    expect(file).toBe(preferencesFile(env))
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(readPreferences(env)).toEqual({ output: 'json', defaults })
    await writePreferences(env, { defaults: null })
    expect(readPreferences(env)).toEqual({ output: 'json' })
    // conf's schema refuses what the reader would refuse.
    await expect(writePreferences(env, { output: 'yaml' as never })).rejects.toThrow(/output/)
    expect(resetPreferences(env)).toBe(true)
    expect(readPreferences(env)).toEqual({})
  })

  it('refuse a file holding anything but their own keys: a secret written there by hand is never read', () => {
    const env = readEnv({ WAIAAS_CONFIG_DIR: path.join(root, 'c') })
    fs.mkdirSync(path.join(root, 'c'))
    for (const [raw, key] of [
      [{ masterPassword: 'hunter2' }, 'masterPassword'],
      [{ output: 'xml' }, 'output'],
      [{ defaults: { dataDir: '/d', token: 'wsk_x' } }, 'defaults.token'],
      [[1, 2], ''],
    ] as const) {
      fs.writeFileSync(preferencesFile(env), JSON.stringify(raw))
      const e = catchErr(() => readPreferences(env))
      expect(e.code).toBe('CONFIG_INVALID')
      expect(e.details.key).toBe(key)
      expect(JSON.stringify(e.toPayload())).not.toContain('hunter2')
    }
  })

  it('refuse a value that looks like a secret, without showing it', () => {
    const secrets = [
      '0x' + 'ab'.repeat(32),
      'cd'.repeat(32),
      'abandon '.repeat(11) + 'about',
      'wsk_' + 'A'.repeat(43),
      JSON.stringify(Array.from({ length: 64 }, (_, i) => i)),
      '5'.repeat(88),
    ]
    for (const s of secrets) {
      const e = catchErr(() => assertNotSecret(s, 'WALLET'))
      expect(e.code).toBe('INPUT_INVALID')
      expect(e.details).toEqual({ field: 'WALLET', issue: 'looks-like-secret' })
      expect(JSON.stringify(e.toPayload())).not.toContain(s)
    }
    for (const ok of ['treasury', 'sol-hot', '9b2c4f1e-2b7a-4c1e-9a1e-1a2b3c4d5e6f', 'eip155:8453', 'base']) expect(() => assertNotSecret(ok, 'WALLET')).not.toThrow()
  })

  it('give defaults only to the data directory they were set for', () => {
    const prefs = { defaults: { dataDir: '/data/one', wallet: { id: 'wid', name: 'w' }, network: 'base' } }
    expect(defaultsFor(prefs, '/data/one/')).toEqual({ wallet: { id: 'wid', name: 'w' }, network: 'base' })
    expect(defaultsFor(prefs, '/data/two')).toEqual({})
    expect(defaultsFor({}, '/data/one')).toEqual({})
  })
})

describe('the shared --wallet/--network flags', () => {
  const defs = { wallet: walletFlag({ required: true }), network: networkFlag({ required: false }), to: {} }

  it('take the defaults when absent, never over a given flag', () => {
    const flags: Record<string, unknown> = { to: '0xabc' }
    applyTargetDefaults(defs, flags, () => ({ wallet: { id: 'wid', name: 'w' }, network: 'eip155:8453' }))
    expect(flags).toEqual({ to: '0xabc', wallet: 'wid', network: 'eip155:8453' })
    const given: Record<string, unknown> = { wallet: 'other', network: 'base' }
    let asked = false
    applyTargetDefaults(defs, given, () => {
      asked = true
      return { wallet: { id: 'wid', name: 'w' } }
    })
    expect(given).toEqual({ wallet: 'other', network: 'base' })
    expect(asked).toBe(false)
  })

  it('fail naming a required flag when there is no default', () => {
    const e = catchErr(() => applyTargetDefaults(defs, {}, () => ({})))
    expect(e.code).toBe('USAGE')
    expect(e.details).toEqual({ flag: '--wallet' })
    const optional: Record<string, unknown> = { wallet: 'w' }
    applyTargetDefaults(defs, optional, () => ({}))
    expect(optional).toEqual({ wallet: 'w' })
  })
})
