/** The flags that shape a new agent session, shared by `session create` and `session prompt`, and the params they make. */
import * as Flags from '@oclif/core/flags'
import type { Input } from '../lib/contract/index.js'
import { DURATIONS, durationBounds, durationFlag } from '../lib/durations.js'
import { WaiaasError } from '../lib/errors.js'

const PERMISSIONS = ['read', 'send', 'sign'] as const

export const sessionFlags = {
  wallet: Flags.string({ char: 'w', description: 'A wallet the session may use (id or name); repeat for more', required: true, multiple: true }),
  name: Flags.string({ description: 'A label for the session (default "agent")' }),
  ttl: Flags.string({ description: `How long it lives, e.g. 15m, 1.5h, 2w (${durationBounds(DURATIONS.sessionTtl)}; default 1d)` }),
  'max-renewals': Flags.integer({ description: 'How many times the session may renew itself for another TTL (default 0)', min: 0, max: 1000 }),
  methods: Flags.string({ description: 'What it may do, comma-separated: read, send, sign (default all three)' }),
  'limit-usd-per-day': Flags.string({ description: 'A rolling-24 h USD cap for this session, on top of the wallets\' policies, e.g. 200' }),
}

type SessionFlagValues = { wallet: string[]; name?: string | undefined; ttl?: string | undefined; 'max-renewals'?: number | undefined; methods?: string | undefined; 'limit-usd-per-day'?: string | undefined }

/** The `session.create` params those flags ask for. */
export function sessionParams(f: SessionFlagValues): Input<'session.create'> {
  const params: Input<'session.create'> = { wallets: f.wallet }
  if (f.name !== undefined) params.name = f.name
  if (f.ttl !== undefined) params.ttlSeconds = durationFlag(f.ttl, '--ttl', DURATIONS.sessionTtl)
  if (f['max-renewals'] !== undefined) params.maxRenewals = f['max-renewals']
  if (f.methods !== undefined) {
    const list = f.methods.split(',').map((m) => m.trim()).filter((m) => m !== '')
    const bad = list.filter((m) => !(PERMISSIONS as readonly string[]).includes(m))
    if (list.length === 0 || bad.length > 0) {
      throw new WaiaasError('USAGE', `--methods takes read, send and sign, comma-separated; got "${f.methods}"`, { details: { flag: '--methods' } })
    }
    params.permissions = list as (typeof PERMISSIONS)[number][]
  }
  if (f['limit-usd-per-day'] !== undefined) params.limitUsdPerDay = f['limit-usd-per-day']
  return params
}
