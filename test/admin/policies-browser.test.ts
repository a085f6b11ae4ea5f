/**
 * The Policies page in a browser against a real daemon: a SPENDING_LIMIT added through the form generated from the
 * type module; a bad value is refused by the daemon and its error shown next to that field; the good rules are
 * stored (seen through the socket); the simulator states the tier, the deciding rule and what would change it, as
 * the daemon's policy.test does; disable and remove through their confirmations.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WaiaasError } from '../../src/lib/errors.js'
import { localChain } from '../helpers/chains.js'
import { useDaemon } from '../helpers/daemon.js'
import { hasChromium, launch, loggedIn, op, open, restOrigin, unexpected, CHROMIUM, type AdminPage } from './pages-harness.js'

const t = useDaemon()
let browser: Browser | undefined
let ui: AdminPage
const TO = '0x000000000000000000000000000000000000dEaD'

beforeAll(async () => {
  if (!hasChromium) return
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  await t.client.call('wallet.create', { chain: 'evm', name: 'ui-pol' }, op)
  const origin = await restOrigin(t.client)
  browser = await launch()
  ui = await loggedIn(browser, origin)
})

afterAll(async () => {
  await browser?.close()
})

/** The daemon's own refusal of the same rules, through the socket. */
async function daemonRefusal(rules: Record<string, unknown>): Promise<WaiaasError> {
  try {
    await t.client.call('policy.add', { wallet: 'ui-pol', type: 'SPENDING_LIMIT', rules }, op)
  } catch (err) {
    if (err instanceof WaiaasError) return err
    throw err
  }
  throw new Error('the daemon accepted rules it should refuse')
}

describe.skipIf(!hasChromium)(`the Policies page (skipped: no Chromium at ${CHROMIUM})`, () => {
  it('adds a SPENDING_LIMIT through the form: the daemon’s error on a bad value shows next to its field, the good rules are stored', async () => {
    const { page } = ui
    await open(page, 'policies', 'Policies')
    await page.getByRole('link', { name: 'Add a policy' }).click()
    await page.getByRole('heading', { name: 'Add a policy' }).waitFor()
    await page.getByLabel('Wallet', { exact: true }).selectOption({ label: 'ui-pol (evm)' })
    await page.getByLabel('Type', { exact: true }).selectOption('SPENDING_LIMIT')
    // Every field of the type module is in the form, generated (not written by hand).
    for (const f of ['instant_max_usd', 'instant_max', 'notify_max', 'delay_max', 'daily_limit_usd', 'delay_seconds']) await expect(page.getByLabel(f, { exact: true }).count()).resolves.toBe(1)

    const instant = page.getByLabel('instant_max', { exact: true })
    await instant.fill('abc')
    await page.getByLabel('delay_max', { exact: true }).fill('1')
    await page.getByRole('button', { name: 'Add policy' }).click()
    const refused = await daemonRefusal({ instant_max: 'abc', delay_max: '1' })
    expect(refused.code).toBe('POLICY_INVALID')
    expect(refused.details.field).toBe('rules.instant_max')
    // The error is the field's: its input is marked invalid and described by the daemon's message for that field.
    await page.locator('[name="instant_max"][aria-invalid="true"]').waitFor()
    const errId = ((await instant.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-err'))
    expect(errId).toBeDefined()
    const shown = (await page.locator(`[id="${errId}"]`).textContent()) ?? ''
    expect(refused.message.endsWith(`rules.instant_max ${shown}`)).toBe(true)
    expect(shown.length).toBeGreaterThan(5)
    // No other field carries an error, and nothing was stored.
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(1)
    expect((await t.client.call('policy.list', { wallet: 'ui-pol' })).policies).toEqual([])

    await instant.fill('0.5')
    await page.getByRole('button', { name: 'Add policy' }).click()
    await page.getByRole('heading', { level: 2, name: /^Per wallet \(/ }).waitFor()
    const stored = (await t.client.call('policy.list', { wallet: 'ui-pol' })).policies
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ type: 'SPENDING_LIMIT', scope: 'wallet', walletName: 'ui-pol', enabled: true, rules: { instant_max: '0.5', delay_max: '1' } })
    await page.locator(`tr[data-policy="${stored[0]?.id}"]`).waitFor()
  })

  it('the simulator states the tier, the deciding rule and what would change it, as policy.test does', async () => {
    const { page } = ui
    await open(page, 'policies', 'Policies')
    const sim = page.getByRole('region', { name: 'Test a transfer' })
    await sim.getByLabel('Wallet', { exact: true }).selectOption({ label: 'ui-pol (evm)' })
    await sim.getByLabel('Network', { exact: true }).selectOption('eip155:31337')
    await sim.getByLabel('To', { exact: true }).fill(TO)
    for (const amount of ['0.1', '0.8']) {
      await sim.getByLabel('Amount', { exact: true }).fill(amount)
      await sim.getByRole('button', { name: 'Test' }).click()
      const daemon = await t.client.call('policy.test', { wallet: 'ui-pol', network: 'evm-local', to: TO, amount })
      const card = sim.locator(`.sim-result[data-tier="${daemon.tier}"]`)
      await card.waitFor()
      const text = (await card.textContent()) ?? ''
      expect(text).toContain(daemon.decisive.reason)
      if (daemon.decisive.rule !== null) expect(text).toContain(daemon.decisive.rule.policyId)
      if (daemon.decisive.wouldPass !== null) expect(text).toContain(daemon.decisive.wouldPass)
    }
    // 0.8 is above instant_max 0.5: escalated, with what would pass stated.
    const big = await t.client.call('policy.test', { wallet: 'ui-pol', network: 'evm-local', to: TO, amount: '0.8' })
    expect(big.tier).not.toBe('INSTANT')
    expect(big.decisive.wouldPass).not.toBeNull()
  })

  it('edits a policy’s rules in the same form, filled with the stored rules; then disables and removes it through their confirmations', async () => {
    const { page } = ui
    const [p] = (await t.client.call('policy.list', { wallet: 'ui-pol' })).policies
    if (p === undefined) throw new Error('no policy')
    await open(page, 'policies', 'Policies')
    await page.getByRole('link', { name: `Edit SPENDING_LIMIT policy ${p.id}` }).click()
    await page.getByRole('heading', { name: 'Edit SPENDING_LIMIT policy' }).waitFor()
    expect(await page.getByLabel('instant_max', { exact: true }).inputValue()).toBe('0.5')
    expect(await page.getByLabel('delay_max', { exact: true }).inputValue()).toBe('1')
    await page.getByLabel('instant_max', { exact: true }).fill('0.4')
    await page.getByRole('button', { name: 'Save rules' }).click()
    await page.locator(`tr[data-policy="${p.id}"]`).waitFor()
    const edited = (await t.client.call('policy.show', { id: p.id })).policy
    expect(edited).toMatchObject({ version: p.version + 1, rules: { ...p.rules, instant_max: '0.4' } })

    await page.getByRole('button', { name: `Disable SPENDING_LIMIT policy ${p.id}` }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click()
    await page.getByRole('button', { name: `Enable SPENDING_LIMIT policy ${p.id}` }).waitFor()
    expect((await t.client.call('policy.show', { id: p.id })).policy.enabled).toBe(false)
    await page.getByRole('button', { name: `Remove SPENDING_LIMIT policy ${p.id}` }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Remove policy' }).click()
    await page.locator(`tr[data-policy="${p.id}"]`).waitFor({ state: 'detached' })
    expect((await t.client.call('policy.list', { wallet: 'ui-pol' })).policies).toEqual([])
    expect(unexpected(ui.problems, ['/v1/policy/add 400'])).toEqual([])
  })
})
