/** The kill switch: stop all signing at once, resume it, see whether it is on. */
import { z } from 'zod'
import { def, READ_NONE, isoTime, type MethodDef } from './common.js'

export const killSwitch = z.object({ on: z.boolean(), since: isoTime.nullable(), actor: z.string().nullable(), reason: z.string().nullable() })

/** The `killswitch.*` methods. */
export const killswitchMethods = {
  'killswitch.on': def({
    summary: 'Stop all signing at once: nothing is signed or broadcast, queued work is held. Anyone with socket access may turn it on.',
    role: 'public',
    input: z.object({ reason: z.string().max(500).optional() }),
    output: killSwitch,
    errors: ['AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
    session: READ_NONE,
  }),
  'killswitch.off': def({
    summary: 'Resume signing (operator); held work continues.',
    role: 'operator',
    input: z.object({}),
    output: killSwitch,
    errors: ['AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
    reauth: true,
  }),
  'killswitch.status': def({
    summary: 'Whether the kill switch is on.',
    role: 'public',
    input: z.object({}),
    output: killSwitch,
    errors: [],
    session: READ_NONE,
    readOnly: true,
  }),
} as const satisfies Record<`killswitch.${string}`, MethodDef>
