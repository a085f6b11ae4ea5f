/**
 * Approval out of band through Telegram, against a loopback server standing in for the Bot API: an approval request
 * arrives with Approve / Reject buttons; a press from the configured chat and user approves (the request moves on);
 * a press from another chat or another user, a replayed press, and a press after the request expired are refused,
 * answered, audited, and change nothing.
 */
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { startReceiver, until, type Received } from './receiver.js'
import { localChain } from '../helpers/chains.js'
import { testClock } from '../helpers/test-clock.js'

const BOT = '987654321:AAFakeBotTokenForTests_0123456789abcd'
const CHAT = -1001234567
const APPROVER = 555001
const op = { password: PASSWORD }

/** The fake Bot API: getUpdates serves `updates` from the requested offset; the rest answer ok. */
const api = await startReceiver()
const updates: Record<string, unknown>[] = []
let nextUpdate = 1000
let nextMessage = 1
api.respond = (q) => {
  const method = q.path.split('/').pop()
  if (!q.path.startsWith(`/bot${BOT}/`)) return { status: 401, body: '{"ok":false,"error_code":401}' }
  if (method === 'getUpdates') {
    const { offset } = JSON.parse(q.body) as { offset: number }
    return { status: 200, body: JSON.stringify({ ok: true, result: updates.filter((u) => (u.update_id as number) >= offset) }) }
  }
  if (method === 'sendMessage') {
    const p = JSON.parse(q.body) as { chat_id: string; text: string }
    return { status: 200, body: JSON.stringify({ ok: true, result: { message_id: nextMessage++, chat: { id: Number(p.chat_id) }, text: p.text } }) }
  }
  return { status: 200, body: '{"ok":true,"result":true}' }
}

// Approvals last an hour of the daemon's test clock; the expiry test moves the clock past it instead of waiting.
const TTL_MS = 3_600_000
const clock = testClock()
const t = useDaemon({ env: { pipelineTickMs: 50, notifyIntervalMs: 50, approvalTtlSeconds: TTL_MS / 1000, telegramApiUrl: api.url, testClockFile: clock.file } })
afterAll(() => api.close())

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'tg' }, op)
  const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'tg', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01' } }, op)
  const ch = await t.client.call('notify.add', { kind: 'telegram', botToken: BOT, chatId: String(CHAT), userId: String(APPROVER), events: ['tx.awaiting_approval'] }, op)
  expect(ch.approverUserId).toBe(String(APPROVER))
})

const json = (q: Received): Record<string, any> => JSON.parse(q.body) as Record<string, any>
const calls = (method: string): Record<string, any>[] => api.requests.filter((q) => q.path === `/bot${BOT}/${method}`).map(json)

/** A request that needs approval, and the Telegram message announcing it with its two buttons. */
async function pending(): Promise<{ id: string; approve: string; reject: string; message: Record<string, any> }> {
  const r = await t.client.call('tx.send', { wallet: 'tg', network: 'evm-local', to: EthersWallet.createRandom().address, amount: '0.5' }, op)
  expect(r.state).toBe('awaiting_approval')
  const message = await until('the approval message', () => calls('sendMessage').find((m) => String(m.text).includes(r.id)))
  expect(message.chat_id).toBe(String(CHAT))
  const [row] = message.reply_markup.inline_keyboard as { text: string; callback_data: string }[][]
  expect(row?.map((b) => b.text)).toEqual(['Approve', 'Reject'])
  const [approve, reject] = (row ?? []).map((b) => b.callback_data)
  expect(Buffer.byteLength(approve ?? '')).toBeLessThanOrEqual(64)
  expect(approve).not.toBe(reject)
  return { id: r.id, approve: approve ?? '', reject: reject ?? '', message }
}

/** Presses a button: queues a callback_query update and waits for the daemon's answer to it. */
async function press(data: string, opts: { chat?: number; user?: number } = {}): Promise<string> {
  const cqId = `cq-${nextUpdate}`
  updates.push({
    update_id: nextUpdate++,
    callback_query: { id: cqId, from: { id: opts.user ?? APPROVER, first_name: 'Owner' }, message: { message_id: 1, chat: { id: opts.chat ?? CHAT }, text: 'msg' }, data },
  })
  const answer = await until(`the answer to ${cqId}`, () => calls('answerCallbackQuery').find((a) => a.callback_query_id === cqId))
  return String(answer.text)
}

const state = async (id: string): Promise<string> => (await t.client.call('tx.show', { id })).state
async function refusals(id: string): Promise<string[]> {
  const { entries } = await t.client.call('audit.list', { limit: 1000, action: 'notify.telegram-decision' })
  return entries.filter((e) => e.target === id && e.outcome === 'denied').map((e) => String(e.details.reason))
}

describe('Telegram approval', () => {
  it('the approver in the configured chat approves; the request is signed and confirmed; a replay is refused', async () => {
    const p = await pending()
    expect(await press(p.approve)).toMatch(/^Approved by Owner/)
    expect((await t.client.call('tx.wait', { id: p.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    const { entries } = await t.client.call('audit.list', { limit: 50, action: 'tx.approve' })
    expect(entries.find((e) => e.target === p.id)?.actor).toBe(`telegram:${APPROVER}`)
    // The message loses its buttons.
    await until('the edit', () => calls('editMessageText').some((m) => String(m.text).includes('Approved by Owner')))

    expect(await press(p.approve)).toBe('Refused: this button was already used')
    expect(await press(p.reject)).toBe('Refused: this button was already used')
    expect(await state(p.id)).toBe('confirmed')
    expect(await refusals(p.id)).toEqual(['this button was already used', 'this button was already used'])
  })

  it('a press from another chat or another user is refused and changes nothing; the approver can still reject', async () => {
    const p = await pending()
    expect(await press(p.approve, { chat: -100999 })).toBe('Refused: this chat may not approve requests')
    expect(await press(p.approve, { user: 777 })).toBe('Refused: you are not the approver of this channel')
    // In a private chat with the wrong user: chat id equal to the user id, still not the configured chat.
    expect(await press(p.approve, { chat: 777, user: 777 })).toBe('Refused: this chat may not approve requests')
    expect(await state(p.id)).toBe('awaiting_approval')
    expect(await refusals(p.id)).toEqual(['this chat may not approve requests', 'you are not the approver of this channel', 'this chat may not approve requests'])
    const { entries } = await t.client.call('audit.list', { limit: 20, action: 'notify.telegram-decision' })
    expect(entries.find((e) => e.target === p.id)?.actor).toBe('telegram:777')

    expect(await press(p.reject)).toBe('Rejected by Owner')
    expect(await state(p.id)).toBe('rejected')
    expect(await press(p.approve)).toBe('Refused: this button was already used')
    expect(await state(p.id)).toBe('rejected')
  })

  it('a press after the request expired is refused', async () => {
    const p = await pending()
    clock.advance(TTL_MS)
    expect((await t.client.call('tx.wait', { id: p.id, timeoutMs: 15_000 })).state).toBe('expired')
    expect(await press(p.approve)).toBe('Refused: the approval request has expired')
    expect(await state(p.id)).toBe('expired')
  })

  it('an unknown or forged token is refused', async () => {
    expect(await press('a_forged-token-that-was-never-issued')).toBe('Refused: this button is unknown or no longer valid')
    expect(await press('')).toBe('Refused: this button is unknown or no longer valid')
  })

  it('the bot token is in no log line', async () => {
    const { readFileSync } = await import('node:fs')
    const log = readFileSync(t.daemon.paths.logFile, 'utf8')
    expect(log).toContain('telegram approval refused')
    expect(log.includes(BOT)).toBe(false)
    expect(log.includes(BOT.split(':')[1] as string)).toBe(false)
  })
})
