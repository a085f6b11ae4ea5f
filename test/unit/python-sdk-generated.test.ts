/**
 * The Python SDK's method table and types (python/waiaas/_generated.py) are generated from the contract by
 * scripts/gen-python-sdk.mjs; this fails when the committed file is not what the sources' contract generates, and
 * checks that every contract method has its snake_case method under its namespace.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { OUT_FILE, render, snake } from '../../scripts/gen-python-sdk.mjs'
import { contract, PROTOCOL_VERSION } from '../../src/lib/contract/index.js'
import { ERROR_CODES } from '../../src/lib/errors.js'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..')

describe('python SDK generated file', () => {
  const expected = render({ contract, errorCodes: ERROR_CODES, protocol: PROTOCOL_VERSION, toJSONSchema: z.toJSONSchema as never })
  const actual = fs.readFileSync(path.join(root, OUT_FILE), 'utf8')

  it('is what the contract generates (else: npm run build && node scripts/gen-python-sdk.mjs)', () => {
    expect(actual === expected, `${OUT_FILE} is stale: run \`npm run build && node scripts/gen-python-sdk.mjs\``).toBe(true)
  })

  it('has every contract method in its namespace class, in snake_case, and every error code', () => {
    for (const method of Object.keys(contract)) {
      const [ns, verb] = method.split('.') as [string, string]
      const cls = new RegExp(`^class ${ns[0]!.toUpperCase()}${ns.slice(1)}Api\\(Namespace\\):\\n((?:\\n|    .*\\n)*)`, 'm').exec(actual)
      expect(cls, `class for ${ns}`).not.toBeNull()
      expect(cls![1]).toContain(`    def ${snake(verb)}(self,`)
      expect(cls![1]).toContain(`self._call(${JSON.stringify(method)}, params, fields)`)
    }
    for (const code of Object.keys(ERROR_CODES)) expect(actual).toContain(`    ${JSON.stringify(code)},\n`)
    expect(snake('setLowBalance')).toBe('set_low_balance')
    expect(snake('import')).toBe('import_')
  })
})
