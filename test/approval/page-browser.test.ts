/**
 * The approval page in a real browser (headless Chromium through playwright-core), under its own CSP. A stand-in for
 * a wallet extension is injected as `window.ethereum` (EIP-1193): its eth_requestAccounts and personal_sign call back
 * into the test, where a real ethers key signs. Clicking the buttons decides requests through the page's own script:
 * approve (the transfer lands), reject, and a wallet holding the wrong key (refused; the link stays usable). A Solana
 * owner signs through a Phantom-style `window.solana` (connect + signMessage) backed by a node:crypto Ed25519 key.
 *
 * Needs a Chromium binary (Debian's `chromium`, or WAIAAS_CHROMIUM); without one the suite is skipped and says why.
 */
import { generateKeyPairSync, sign } from 'node:crypto'
import { existsSync } from 'node:fs'
import { base58 } from '@scure/base'
import { getBytes, JsonRpcProvider, toUtf8String, Wallet as EthersWallet } from 'ethers'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TxRequestView } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { localChain } from '../helpers/chains.js'

const CHROMIUM = process.env.WAIAAS_CHROMIUM ?? '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const owner = EthersWallet.createRandom()
let provider: JsonRpcProvider
let browser: Browser | undefined

type Key = ReturnType<typeof EthersWallet.createRandom>
/** The account the fake wallet offers, the key it signs with, and every call the page made to it. */
const wallet = { account: owner.address, key: owner as Key, calls: [] as { method: string; params: unknown[] }[] }
const use = (account: string, key: Key): void => {
  wallet.account = account
  wallet.key = key
  wallet.calls = []
}

const dest = (): string => EthersWallet.createRandom().address
const bigSend = (to = dest()): Promise<TxRequestView> => t.client.call('tx.send', { wallet: 'browser', network: 'evm-local', to, amount: '0.5' }, op)

async function openPage(url: string): Promise<{ page: Page; problems: string[] }> {
  if (browser === undefined) throw new Error('no browser')
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(e.message))
  await page.exposeFunction('__waiaasTestWallet', async (method: string, params: unknown[]) => {
    wallet.calls.push({ method, params })
    if (method === 'eth_requestAccounts') return [wallet.account]
    if (method === 'personal_sign') {
      const [data, account] = params as [string, string]
      if (account.toLowerCase() !== wallet.account.toLowerCase()) throw new Error(`asked to sign as ${account}`)
      return wallet.key.signMessage(getBytes(data))
    }
    throw new Error(`unsupported method ${method}`)
  })
  await page.addInitScript(() => {
    const w = globalThis as unknown as { ethereum: unknown; __waiaasTestWallet: (method: string, params: unknown[]) => Promise<unknown> }
    w.ethereum = { isMetaMask: false, request: ({ method, params }: { method: string; params?: unknown[] }) => w.__waiaasTestWallet(method, params ?? []) }
  })
  const res = await page.goto(url)
  expect(res?.status()).toBe(200)
  return { page, problems }
}

/** Waits (event-driven, bounded) for the page's status line to reach a final state, and returns it. */
async function outcome(page: Page): Promise<{ state: string | null; text: string }> {
  const el = await page.waitForSelector('#status[data-state="approved"], #status[data-state="rejected"], #status[data-state="error"]', { timeout: 20_000 })
  return { state: await el.getAttribute('data-state'), text: (await el.textContent()) ?? '' }
}

beforeAll(async () => {
  if (!hasChromium) return
  const { chromium } = await import('playwright-core')
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true })
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'browser' }, op)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'browser', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01', delay_max: '0.1', delay_seconds: 60 } }, op)
  await t.client.call('wallet.setOwner', { wallet: 'browser', owner: owner.address }, op)
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, op)
  await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
})

afterAll(async () => {
  await browser?.close()
})

describe.skipIf(!hasChromium)(`the approval page in a browser (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`, () => {
  it('approves with the wallet: personal_sign of the exact approve message by the owner, and the transfer lands', async () => {
    const to = dest()
    const r = await bigSend(to)
    const { url } = await t.client.call('tx.approvalLink', { id: r.id }, op)
    use(owner.address, owner)
    const { page, problems } = await openPage(url)
    expect(await page.textContent('h1')).toContain('browser')
    const shown = await page.textContent('#message-approve')
    await page.getByRole('button', { name: 'Approve with my wallet' }).click()
    const o = await outcome(page)
    expect(o.state, o.text).toBe('approved')
    expect(o.text).toMatch(/^Approved\. The request is now (submitted|confirmed)/)
    // The page asked for the accounts, then for a personal_sign of the approve message it showed, as the owner.
    expect(wallet.calls.map((c) => c.method)).toEqual(['eth_requestAccounts', 'personal_sign'])
    const [data, account] = wallet.calls[1]?.params as [string, string]
    expect(toUtf8String(data)).toBe(shown)
    expect(toUtf8String(data)).toMatch(/^waiaas approval v1\ndecision: approve\n/)
    expect(toUtf8String(data)).toContain(`requestId: ${r.id}\n`)
    expect(account.toLowerCase()).toBe(owner.address.toLowerCase())
    // Both buttons stay off: the link is spent.
    expect(await page.getByRole('button', { name: 'Approve with my wallet' }).isDisabled()).toBe(true)
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await provider.getBalance(to)).toBe(5n * 10n ** 17n)
    // No CSP violation or script error on the way.
    expect(problems).toEqual([])
    // Reloading shows that the link was used.
    const again = await page.reload()
    expect(again?.status()).toBe(410)
    expect(await page.textContent('h1')).toBe('Approval link already used')
    await page.context().close()
  })

  it('rejects with the wallet', async () => {
    const r = await bigSend()
    const { url } = await t.client.call('tx.approvalLink', { id: r.id }, op)
    use(owner.address, owner)
    const { page, problems } = await openPage(url)
    await page.getByRole('button', { name: 'Reject with my wallet' }).click()
    const o = await outcome(page)
    expect(o.state, o.text).toBe('rejected')
    expect(o.text).toBe('Rejected. The request is now rejected.')
    expect(toUtf8String(wallet.calls[1]?.params[0] as string)).toMatch(/^waiaas approval v1\ndecision: reject\n/)
    expect((await t.client.call('tx.show', { id: r.id })).state).toBe('rejected')
    expect(problems).toEqual([])
    await page.context().close()
  })

  it('shows the refusals of a wallet with the wrong account or the wrong key; the owner then decides through the same link', async () => {
    const r = await bigSend()
    const { url } = await t.client.call('tx.approvalLink', { id: r.id }, op)
    const { page } = await openPage(url)
    const stranger = EthersWallet.createRandom()
    const approve = page.getByRole('button', { name: 'Approve with my wallet' })
    const retry = async (): Promise<{ state: string | null; text: string }> => {
      await page.evaluate("document.getElementById('status').removeAttribute('data-state')")
      await approve.click()
      return outcome(page)
    }
    // The wallet offers only a stranger's account: the page refuses before asking for a signature.
    use(stranger.address, stranger)
    let o = await retry()
    expect(o.state).toBe('error')
    expect(o.text).toContain(`did not offer the owner account ${owner.address}`)
    expect(wallet.calls.map((c) => c.method)).toEqual(['eth_requestAccounts'])
    // The wallet claims the owner's account but signs with another key: the daemon refuses the signature.
    use(owner.address, stranger)
    o = await retry()
    expect(o.state).toBe('error')
    expect(o.text).toContain("the signature is not the owner's")
    expect(wallet.calls.map((c) => c.method)).toEqual(['eth_requestAccounts', 'personal_sign'])
    expect((await t.client.call('tx.show', { id: r.id })).state).toBe('awaiting_approval')
    // Neither refusal spent the link: the buttons are back, and the owner's key approves.
    expect(await approve.isDisabled()).toBe(false)
    use(owner.address, owner)
    o = await retry()
    expect(o.state, o.text).toBe('approved')
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    await page.context().close()
  })

  it('approves a Solana request with a Phantom-style wallet: signMessage of the UTF-8 message by the owner key (Ed25519)', async () => {
    const w = await t.client.call('wallet.create', { chain: 'solana', name: 'sol-browser' }, op)
    const { Connection, PublicKey, LAMPORTS_PER_SOL } = await import('@solana/web3.js')
    const conn = new Connection(localChain().solanaRpcUrl, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
    await conn.requestAirdrop(new PublicKey(w.address), 5 * LAMPORTS_PER_SOL)
    await t.client.call('policy.add', { wallet: 'sol-browser', type: 'SPENDING_LIMIT', rules: { instant_max: '0.001' } }, op)
    const pub = (k: ReturnType<typeof generateKeyPairSync>['publicKey']): string => base58.encode(Buffer.from(k.export({ format: 'jwk' }).x as string, 'base64url'))
    const ownerKey = generateKeyPairSync('ed25519')
    const ownerAddress = pub(ownerKey.publicKey)
    await t.client.call('wallet.setOwner', { wallet: 'sol-browser', owner: ownerAddress }, op)
    const to = pub(generateKeyPairSync('ed25519').publicKey)
    const r = await t.client.call('tx.send', { wallet: 'sol-browser', network: 'solana-local', to, amount: '0.5' }, op)
    expect(r.state).toBe('awaiting_approval')
    const { url } = await t.client.call('tx.approvalLink', { id: r.id }, op)
    if (browser === undefined) throw new Error('no browser')
    const context = await browser.newContext()
    const page = await context.newPage()
    const signed: { bytes: number[]; display: string }[] = []
    await page.exposeFunction('__waiaasTestPhantom', (bytes: number[], display: string) => {
      signed.push({ bytes, display })
      return [...sign(null, Buffer.from(bytes), ownerKey.privateKey)]
    })
    await page.addInitScript((address: string) => {
      const w = globalThis as unknown as { solana: unknown; __waiaasTestPhantom: (bytes: number[], display: string) => Promise<number[]> }
      const publicKey = { toString: () => address, toBase58: () => address }
      w.solana = {
        isPhantom: true,
        publicKey,
        connect: async () => ({ publicKey }),
        signMessage: async (bytes: Uint8Array, display: string) => ({ publicKey, signature: new Uint8Array(await w.__waiaasTestPhantom(Array.from(bytes), display)) }),
      }
    }, ownerAddress)
    expect((await page.goto(url))?.status()).toBe(200)
    const shown = await page.textContent('#message-approve')
    await page.getByRole('button', { name: 'Approve with my wallet' }).click()
    const o = await outcome(page)
    expect(o.state, o.text).toBe('approved')
    // The wallet was asked to sign exactly the approve message's UTF-8 bytes, for display as text.
    expect(signed).toHaveLength(1)
    expect(Buffer.from(signed[0]?.bytes ?? []).toString('utf8')).toBe(shown)
    expect(signed[0]?.display).toBe('utf8')
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await conn.getBalance(new PublicKey(to))).toBe(LAMPORTS_PER_SOL / 2)
    await context.close()
  })
})
