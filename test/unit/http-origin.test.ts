/**
 * The DNS-rebinding check of the HTTP plugins, as a function of the request headers, the bind address and
 * rest.publicUrl (the loopback case is also driven over HTTP in test/plugins/rest.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { checkRequestOrigin } from '../../src/daemon/plugins/http.js'
import type { WaiaasError } from '../../src/lib/errors.js'

const refused = (headers: Record<string, string>, bind: string, publicUrl?: string): string | undefined => {
  try {
    checkRequestOrigin(headers, bind, publicUrl)
    return undefined
  } catch (err) {
    const e = err as WaiaasError
    expect(e.code).toBe('HTTP_ORIGIN_REFUSED')
    return String(e.details.header)
  }
}

describe('checkRequestOrigin', () => {
  it('on a loopback bind, takes loopback names and the public URL host only, in Host and in Origin', () => {
    expect(refused({ host: '127.0.0.1:3100' }, '127.0.0.1')).toBeUndefined()
    expect(refused({ host: 'localhost:3100', origin: 'http://localhost:3100' }, '127.0.0.1')).toBeUndefined()
    expect(refused({ host: '[::1]:3100' }, '::1')).toBeUndefined()
    expect(refused({ host: '127.0.0.2' }, 'localhost')).toBeUndefined()
    expect(refused({ host: 'evil.example:3100' }, '127.0.0.1')).toBe('host')
    expect(refused({}, '127.0.0.1')).toBe('host')
    expect(refused({ host: '127.0.0.1:3100', origin: 'http://evil.example' }, '127.0.0.1')).toBe('origin')
    expect(refused({ host: '127.0.0.1:3100', origin: 'null' }, '127.0.0.1')).toBe('origin')
    expect(refused({ host: 'wallet.example.org', origin: 'https://wallet.example.org' }, '127.0.0.1', 'https://wallet.example.org/waiaas')).toBeUndefined()
    expect(refused({ host: 'other.example.org' }, '127.0.0.1', 'https://wallet.example.org/waiaas')).toBe('host')
  })

  it('on an exposed bind, takes any Host but a browser Origin only from this server or the public URL', () => {
    expect(refused({ host: '192.168.1.5:3100' }, '0.0.0.0')).toBeUndefined()
    expect(refused({ host: '192.168.1.5:3100', origin: 'http://192.168.1.5:3100' }, '0.0.0.0')).toBeUndefined()
    expect(refused({ host: '192.168.1.5:3100', origin: 'https://attacker.example' }, '0.0.0.0')).toBe('origin')
    expect(refused({ host: 'internal:3100', origin: 'https://wallet.example.org' }, '0.0.0.0', 'https://wallet.example.org')).toBeUndefined()
    expect(refused({ host: 'internal:3100', origin: 'not a url' }, '::')).toBe('origin')
  })
})
