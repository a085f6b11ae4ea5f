/** The one settings resolver fills exactly the table's defaults, and the typed list of defaulted fields matches it. */
import { describe, expect, it } from 'vitest'
import { resolveSettings, settingDefault, type DefaultedField } from '../../src/lib/resolve-settings.js'
import { SETTINGS } from '../../src/lib/settings.js'
import { defaultPluginSettings } from '../../src/daemon/plugins/settings.js'

// Compile-time: every DefaultedField is named here once.
const DEFAULTED: Record<DefaultedField, true> = {
  logLevel: true,
  logFormat: true,
  logMaxBytes: true,
  logFiles: true,
  pipelineTickMs: true,
  approvalTtlSeconds: true,
  notifyIntervalMs: true,
  notifyRetryBaseMs: true,
  telegramApiUrl: true,
  monitorIntervalMs: true,
  backupIntervalHours: true,
  backupKeep: true,
  npmRegistry: true,
}

describe('resolveSettings', () => {
  it('fills every setting with a default (and no stored layer) from the table, and only those', () => {
    const fromTable = SETTINGS.filter((s) => s.default !== null && !s.stored && !s.envOnly)
    expect(fromTable.map((s) => s.field).sort()).toEqual(Object.keys(DEFAULTED).sort())
    const r = resolveSettings({ autoProvision: false }) as unknown as Record<string, unknown>
    for (const s of fromTable) expect(r[s.field], s.key).toBe(s.default)
    for (const s of SETTINGS.filter((x) => x.default === null || x.stored)) expect(r[s.field], s.key).toBeUndefined()
  })

  it('keeps what the environment or the file set', () => {
    const r = resolveSettings({ autoProvision: false, monitorIntervalMs: 1500, logLevel: 'debug' })
    expect(r.monitorIntervalMs).toBe(1500)
    expect(r.logLevel).toBe('debug')
    expect(r.backupKeep).toBe(settingDefault('backupKeep'))
  })

  it('the plugin defaults under the stored setting are the table rows of rest.* and mcpHttp.enabled', () => {
    const d = defaultPluginSettings()
    const def = (key: string): unknown => SETTINGS.find((s) => s.key === key)?.default
    expect(d).toEqual({
      rest: { enabled: def('rest.enabled'), host: def('rest.host'), port: def('rest.port'), allowNonLoopback: def('rest.allowNonLoopback') },
      'mcp-http': { enabled: def('mcpHttp.enabled') },
    })
    expect(SETTINGS.filter((s) => s.stored).map((s) => s.key)).toEqual(['rest.enabled', 'rest.host', 'rest.port', 'rest.allowNonLoopback', 'mcpHttp.enabled'])
  })

  it('a field without a default is a programming error', () => {
    expect(() => settingDefault('socketPath')).toThrow(/no default/)
  })
})
