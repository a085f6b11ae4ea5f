import { readFileSync } from 'node:fs'
import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../lib/base-command.js'
import { readSettings } from '../lib/env.js'
import { VERSION } from '../lib/version.js'

const PACKAGE: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string }).name
const TIMEOUT_MS = 2500

export interface UpdateCheck {
  current: string
  latest: string | null
  status: 'up-to-date' | 'available' | 'skipped'
  /** The command that installs the newer version, when there is one. */
  command: string | null
}

/** -1, 0 or 1 comparing x.y.z versions (a pre-release suffix is ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] => v.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((n) => Number.parseInt(n, 10) || 0)
  const x = parts(a)
  const y = parts(b)
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

export default class Update extends BaseCommand {
  /** WAIaaS's name for it; src/hooks/alias-note.ts says which command runs. */
  static override aliases = ['upgrade']
  static override description =
    'Check the npm registry for a newer waiaas and print the command that installs it; offline or on any registry error the ' +
    'check is skipped, never an error. waiaas never replaces itself: the daemon holds your keys, so you run the install.'
  static override examples = ['<%= config.bin %> update', '<%= config.bin %> update --check --json']
  static override flags = {
    check: Flags.boolean({ description: 'Only check (the default: waiaas never installs by itself); kept for scripts that pass it' }),
  }

  protected override async exec(): Promise<UpdateCheck> {
    const registry = readSettings(this.paths.config).npmRegistry ?? 'https://registry.npmjs.org'
    const skipped: UpdateCheck = { current: VERSION, latest: null, status: 'skipped', command: null }
    let latest: string
    try {
      const { request } = await import('undici')
      const res = await request(`${registry}/${encodeURIComponent(PACKAGE)}/latest`, {
        headers: { accept: 'application/json' },
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      if (res.statusCode !== 200) {
        await res.body.dump()
        return skipped
      }
      const body = (await res.body.json()) as { version?: unknown }
      if (typeof body.version !== 'string' || !/^\d+\.\d+\.\d+/.test(body.version)) return skipped
      latest = body.version
    } catch {
      return skipped
    }
    return compareVersions(latest, VERSION) > 0
      ? { current: VERSION, latest, status: 'available', command: `npm i -g ${PACKAGE}@${latest}` }
      : { current: VERSION, latest, status: 'up-to-date', command: null }
  }

  protected override render(u: UpdateCheck): void {
    if (u.status === 'available') this.log(`A newer version ${u.latest} is available (this is ${u.current}): ${u.command}`)
    else if (u.status === 'up-to-date') this.log(`waiaas ${u.current} is up to date`)
    else this.log(`Update check skipped (registry not reachable); this is waiaas ${u.current}`)
  }
}
