/** oclif's own parse failures, turned into our USAGE error with details a script can act on. */
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { parse } from '@oclif/core/parser'
import { describe, expect, it } from 'vitest'
import { WaiaasError } from '../../src/lib/errors.js'
import { usageError } from '../../src/cli/usage-error.js'

const INPUT = {
  flags: { wallet: Flags.string(), limit: Flags.integer({ min: 1 }), csv: Flags.boolean({ exclusive: ['json'] }), json: Flags.boolean() },
  args: { id: Args.string({ required: true, description: 'Request id' }) },
  strict: true,
}

/** The USAGE error `argv` gets from oclif's parser, as the base command makes it. */
async function failure(argv: string[]): Promise<WaiaasError> {
  try {
    await parse(argv, INPUT)
  } catch (err) {
    return usageError(err, 'tx:show')
  }
  throw new Error(`${argv.join(' ')} parsed`)
}

describe('usageError', () => {
  it('lists unknown flags, missing and unexpected arguments in details', async () => {
    expect((await failure(['req_1', '--bogus'])).details).toEqual({ command: 'waiaas tx show', unknownFlags: ['--bogus'] })
    const missing = await failure([])
    expect(missing.details).toEqual({ command: 'waiaas tx show', missingArgs: ['id'] })
    expect(missing.message).toBe('Missing required argument: ID')
    expect((await failure(['req_1', 'extra'])).details).toEqual({ command: 'waiaas tx show', unexpectedArgs: ['extra'] })
    for (const e of [missing, await failure(['req_1', '--bogus'])]) {
      expect(e.code).toBe('USAGE')
      expect(e.exitCode).toBe(2)
      expect(e.hint).toContain('waiaas tx show --help')
    }
  })

  it('keeps oclif\'s reason on one line without colour codes', async () => {
    const e = await failure(['req_1', '--limit', '0'])
    expect(e.message).not.toMatch(/\n|\u001b\[/)
    expect(e.message).toMatch(/--limit|1/)
    expect((await failure(['req_1', '--csv', '--json'])).message).not.toContain('The following error')
  })

  it('points a secret flag at its file flag', async () => {
    for (const [flag, instead] of [['--password', '--password-file'], ['--bot-token', '--bot-token-file'], ['--mnemonic', '--mnemonic-file']]) {
      const e = await failure(['req_1', `${flag}=s3cret`])
      expect(e.hint, flag).toContain(`pass ${instead} FILE`)
      expect(JSON.stringify(e.toPayload())).not.toContain('s3cret')
    }
  })

  it('keeps a WaiaasError thrown while parsing as it is', () => {
    const own = new WaiaasError('INPUT_INVALID_AMOUNT', 'bad amount', { details: { flag: '--amount' } })
    expect(usageError(own, 'send')).toBe(own)
  })
})
