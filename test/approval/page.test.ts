/**
 * The approval page over HTTP, against an in-process daemon with the REST plugin on the local EVM chain: the operator
 * makes a one-time link (only while the REST plugin serves); the page shows the decoded request, HTML-escaped, under a
 * strict CSP; a POST of the owner's signature decides the request and spends the link, so a replay (or a concurrent
 * second use) is refused; a stranger's signature is refused without spending the link; an expired link, a link to a
 * request the operator rejected meanwhile, and an unknown link show a plain error page without request details.
 */
import { readFileSync } from 'node:fs'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { escapeHtml } from '../../src/daemon/approval/page.js'
import type { TxRequestView } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { http } from '../helpers/http.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50, logLevel: 'debug' } })
const op = { password: PASSWORD }
/** Wallet names may hold markup characters (not `/`): the page must show them as text. */
const NAME = `<img src=x onerror="alert(1)">&'owned`
const ESCAPED_NAME = '&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;owned'
const owner = EthersWallet.createRandom()
let provider: JsonRpcProvider
let base = ''
let walletAddress = ''

interface PageData {
  chain: string
  owner: string
  messages: { approve: string; reject: string }
}

const dest = (): string => EthersWallet.createRandom().address
const bigSend = (to = dest()): Promise<TxRequestView> => t.client.call('tx.send', { wallet: NAME, network: 'evm-local', to, amount: '0.5' }, op)
const makeLink = (id: string): Promise<{ url: string; expiresAt: string }> => t.client.call('tx.approvalLink', { id }, op)
const pathOf = (url: string): string => new URL(url).pathname
const tokenOf = (url: string): string => pathOf(url).slice('/approve/'.length)

/** The JSON the page's script reads, parsed as the browser would. */
function pageData(html: string): PageData {
  const m = /<script type="application\/json" id="approval-data">([^<]*)<\/script>/.exec(html)
  expect(m, 'the page carries its data block').not.toBeNull()
  return JSON.parse(m?.[1] ?? 'null') as PageData
}

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const w = await t.client.call('wallet.create', { chain: 'evm', name: NAME }, op)
  walletAddress = w.address
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  // 0.5 ETH is above delay_max: APPROVAL.
  await t.client.call('policy.add', { wallet: NAME, type: 'SPENDING_LIMIT', rules: { instant_max: '0.01', delay_max: '0.1', delay_seconds: 60 } }, op)
})

describe('tx.approvalLink', () => {
  it('refuses while the REST plugin is off, for a wallet without an owner, and for a request not awaiting approval', async () => {
    const r = await bigSend()
    expect(r.state).toBe('awaiting_approval')
    expect((await catchAsync(makeLink(r.id))).code).toBe('OWNER_NOT_SET')
    await t.client.call('wallet.setOwner', { wallet: NAME, owner: owner.address }, op)
    const off = await catchAsync(makeLink(r.id))
    expect(off.code).toBe('APPROVAL_LINK_UNAVAILABLE')
    expect(off.hint).toContain('waiaas plugin enable rest')
    const s = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
    base = (s.listening ?? '').replace(/\/v1$/, '')
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const small = await t.client.call('tx.send', { wallet: NAME, network: 'evm-local', to: dest(), amount: '0.001' }, op)
    expect(small.tier).toBe('INSTANT')
    expect((await catchAsync(makeLink(small.id))).code).toBe('TX_STATE_CONFLICT')
    expect((await catchAsync(makeLink('01J00000000000000000000000'))).code).toBe('TX_NOT_FOUND')
    // Only the operator may make one: the socket alone is not enough.
    expect((await catchAsync(t.client.call('tx.approvalLink', { id: r.id }))).code).toBe('AUTH_REQUIRED')
    await t.client.call('tx.reject', { id: r.id }, op)
  })

  it('gives a one-time URL on the REST server that expires with the request or within the hour', async () => {
    const r = await bigSend()
    const before = Date.now()
    const l = await makeLink(r.id)
    expect(l.url).toMatch(new RegExp(`^${base}/approve/[A-Za-z0-9_-]{43}$`))
    expect(Date.parse(l.expiresAt)).toBeLessThanOrEqual(Date.parse(r.expiresAt ?? ''))
    expect(Date.parse(l.expiresAt)).toBeLessThanOrEqual(Date.now() + 3_600_000)
    expect(Date.parse(l.expiresAt)).toBeGreaterThan(before)
    // Two links to one request are two different tokens.
    expect(tokenOf((await makeLink(r.id)).url)).not.toBe(tokenOf(l.url))
    // The audit log records the link but not its token.
    const audit = await t.client.call('audit.list', { limit: 10 }, op)
    const entry = audit.entries.find((e) => e.action === 'tx.approval-link' && e.target === r.id)
    expect(entry).toMatchObject({ actor: 'operator', outcome: 'ok' })
    expect(JSON.stringify(audit)).not.toContain(tokenOf(l.url))
    await t.client.call('tx.reject', { id: r.id }, op)
  })
})

describe('the approval page', () => {
  it('shows the decoded request, HTML-escaped, under a strict CSP with no outside resources', async () => {
    const to = dest()
    const r = await bigSend(to)
    const l = await makeLink(r.id)
    const res = await http(l.url, '')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    const csp = String(res.headers['content-security-policy'])
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1]
    expect(nonce).toBeDefined()
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain(`style-src 'nonce-${nonce}'`)
    expect(csp).toContain("connect-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['cache-control']).toBe('no-store')
    const html = res.text
    // The wallet's name is text, never markup.
    expect(html).toContain(ESCAPED_NAME)
    expect(html).not.toContain('<img')
    expect(html).not.toContain('onerror="')
    // The decoded request.
    for (const value of [walletAddress, 'Local EVM (anvil)', 'eip155:31337', 'native-transfer', to, '0.5 ETH', 'APPROVAL', r.id, r.contentHash, `Send 0.5 ETH to ${to}`]) {
      expect(html, value).toContain(value)
    }
    expect(r.decision?.reason).toBeTruthy()
    expect(html).toContain(escapeHtml(r.decision?.reason))
    expect(html).toContain('Approve with my wallet')
    expect(html).toContain('Reject with my wallet')
    // Every script and style runs under the nonce; the data block is JSON; nothing is loaded from elsewhere.
    const scripts = html.match(/<script[^>]*>/g) ?? []
    expect(scripts).toEqual(['<script type="application/json" id="approval-data">', `<script nonce="${nonce}">`])
    expect(html.match(/<style[^>]*>/g)).toEqual([`<style nonce="${nonce}">`])
    expect(html).not.toMatch(/<(link|iframe|object|embed|form)\b/i)
    expect(html).not.toMatch(/\b(src|href)="/i)
    // The script's data: the owner and the two canonical messages the daemon issued for this request.
    const data = pageData(html)
    expect(data.chain).toBe('evm')
    expect(data.owner).toBe(owner.address)
    expect(data.messages.approve).toMatch(/^waiaas approval v1\ndecision: approve\n/)
    expect(data.messages.reject).toMatch(/^waiaas approval v1\ndecision: reject\n/)
    for (const m of [data.messages.approve, data.messages.reject]) expect(m).toContain(`requestId: ${r.id}\n`)
    // No secret: not the token, not the master password.
    expect(html).not.toContain(tokenOf(l.url))
    expect(html).not.toContain(PASSWORD)
    await t.client.call('tx.reject', { id: r.id }, op)
  })

  it("approves with the owner's signature: the transfer lands, the link is spent, and a replay is refused", async () => {
    const to = dest()
    const r = await bigSend(to)
    const l = await makeLink(r.id)
    const { messages } = pageData((await http(l.url, '')).text)
    const signature = await owner.signMessage(messages.approve)
    const res = await http(l.url, '', { body: { message: messages.approve, signature } })
    expect(res.status, res.text).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.json.ok).toBe(true)
    expect(res.json.data).toMatchObject({ id: r.id, decision: 'approve' })
    expect(['submitted', 'confirmed']).toContain(res.json.data.state)
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await provider.getBalance(to)).toBe(5n * 10n ** 17n)
    // The same POST again: the link is spent.
    const replay = await http(l.url, '', { body: { message: messages.approve, signature } })
    expect(replay.status).toBe(410)
    expect(replay.json.error.code).toBe('APPROVAL_LINK_USED')
    // And the page now says so, without the request's details.
    const again = await http(l.url, '')
    expect(again.status).toBe(410)
    expect(again.text).toContain('already used')
    for (const detail of [r.id, to, ESCAPED_NAME, walletAddress, 'waiaas approval v1']) expect(again.text).not.toContain(detail)
    expect(again.headers['x-frame-options']).toBe('DENY')
    // The owner's decision is in the audit log as the owner's.
    const audit = await t.client.call('audit.list', { limit: 20 }, op)
    expect(audit.entries.find((e) => e.action === 'tx.approve' && e.target === r.id)?.actor).toBe(`owner:${owner.address}`)
  })

  it('decides once when the same link is used twice at the same moment', async () => {
    const r = await bigSend()
    const l = await makeLink(r.id)
    const { messages } = pageData((await http(l.url, '')).text)
    const body = { message: messages.approve, signature: await owner.signMessage(messages.approve) }
    const both = await Promise.all([http(l.url, '', { body }), http(l.url, '', { body })])
    expect(both.map((x) => x.status).sort()).toEqual([200, 410])
    expect(both.find((x) => x.status === 410)?.json.error.code).toBe('APPROVAL_LINK_USED')
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
  })

  it("refuses a stranger's signature without spending the link; the owner can still decide through it", async () => {
    const r = await bigSend()
    const other = await bigSend()
    const l = await makeLink(r.id)
    const { messages } = pageData((await http(l.url, '')).text)
    const stranger = await EthersWallet.createRandom().signMessage(messages.approve)
    const refused = await http(l.url, '', { body: { message: messages.approve, signature: stranger } })
    expect(refused.status).toBe(403)
    expect(refused.json.error.code).toBe('APPROVAL_INVALID')
    expect(refused.json.error.details.reason).toMatch(/not the owner/)
    // A message the owner signed for another request does not decide this one through its link either.
    const foreign = await t.client.call('tx.approvalMessage', { id: other.id })
    const wrongRequest = await http(l.url, '', { body: { message: foreign.message, signature: await owner.signMessage(foreign.message) } })
    expect(wrongRequest.json.error.code).toBe('APPROVAL_INVALID')
    expect((await t.client.call('tx.show', { id: r.id })).state).toBe('awaiting_approval')
    expect((await t.client.call('tx.show', { id: other.id })).state).toBe('awaiting_approval')
    // The link still works: the owner rejects through it.
    const rejected = await http(l.url, '', { body: { message: messages.reject, signature: await owner.signMessage(messages.reject) } })
    expect(rejected.status, rejected.text).toBe(200)
    expect(rejected.json.data).toMatchObject({ id: r.id, decision: 'reject', state: 'rejected', txHash: null })
    expect((await t.client.call('tx.show', { id: r.id })).state).toBe('rejected')
    await t.client.call('tx.reject', { id: other.id }, op)
  })

  it('refuses an expired link, and leaves the request waiting', async () => {
    const r = await bigSend()
    const l = await makeLink(r.id)
    const { messages } = pageData((await http(l.url, '')).text)
    // The link's clock, not the chain's: move its expiry into the past.
    const { createHash } = await import('node:crypto')
    const hash = createHash('sha256').update(tokenOf(l.url)).digest('hex')
    const moved = t.daemon.ctx.db.prepare('UPDATE approval_links SET expires_at = ? WHERE token_hash = ?').run(Date.now() - 1, hash)
    expect(moved.changes).toBe(1)
    const page = await http(l.url, '')
    expect(page.status).toBe(410)
    expect(page.text).toContain('expired')
    expect(page.text).not.toContain(r.id)
    const res = await http(l.url, '', { body: { message: messages.approve, signature: await owner.signMessage(messages.approve) } })
    expect(res.status).toBe(410)
    expect(res.json.error.code).toBe('APPROVAL_LINK_EXPIRED')
    expect((await t.client.call('tx.show', { id: r.id })).state).toBe('awaiting_approval')
    await t.client.call('tx.reject', { id: r.id }, op)
  })

  it('refuses a link to a request the operator rejected meanwhile', async () => {
    const r = await bigSend()
    const l = await makeLink(r.id)
    const { messages } = pageData((await http(l.url, '')).text)
    await t.client.call('tx.reject', { id: r.id, reason: 'not today' }, op)
    const res = await http(l.url, '', { body: { message: messages.approve, signature: await owner.signMessage(messages.approve) } })
    expect(res.status).toBe(410)
    expect(res.json.error.code).toBe('APPROVAL_LINK_STALE')
    const page = await http(l.url, '')
    expect(page.status).toBe(410)
    expect(page.text).toContain('no longer awaits approval')
    expect(page.text).not.toContain(r.id)
    expect((await t.client.call('tx.show', { id: r.id })).state).toBe('rejected')
  })

  it('answers an unknown or malformed link with a plain 404 page, and other verbs with 405', async () => {
    for (const path of [`/approve/${'A'.repeat(43)}`, '/approve/not-a-token', '/approve']) {
      const res = await http(base, path)
      expect(res.status, path).toBe(404)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(res.text).toContain('Unknown approval link')
    }
    const post = await http(base, `/approve/${'A'.repeat(43)}`, { body: { message: 'x', signature: 'y' } })
    expect(post.status).toBe(404)
    expect(post.json.error.code).toBe('APPROVAL_LINK_NOT_FOUND')
    const put = await http(base, `/approve/${'A'.repeat(43)}`, { method: 'PUT' })
    expect(put.status).toBe(405)
    expect(put.headers.allow).toBe('GET, POST')
  })

  it('never writes a link token to the daemon log', async () => {
    const r = await bigSend()
    const l = await makeLink(r.id)
    expect((await http(l.url, '')).status).toBe(200)
    const log = readFileSync(t.daemon.paths.logFile, 'utf8')
    // The request was logged (debug level), with the token cut from its path.
    expect(log).toContain('/approve/…')
    expect(log).not.toContain(tokenOf(l.url))
    await t.client.call('tx.reject', { id: r.id }, op)
  })

  it('is not served while the REST plugin is off, even when the HTTP server runs for MCP', async () => {
    const r = await bigSend()
    const l = await makeLink(r.id)
    await t.client.call('plugin.enable', { name: 'mcp-http' }, op)
    await t.client.call('plugin.disable', { name: 'rest' }, op)
    const page = await http(l.url, '')
    expect(page.status).toBe(503)
    expect(page.text).not.toContain(r.id)
    const res = await http(l.url, '', { body: { message: 'x', signature: 'y' } })
    expect(res.json.error.code).toBe('APPROVAL_LINK_UNAVAILABLE')
    expect((await catchAsync(makeLink(r.id))).code).toBe('APPROVAL_LINK_UNAVAILABLE')
    await t.client.call('tx.reject', { id: r.id }, op)
  })
})
