/**
 * USD prices: exact decimal parsing, rounding up to micro-dollars, source precedence and fall-through, the
 * staleness bound, the static table, CoinGecko against a real loopback HTTP server, and config errors by field.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { EVM_LOCAL_ID, SOLANA_LOCAL_ID, SOLANA_MAINNET_ID } from '../../src/lib/networks.js'
import {
  CoinGeckoSource,
  JsonNumber,
  PriceService,
  StaticPriceSource,
  createPriceService,
  defaultPriceConfig,
  jsonNumberToE18,
  loadPriceConfig,
  parseExactJson,
  parsePriceConfig,
  parseUsd,
  scaleToE18,
  usdMicrosOf,
  type AssetRef,
  type PriceQuote,
  type PriceSource,
} from '../../src/daemon/prices/index.js'
import { catchErr } from '../helpers/errors.js'

const E18 = 10n ** 18n
const T0 = 1_750_000_000_000
const ETH: AssetRef = { network: 'eip155:1', token: null, symbol: 'ETH', decimals: 18 }
const BASE_ETH: AssetRef = { network: 'eip155:8453', token: null, symbol: 'ETH', decimals: 18 }
const USDC_BASE: AssetRef = { network: 'eip155:8453', token: '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913', symbol: 'USDC', decimals: 6 }
const SOL: AssetRef = { network: SOLANA_MAINNET_ID, token: null, symbol: 'SOL', decimals: 9 }
const BONK: AssetRef = { network: SOLANA_MAINNET_ID, token: 'DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263', symbol: 'Bonk', decimals: 5 }

/** A scripted source that counts its calls. */
function fake(name: string, answer: (asset: AssetRef) => PriceQuote | null | Promise<PriceQuote | null>): PriceSource & { calls: number } {
  const s = {
    name,
    calls: 0,
    async quote(asset: AssetRef) {
      s.calls++
      return answer(asset)
    },
  }
  return s
}
const at = (usd: string, when: number, source = 'x'): PriceQuote => ({ usdE18: parseUsd(usd), at: when, source })

describe('parseUsd', () => {
  it('parses decimal strings exactly', () => {
    expect(parseUsd('3012.45')).toBe(3012_450000000000000000n)
    expect(parseUsd('0.00000123')).toBe(1_230000000000n)
    expect(parseUsd('1')).toBe(E18)
    expect(parseUsd('0')).toBe(0n)
    expect(parseUsd('0.000000000000000001')).toBe(1n)
    expect(parseUsd('1.500000000000000000000')).toBe(1_500000000000000000n)
    expect(parseUsd('123456789012345678901234567890.123456789012345678')).toBe(123456789012345678901234567890_123456789012345678n)
  })

  it.each([
    ['1e3', 'exponent'],
    ['1.5E-3', 'exponent'],
    ['-1', 'negative'],
    ['-0', 'negative'],
    ['0.0000000000000000001', 'too-many-decimals'],
    ['', 'empty'],
    [' 1', 'not-a-number'],
    ['0x10', 'not-a-number'],
    ['1,000', 'not-a-number'],
    ['.5', 'not-a-number'],
    ['NaN', 'not-a-number'],
  ])('refuses %j as %s', (text, reason) => {
    const e = catchErr(() => parseUsd(text, 'price'))
    expect(e.code).toBe('INPUT_INVALID')
    expect(e.details).toEqual({ field: 'price', reason })
  })
})

describe('exact JSON numbers', () => {
  it.each([
    ['3012.45', 3012_450000000000000000n],
    ['0.00000123', 1_230000000000n],
    ['1.2e-7', 120000000000n],
    ['1.2E-7', 120000000000n],
    ['12e-8', 120000000000n],
    ['1E+2', 100n * E18],
    ['3000', 3000n * E18],
    ['0', 0n],
    ['0.0e5', 0n],
    ['-5', -5n * E18],
    // Below 10^-18 USD: rounded up, never down to a free asset.
    ['1e-30', 1n],
    ['0.0000000000000000011', 2n],
  ])('%s → %s', (raw, e18) => {
    expect(jsonNumberToE18(raw)).toBe(e18)
  })

  it('refuses non-numbers and absurd magnitudes', () => {
    for (const raw of ['01', '1.', '.5', '+1', 'NaN', '1e', '1e999', '1e99999999999999999999']) expect(jsonNumberToE18(raw)).toBeNull()
    expect(jsonNumberToE18('1e-99999999999999999999')).toBe(1n)
  })

  it('parseExactJson keeps number text and refuses garbage', () => {
    const v = parseExactJson(' {"a":{"usd":0.00000123,"n":[1,-2.5e3,true,false,null,"x\\u0041"]},"__proto__":1} ')
    expect(v).toBeInstanceOf(Map)
    const a = (v as Map<string, unknown>).get('a') as Map<string, unknown>
    expect(a.get('usd')).toEqual(new JsonNumber('0.00000123'))
    expect(a.get('n')).toEqual([new JsonNumber('1'), new JsonNumber('-2.5e3'), true, false, null, 'xA'])
    expect((v as Map<string, unknown>).get('__proto__')).toEqual(new JsonNumber('1'))
    for (const bad of ['', '{', '{"a":1,}', '[1 2]', '{"a":01}', 'nul', '{"a":1} x', "{'a':1}", '<html>', '{"a":"\n"}']) {
      expect(() => parseExactJson(bad), bad).toThrow(SyntaxError)
    }
    expect(() => parseExactJson('['.repeat(100) + ']'.repeat(100))).toThrow(/deep/)
  })

  it('scales fixed-point answers to 18 decimals, rounding up past 18', () => {
    expect(scaleToE18(300012345678n, 8)).toBe(3000_12345678n * 10n ** 10n)
    expect(scaleToE18(5n, 0)).toBe(5n * E18)
    expect(scaleToE18(E18, 18)).toBe(E18)
    expect(scaleToE18(10n ** 20n + 1n, 20)).toBe(E18 + 1n)
  })
})

describe('usdMicros', () => {
  it('rounds up, exactly', () => {
    const p = parseUsd('3000.123456')
    expect(usdMicrosOf(1n, 18, p)).toBe(1n) // 1 wei is worth a tiny fraction of a micro-dollar: counted as 1
    expect(usdMicrosOf(E18, 18, p)).toBe(3000_123456n)
    expect(usdMicrosOf(E18 / 2n, 18, p)).toBe(1500_061728n)
    expect(usdMicrosOf(E18 / 3n, 18, p)).toBe(1000_041152n) // 1000.041151999… rounded up
    expect(usdMicrosOf(0n, 18, p)).toBe(0n)
  })

  it('handles decimals 0, 6, 9 and 18', () => {
    expect(usdMicrosOf(3n, 0, parseUsd('0.0000005'))).toBe(2n) // 1.5 micro-dollars → 2
    expect(usdMicrosOf(7n, 0, parseUsd('12.5'))).toBe(87_500000n)
    expect(usdMicrosOf(1_500000n, 6, parseUsd('1'))).toBe(1_500000n)
    expect(usdMicrosOf(1n, 6, parseUsd('0.9999'))).toBe(1n) // 0.9999 micro-dollars → 1
    expect(usdMicrosOf(10n ** 9n, 9, parseUsd('150.5'))).toBe(150_500000n)
    expect(usdMicrosOf(1n, 9, parseUsd('150.5'))).toBe(1n)
    expect(usdMicrosOf(123_456789012345678901n, 18, parseUsd('2'))).toBe(246_913579n)
  })

  it('refuses a negative amount or bad decimals as a bug', () => {
    expect(() => usdMicrosOf(-1n, 18, E18)).toThrow(RangeError)
    expect(() => usdMicrosOf(1n, 1.5, E18)).toThrow(RangeError)
  })

  it('through the service: 0n for a zero amount without asking a source, null without a price', async () => {
    const src = fake('s', () => at('3000.123456', T0))
    const svc = new PriceService([src], { maxAgeMs: 60_000, now: () => T0, cacheMs: 0 })
    expect(await svc.usdMicros(ETH, 0n)).toBe(0n)
    expect(src.calls).toBe(0)
    expect(await svc.usdMicros(ETH, 1n)).toBe(1n)
    expect(await svc.usdMicros(ETH, E18)).toBe(3000_123456n)
    const none = new PriceService([fake('n', () => null)], { maxAgeMs: 60_000, now: () => T0 })
    expect(await none.usdMicros(ETH, 1n)).toBeNull()
    await expect(none.usdMicros(ETH, -1n)).rejects.toThrow(RangeError)
  })

  it('totalUsdMicros sums, and is null when any non-zero amount has no price', async () => {
    const src = fake('s', (a) => (a.token === null ? at('2000', T0) : a.symbol === 'USDC' ? at('1', T0) : null))
    const svc = new PriceService([src], { maxAgeMs: 60_000, now: () => T0 })
    expect(await svc.totalUsdMicros([])).toBe(0n)
    expect(await svc.totalUsdMicros([{ asset: ETH, amount: E18 / 4n }, { asset: USDC_BASE, amount: 2_000000n }])).toBe(502_000000n)
    expect(await svc.totalUsdMicros([{ asset: ETH, amount: E18 }, { asset: BONK, amount: 0n }])).toBe(2000_000000n)
    expect(await svc.totalUsdMicros([{ asset: ETH, amount: E18 }, { asset: BONK, amount: 1n }])).toBeNull()
  })
})

describe('PriceService precedence, staleness and failures', () => {
  const maxAgeMs = 600_000

  it('the first source with a fresh quote wins', async () => {
    const a = fake('a', () => at('1', T0, 'a'))
    const b = fake('b', () => at('2', T0, 'b'))
    const svc = new PriceService([a, b], { maxAgeMs, now: () => T0 })
    expect(await svc.quote(ETH)).toEqual(at('1', T0, 'a'))
    expect(b.calls).toBe(0)
  })

  it('an unknown asset falls through to the next source', async () => {
    const svc = new PriceService([fake('a', () => null), fake('b', () => at('2', T0, 'b'))], { maxAgeMs, now: () => T0 })
    expect((await svc.quote(ETH))?.source).toBe('b')
  })

  it('a stale quote is never used: it falls through, and when all are stale the answer is null', async () => {
    let now = T0
    const a = fake('a', () => at('1', T0 - maxAgeMs - 1, 'a'))
    const b = fake('b', () => at('2', T0 - 5_000, 'b'))
    const svc = new PriceService([a, b], { maxAgeMs, now: () => now, cacheMs: 0 })
    expect((await svc.quote(ETH))?.source).toBe('b')
    const lookup = await svc.explain(ETH)
    expect(lookup.attempts.map((x) => x.outcome)).toEqual(['stale', 'fresh'])
    expect(lookup.attempts[0]?.reason).toMatch(/observed 600 s ago; the limit is 600 s/)
    now = T0 + maxAgeMs // b is now 605 s old
    expect(await svc.quote(ETH)).toBeNull()
    expect(await svc.usdMicros(ETH, 1n)).toBeNull()
    expect((await svc.explain(ETH)).attempts.map((x) => x.outcome)).toEqual(['stale', 'stale'])
  })

  it('a quote exactly maxAge old is still fresh; one ms more is not', async () => {
    let now = T0 + maxAgeMs
    const svc = new PriceService([fake('a', () => at('1', T0))], { maxAgeMs, now: () => now, cacheMs: 0 })
    expect(await svc.quote(ETH)).not.toBeNull()
    now++
    expect(await svc.quote(ETH)).toBeNull()
  })

  it('a throwing source falls through, with a secret-free reason', async () => {
    const boom = fake('boom', () => {
      throw new Error('connect ECONNREFUSED https://user:hunter2@rpc.example/v2/abcdef0123456789abcdef')
    })
    const svc = new PriceService([boom, fake('b', () => at('2', T0, 'b'))], { maxAgeMs, now: () => T0 })
    const lookup = await svc.explain(ETH)
    expect(lookup.quote?.source).toBe('b')
    expect(lookup.attempts[0]).toMatchObject({ source: 'boom', outcome: 'error' })
    expect(lookup.attempts[0]?.reason).not.toMatch(/hunter2|abcdef0123456789/)
    const only = new PriceService([boom], { maxAgeMs, now: () => T0 })
    await expect(only.quote(ETH)).resolves.toBeNull()
  })

  it('a slow source times out and falls through', async () => {
    const slow = fake('slow', () => new Promise<PriceQuote>((resolve) => setTimeout(() => resolve(at('1', T0)), 2_000).unref()))
    const svc = new PriceService([slow, fake('b', () => at('2', T0, 'b'))], { maxAgeMs, now: () => T0, timeoutMs: 50 })
    const lookup = await svc.explain(ETH)
    expect(lookup.quote?.source).toBe('b')
    expect(lookup.attempts[0]).toMatchObject({ outcome: 'timeout', reason: 'no answer within 50 ms' })
  })

  it('refuses non-positive prices and timestamps from the future', async () => {
    const zero = fake('zero', () => ({ usdE18: 0n, at: T0, source: 'zero' }))
    const negative = fake('negative', () => ({ usdE18: -1n, at: T0, source: 'negative' }))
    const future = fake('future', () => at('1', T0 + 3_600_000))
    const svc = new PriceService([zero, negative, future], { maxAgeMs, now: () => T0 })
    const lookup = await svc.explain(ETH)
    expect(lookup.quote).toBeNull()
    expect(lookup.attempts.map((x) => x.outcome)).toEqual(['invalid', 'invalid', 'invalid'])
  })

  it('caches quotes, shares concurrent lookups and asks again when a cached quote went stale', async () => {
    let now = T0
    let observed = T0
    const src = fake('a', async () => {
      await new Promise((r) => setTimeout(r, 10))
      return at('1', observed)
    })
    const svc = new PriceService([src], { maxAgeMs, now: () => now, cacheMs: 30_000 })
    await Promise.all([svc.quote(ETH), svc.quote(ETH), svc.quote(ETH)])
    expect(src.calls).toBe(1)
    await svc.quote(ETH)
    expect(src.calls).toBe(1)
    await svc.quote(BASE_ETH) // another asset, another entry
    expect(src.calls).toBe(2)
    now = T0 + 31_000 // the cache entry expired
    await svc.quote(ETH)
    expect(src.calls).toBe(3)
    // The cached quote (observed at T0) is stale before the cache entry expires: the source is asked again.
    now = T0 + maxAgeMs + 10_000
    observed = now
    expect((await svc.quote(ETH))?.at).toBe(now)
    expect(src.calls).toBe(4)
  })

  it('does not cache unknowns or failures', async () => {
    let fail = true
    const src = fake('a', () => {
      if (fail) throw new Error('down')
      return at('1', T0)
    })
    const svc = new PriceService([src], { maxAgeMs, now: () => T0 })
    expect(await svc.quote(ETH)).toBeNull()
    fail = false
    expect(await svc.quote(ETH)).not.toBeNull()
    expect(src.calls).toBe(2)
  })
})

describe('StaticPriceSource', () => {
  const prices = {
    'eip155:1/native': '3000.5',
    'eip155:8453/0x833589FCD6EDB6E08F4C7C32D4F71B54BDA02913': '1',
    'symbol:ETH': '2999',
    'symbol:Bonk': '0.00002',
  }

  it('exact keys (EVM tokens in any case) first, then the symbol', async () => {
    const src = new StaticPriceSource({ prices }, () => T0)
    expect(await src.quote(ETH)).toEqual({ usdE18: parseUsd('3000.5'), at: T0, source: 'static' })
    expect((await src.quote(BASE_ETH))?.usdE18).toBe(parseUsd('2999'))
    expect((await src.quote(USDC_BASE))?.usdE18).toBe(E18)
    expect((await src.quote(BONK))?.usdE18).toBe(parseUsd('0.00002'))
    expect(await src.quote(SOL)).toBeNull()
    expect(await src.quote({ ...BONK, symbol: 'BONK' })).toBeNull() // symbols match exactly
  })

  it('is always fresh without asOf, and goes stale maxAge after asOf', async () => {
    let now = T0
    const plain = new PriceService([new StaticPriceSource({ prices }, () => now)], { maxAgeMs: 600_000, now: () => now, cacheMs: 0 })
    now = T0 + 86_400_000
    expect(await plain.quote(ETH)).not.toBeNull()
    const asOf = new Date(T0).toISOString()
    now = T0
    const dated = new PriceService([new StaticPriceSource({ asOf, prices }, () => now)], { maxAgeMs: 600_000, now: () => now, cacheMs: 0 })
    expect(await dated.quote(ETH)).toEqual({ usdE18: parseUsd('3000.5'), at: T0, source: 'static' })
    now = T0 + 600_001
    expect(await dated.quote(ETH)).toBeNull()
  })
})

describe('CoinGeckoSource against a loopback server', () => {
  interface Seen {
    url: string
    headers: http.IncomingHttpHeaders
  }
  let server: http.Server
  let baseUrl: string
  const seen: Seen[] = []
  let respond: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('{}')
  const opened: CoinGeckoSource[] = []

  const json = (body: string, status = 200, headers: Record<string, string> = {}) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(body)
  }
  const make = (opts: { apiKey?: string; timeoutMs?: number; now?: () => number } = {}): CoinGeckoSource => {
    const s = new CoinGeckoSource({ baseUrl, ...opts })
    opened.push(s)
    return s
  }

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers })
      respond(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`
  })
  afterEach(() => {
    seen.length = 0
  })
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()))
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('prices a native coin exactly from /simple/price, with the API key header', async () => {
    respond = json('{"ethereum":{"usd":3012.45,"last_updated_at":1750000000}}')
    const src = make({ apiKey: 'CG-secretkey123' })
    expect(await src.quote(BASE_ETH)).toEqual({ usdE18: 3012_450000000000000000n, at: 1_750_000_000_000, source: 'coingecko' })
    expect(src.lastError).toBeNull()
    expect(seen).toHaveLength(1)
    const url = new URL(seen[0]!.url, 'http://x')
    expect(url.pathname).toBe('/api/v3/simple/price')
    expect(Object.fromEntries(url.searchParams)).toEqual({ ids: 'ethereum', vs_currencies: 'usd', include_last_updated_at: 'true' })
    expect(seen[0]!.headers['x-cg-demo-api-key']).toBe('CG-secretkey123')
    expect(seen[0]!.url).not.toContain('secretkey')
  })

  it('sends no key header without a key, and maps Solana, BNB and Polygon to their coin ids', async () => {
    respond = (req, res) => {
      const id = new URL(req.url ?? '', 'http://x').searchParams.get('ids') ?? ''
      res.end(JSON.stringify({ [id]: { usd: 1, last_updated_at: 1750000000 } }))
    }
    const src = make()
    for (const network of [SOLANA_MAINNET_ID, 'eip155:56', 'eip155:137', 'eip155:11155111']) {
      expect(await src.quote({ network, token: null, symbol: 'X', decimals: 18 }), network).not.toBeNull()
    }
    expect(seen.map((s) => new URL(s.url, 'http://x').searchParams.get('ids'))).toEqual(['solana', 'binancecoin', 'polygon-ecosystem-token', 'ethereum'])
    expect(seen[0]!.headers['x-cg-demo-api-key']).toBeUndefined()
  })

  it('prices a token from /simple/token_price/<platform>, tiny values exactly', async () => {
    respond = json('{"0x833589fcd6edb6e08f4c7c32d4f71b54bda02913":{"usd":0.00000123,"last_updated_at":1750000001}}')
    const src = make()
    expect(await src.quote(USDC_BASE)).toEqual({ usdE18: 1_230000000000n, at: 1_750_000_001_000, source: 'coingecko' })
    const url = new URL(seen[0]!.url, 'http://x')
    expect(url.pathname).toBe('/api/v3/simple/token_price/base')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      contract_addresses: USDC_BASE.token,
      vs_currencies: 'usd',
      include_last_updated_at: 'true',
    })
    respond = json(`{"${BONK.token}":{"usd":1.2e-7,"last_updated_at":1750000002}}`)
    expect((await src.quote(BONK))?.usdE18).toBe(120000000000n)
    expect(new URL(seen[1]!.url, 'http://x').pathname).toBe('/api/v3/simple/token_price/solana')
  })

  it('matches EVM token keys case-insensitively', async () => {
    respond = json('{"0x833589FCD6EDB6E08F4C7C32D4F71B54BDA02913":{"usd":"1","last_updated_at":1750000000}}')
    const src = make()
    expect(await src.quote(USDC_BASE)).toBeNull() // found, but the usd value is a string, not a number
    expect(src.lastError).toMatch(/no usd number/)
  })

  it.each([
    ['HTTP 500', json('{"error":"boom"}', 500), /HTTP 500/],
    ['HTTP 404', json('{}', 404), /HTTP 404/],
    ['garbage', json('<html>oops</html>'), /not JSON/],
    ['an empty answer', json('{}'), /no price for ethereum/],
    ['a missing last_updated_at', json('{"ethereum":{"usd":3000}}'), /last_updated_at/],
    ['a zero price', json('{"ethereum":{"usd":0,"last_updated_at":1750000000}}'), /not positive/],
    ['a negative price', json('{"ethereum":{"usd":-1,"last_updated_at":1750000000}}'), /not positive/],
    ['a non-object', json('[1,2]'), /no price/],
  ])('%s gives no price', async (_name, handler, why) => {
    respond = handler
    const src = make({ apiKey: 'CG-secretkey123' })
    expect(await src.quote(ETH)).toBeNull()
    expect(src.lastError).toMatch(why)
    expect(src.lastError).not.toContain('secretkey')
    expect(src.lastError).not.toContain('127.0.0.1')
  })

  it('429 gives no price and quiets the source for Retry-After', async () => {
    respond = json('{"status":{"error_code":429}}', 429, { 'retry-after': '30' })
    let now = T0
    const src = make({ now: () => now })
    expect(await src.quote(ETH)).toBeNull()
    expect(src.lastError).toMatch(/429/)
    respond = json('{"ethereum":{"usd":3000,"last_updated_at":1750000000}}')
    expect(await src.quote(ETH)).toBeNull()
    expect(seen).toHaveLength(1)
    now = T0 + 30_001
    expect(await src.quote(ETH)).not.toBeNull()
    expect(seen).toHaveLength(2)
  })

  it('a server that never answers times out', async () => {
    respond = () => undefined
    const src = make({ timeoutMs: 200 })
    const started = Date.now()
    expect(await src.quote(ETH)).toBeNull()
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(src.lastError).toBe('no answer from CoinGecko within 200 ms')
  })

  it('an unreachable server gives no price', async () => {
    const probe = http.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const src = new CoinGeckoSource({ baseUrl: `http://127.0.0.1:${port}/api/v3` })
    opened.push(src)
    expect(await src.quote(ETH)).toBeNull()
    expect(src.lastError).toMatch(/ECONNREFUSED/)
  })

  it('a stale last_updated_at is not used by the service', async () => {
    respond = json('{"ethereum":{"usd":3000,"last_updated_at":1750000000}}')
    const svc = new PriceService([make()], { maxAgeMs: 600_000, now: () => 1_750_000_000_000 + 600_001 })
    const lookup = await svc.explain(ETH)
    expect(lookup.quote).toBeNull()
    expect(lookup.attempts).toMatchObject([{ source: 'coingecko', outcome: 'stale', at: 1_750_000_000_000 }])
    const fresh = new PriceService([make()], { maxAgeMs: 600_000, now: () => 1_750_000_000_000 + 599_000 })
    expect((await fresh.quote(ETH))?.usdE18).toBe(3000n * E18)
  })

  it('never asks about local networks, and explains unknown networks', async () => {
    respond = json('{"ethereum":{"usd":3000,"last_updated_at":1750000000}}')
    const src = make()
    expect(await src.quote({ network: EVM_LOCAL_ID, token: null, symbol: 'ETH', decimals: 18 })).toBeNull()
    expect(src.lastError).toMatch(/local network/)
    expect(await src.quote({ network: EVM_LOCAL_ID, token: '0x5fbdb2315678afecb367f032d93f642f64180aa3', symbol: 'TT', decimals: 18 })).toBeNull()
    expect(await src.quote({ network: SOLANA_LOCAL_ID, token: null, symbol: 'SOL', decimals: 9 })).toBeNull()
    expect(await src.quote({ network: 'eip155:84532', token: '0x036cbd53842c5426634e7929541ec2318f3dcf7e', symbol: 'USDC', decimals: 6 })).toBeNull()
    expect(src.lastError).toMatch(/no CoinGecko platform/)
    expect(await src.quote({ network: 'eip155:999999', token: null, symbol: 'X', decimals: 18 })).toBeNull()
    expect(seen).toHaveLength(0)
  })

  it('through createPriceService: only when enabled, and after the static table', async () => {
    respond = json('{"ethereum":{"usd":3012.45,"last_updated_at":1750000000}}')
    const evmRpc = vi.fn(async () => null)
    const off = createPriceService(defaultPriceConfig(), { evmRpc, now: () => 1_750_000_000_000 })
    expect(off.sourceNames).toEqual(['static', 'chainlink'])
    expect(await off.quote(ETH)).toBeNull()
    expect(seen).toHaveLength(0)
    const config = parsePriceConfig({
      sources: ['static', 'coingecko'],
      static: { prices: { 'symbol:USDC': '1' } },
      coingecko: { enabled: true, baseUrl, apiKey: 'CG-secretkey123', timeoutMs: 1000 },
    })
    const on = createPriceService(config, { evmRpc, now: () => 1_750_000_000_000 })
    expect(on.sourceNames).toEqual(['static', 'coingecko'])
    expect(await on.usdMicros(ETH, E18)).toBe(3012_450000n)
    expect(await on.usdMicros(USDC_BASE, 1_000000n)).toBe(1_000000n)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.headers['x-cg-demo-api-key']).toBe('CG-secretkey123')
    await on.close()
    await off.close()
    expect(evmRpc).not.toHaveBeenCalled()
  })
})

describe('price config', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-prices-'))
  })
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, text)
    return file
  }

  it('defaults without a file: no outbound HTTP', () => {
    const d = { maxAgeSeconds: 600, cacheSeconds: 30, sources: ['static', 'chainlink', 'coingecko'], static: { prices: {} }, coingecko: { enabled: false }, chainlink: { feeds: {} } }
    expect(loadPriceConfig(undefined)).toEqual(d)
    expect(loadPriceConfig(path.join(dir, 'missing.json'))).toEqual(d)
    expect(loadPriceConfig(write('empty.json', '{}'))).toEqual(d)
  })

  it('reads a full config, with canonical asset keys', () => {
    const file = write(
      'full.json',
      JSON.stringify({
        maxAgeSeconds: 120,
        cacheSeconds: 0,
        sources: ['chainlink', 'static'],
        static: { asOf: '2025-06-01T00:00:00Z', prices: { 'eip155:8453/0x833589FCD6EDB6E08F4C7C32D4F71B54BDA02913': '1.0001', 'symbol:SOL': '150' } },
        coingecko: { enabled: true, baseUrl: 'https://pro-api.coingecko.com/api/v3', apiKey: 'k', timeoutMs: 2000 },
        chainlink: { feeds: { 'eip155:8453/native': { network: 'eip155:1', address: '0x5F4eC3Df9cbd43714FE2740f5E3616155c5b8419' } } },
      }),
    )
    expect(loadPriceConfig(file)).toEqual({
      maxAgeSeconds: 120,
      cacheSeconds: 0,
      sources: ['chainlink', 'static'],
      static: { asOf: '2025-06-01T00:00:00Z', prices: { 'eip155:8453/0x833589fcd6edb6e08f4c7c32d4f71b54bda02913': '1.0001', 'symbol:SOL': '150' } },
      coingecko: { enabled: true, baseUrl: 'https://pro-api.coingecko.com/api/v3', apiKey: 'k', timeoutMs: 2000 },
      chainlink: { feeds: { 'eip155:8453/native': { network: 'eip155:1', address: '0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419' } } },
    })
  })

  it.each<[string, unknown, string]>([
    ['a negative maxAgeSeconds', { maxAgeSeconds: -1 }, 'maxAgeSeconds'],
    ['a fractional maxAgeSeconds', { maxAgeSeconds: 1.5 }, 'maxAgeSeconds'],
    ['an unknown source', { sources: ['static', 'oracle'] }, 'sources.1'],
    ['a repeated source', { sources: ['static', 'static'] }, 'sources'],
    ['an unknown field', { maxAge: 10 }, 'maxAge'],
    ['an unknown nested field', { coingecko: { enabled: true, key: 'x' } }, 'coingecko.key'],
    ['a price as a JSON number', { static: { prices: { 'eip155:1/native': 3000.5 } } }, 'static.prices.eip155:1/native'],
    ['a price with an exponent', { static: { prices: { 'eip155:1/native': '3e3' } } }, 'static.prices.eip155:1/native'],
    ['a negative price', { static: { prices: { 'symbol:ETH': '-1' } } }, 'static.prices.symbol:ETH'],
    ['a zero price', { static: { prices: { 'symbol:ETH': '0' } } }, 'static.prices.symbol:ETH'],
    ['a key without a network', { static: { prices: { 'ethereum/native': '1' } } }, 'static.prices.ethereum/native'],
    ['a bad token key', { static: { prices: { 'eip155:1/0x1234': '1' } } }, 'static.prices.eip155:1/0x1234'],
    ['a Solana key with an EVM token', { static: { prices: { [`${SOLANA_MAINNET_ID}/0x833589fcd6edb6e08f4c7c32d4f71b54bda02913`]: '1' } } }, `static.prices.${SOLANA_MAINNET_ID}/0x833589fcd6edb6e08f4c7c32d4f71b54bda02913`],
    ['two keys for one asset', { static: { prices: { 'eip155:1/0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': '1', 'eip155:1/0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA': '2' } } }, 'static.prices.eip155:1/0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a bad asOf', { static: { asOf: 'yesterday', prices: {} } }, 'static.asOf'],
    ['a non-boolean enabled', { coingecko: { enabled: 'yes' } }, 'coingecko.enabled'],
    ['a bad baseUrl', { coingecko: { baseUrl: 'ftp://x' } }, 'coingecko.baseUrl'],
    ['a baseUrl with credentials', { coingecko: { baseUrl: 'https://u:p@api.coingecko.com/api/v3' } }, 'coingecko.baseUrl'],
    ['a tiny timeout', { coingecko: { timeoutMs: 1 } }, 'coingecko.timeoutMs'],
    ['a feed on a Solana network', { chainlink: { feeds: { 'eip155:1/native': { network: SOLANA_MAINNET_ID, address: '0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419' } } } }, 'chainlink.feeds.eip155:1/native.network'],
    ['a bad feed address', { chainlink: { feeds: { 'eip155:1/native': { network: 'eip155:1', address: '0x5f4e' } } } }, 'chainlink.feeds.eip155:1/native.address'],
    ['a feed without its address', { chainlink: { feeds: { 'eip155:1/native': { network: 'eip155:1' } } } }, 'chainlink.feeds.eip155:1/native.address'],
    ['a non-object', [1], '(root)'],
  ])('%s is refused naming the field', (_name, value, field) => {
    const file = write('bad.json', JSON.stringify(value))
    const e = catchErr(() => loadPriceConfig(file))
    expect(e.code).toBe('INPUT_INVALID')
    expect(e.details).toEqual({ field, file })
    expect(e.message).toContain(field)
  })

  it('refuses a file that is not JSON, without quoting it', () => {
    const file = write('garbage.json', '{"coingecko":{"apiKey":"CG-secretkey123"},')
    const e = catchErr(() => loadPriceConfig(file))
    expect(e.code).toBe('INPUT_INVALID')
    expect(e.details).toEqual({ field: '(file)', file })
    expect(e.message).not.toContain('secretkey')
  })

  it('never puts the API key in an error', () => {
    const e = catchErr(() => parsePriceConfig({ coingecko: { apiKey: 'CG-secretkey123', timeoutMs: 'slow' } }))
    expect(e.details.field).toBe('coingecko.timeoutMs')
    expect(JSON.stringify(e.toPayload())).not.toContain('secretkey')
  })

  it('an unreadable file is INPUT_FILE_UNREADABLE', () => {
    const e = catchErr(() => loadPriceConfig(dir)) // a directory: EISDIR
    expect(e.code).toBe('INPUT_FILE_UNREADABLE')
    expect(e.details).toEqual({ file: dir })
  })
})
