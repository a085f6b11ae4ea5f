import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../cli/base-command.js'
import { readSettings } from '../lib/env.js'
import { resolveSettings } from '../lib/resolve-settings.js'
import { redactUrl } from '../lib/networks.js'
import { PACKAGE } from '../lib/package.js'
import { VERSION } from '../lib/version.js'

const TIMEOUT_MS = 2500

export interface UpdateCheck {
  current: string
  latest: string | null
  /**
   * `not-published`: the registry answered 404, it has no package of this name (a source checkout, or a registry that
   * does not carry it); `skipped`: no answer to go by, `reason` says why.
   */
  status: 'up-to-date' | 'available' | 'not-published' | 'skipped'
  /** The command that installs the newer version, when there is one. */
  command: string | null
  /** The registry asked, credentials redacted. */
  registry: string
  /** Why a check was skipped: `unreachable`, `http-<status>` or `bad-response`; null otherwise. */
  reason: string | null
  /** What to do when there is no answer to go by; null otherwise. */
  hint: string | null
}

const NOT_PUBLISHED_HINT =
  'Running from a source checkout? Update it with `git pull && npm ci && npm run build`. Otherwise set update.registry ' +
  '(or WAIAAS_NPM_REGISTRY) to the registry that publishes waiaas.'

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

export default class Update extends BaseCommand<typeof Update> {
  /** WAIaaS's name for it; src/hooks/alias-note.ts says which command runs. */
  static override aliases = ['upgrade']
  static override description =
    'Check the npm registry for a newer waiaas and print the command that installs it; offline or on any registry error the ' +
    'check is skipped, never an error, and a registry without waiaas (HTTP 404) is reported as not published there. ' +
    'waiaas never replaces itself: the daemon holds your keys, so you run the install.'
  static override examples = ['<%= config.bin %> update', '<%= config.bin %> update --check --json']
  static override flags = {
    check: Flags.boolean({ description: 'Only check (the default: waiaas never installs by itself); kept for scripts that pass it' }),
  }

  protected override async exec(): Promise<UpdateCheck> {
    const registry = resolveSettings(readSettings(this.paths.config)).npmRegistry
    const base = { current: VERSION, command: null, registry: redactUrl(registry) }
    const skipped = (reason: string): UpdateCheck => ({
      ...base, latest: null, status: 'skipped', reason, hint: 'Try again later; `waiaas config get update.registry` shows where it asks.',
    })
    let latest: string
    try {
      const { request } = await import('undici')
      const res = await request(`${registry}/${encodeURIComponent(PACKAGE.name)}/latest`, {
        headers: { accept: 'application/json' },
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
      if (res.statusCode !== 200) {
        await res.body.dump()
        if (res.statusCode === 404) return { ...base, latest: null, status: 'not-published', reason: null, hint: NOT_PUBLISHED_HINT }
        return skipped(`http-${res.statusCode}`)
      }
      const body = (await res.body.json()) as { version?: unknown }
      if (typeof body.version !== 'string' || !/^\d+\.\d+\.\d+/.test(body.version)) return skipped('bad-response')
      latest = body.version
    } catch {
      return skipped('unreachable')
    }
    return compareVersions(latest, VERSION) > 0
      ? { ...base, latest, status: 'available', command: `npm i -g ${PACKAGE.name}@${latest}`, reason: null, hint: null }
      : { ...base, latest, status: 'up-to-date', reason: null, hint: null }
  }

  protected override render(u: UpdateCheck): void {
    if (u.status === 'available') this.log(`A newer version ${u.latest} is available (this is ${u.current}): ${u.command}`)
    else if (u.status === 'up-to-date') this.log(`waiaas ${u.current} is up to date`)
    else if (u.status === 'not-published') this.log(`${PACKAGE.name} is not published on ${u.registry}, so there is no newer version to offer (this is ${u.current}).\n${u.hint ?? ''}`)
    else {
      const why = u.reason === 'unreachable' ? 'registry not reachable' : u.reason === 'bad-response' ? 'the registry gave no version' : `the registry answered ${u.reason?.replace('http-', 'HTTP ') ?? 'an error'}`
      this.log(`Update check skipped (${why}); this is waiaas ${u.current}`)
    }
  }
}
