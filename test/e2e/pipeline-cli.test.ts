/**
 * The transaction pipeline through bin/run.js, as an operator and a script would drive it on the local playground:
 * default deny, a SPENDING_LIMIT with INSTANT / DELAY / APPROVAL tiers, approve and reject (operator and owner),
 * `policy test|list|show|update|remove`, the kill switch, message signing under SIGNING_RULES, and `tx list`.
 * Checks --json envelopes, exit codes and balances; human output where scripts read it (signatures, denials).
 */
import fs from 'node:fs'
import path from 'node:path'
import { Wallet as EthersWallet, verifyMessage } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { fails, MASTER_PASSWORD, ok, runner, stopDaemonSurely, waitFor } from '../helpers/e2e.js'

const home = tempHome('waiaas-pipe-')
const pw = home.file('pw.txt', `${MASTER_PASSWORD}\n`)
/** The operator: the master password comes from a file. */
const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
/** Anyone with socket access but no password (kill switch on, owner approvals, read-only commands). */
const anon = runner(home.dataDir)
/** Human output (no --json), as the operator. */
const human = (...args: string[]) => runCli(args, { env: cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) })

const NET = 'evm-local'
const LIMITS = { instant_max: '1', delay_max: '5', delay_seconds: 2 }

let sink: { name: string; address: string }
let payAddress: string
let limitId: string
const confirmedIds: string[] = []

const send = (amount: string, ...extra: string[]) => ['send', '--wallet', 'pay', '--network', NET, '--to', sink.address, '--amount', amount, ...extra]
const sinkBalance = async (): Promise<string> => ok(await anon.run(['balance', '--wallet', 'sink', '--network', NET])).balances[0].amount as string

beforeAll(async () => {
  ok(await cli.run(['init']))
  ok(await cli.run(['devnet', 'start'], { timeoutMs: 90_000 }))
  payAddress = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'pay'])).address
  sink = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'sink']))
  ok(await cli.run(['devnet', 'fund', 'pay', '--amount', '50']))
}, 120_000)

afterAll(async () => {
  await runCli(['devnet', 'stop', '--json'], { env: cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) }).catch(() => undefined)
  await stopDaemonSurely(home.dataDir)
  home.cleanup()
})

describe('the transaction pipeline through the CLI', () => {
  it('denies a wallet without policies (exit 4) and says a SPENDING_LIMIT would let it pass', async () => {
    const e = fails(await cli.run(send('0.5')), 'POLICY_DENIED', 4)
    expect(`${e.hint} ${String(e.details.wouldPass ?? '')}`).toContain('SPENDING_LIMIT')

    const h = await human(...send('0.5'))
    expect(h.code).toBe(4)
    expect(h.stdout).toBe('')
    expect(h.stderr).toContain('POLICY_DENIED')
    expect(h.stderr).toContain('SPENDING_LIMIT')
    if (typeof e.details.reason === 'string') expect(h.stderr).toContain(e.details.reason)
    if (typeof e.details.wouldPass === 'string') expect(h.stderr).toContain(`Would pass: ${e.details.wouldPass}`)
    expect(await sinkBalance()).toBe('0')
  })

  it('adds a SPENDING_LIMIT; bad rules JSON is a usage error naming --rules', async () => {
    const bad = fails(await cli.run(['policy', 'add', '--wallet', 'pay', '--type', 'SPENDING_LIMIT', '--rules', '{instant_max: 1']), 'USAGE', 2)
    expect(bad.message).toContain('--rules')
    expect(bad.details.flag).toBe('--rules')
    fails(await cli.run(['policy', 'add', '--wallet', 'pay', '--type', 'SPENDING_LIMIT', '--rules', '{"instant_max": "lots"}']), 'POLICY_INVALID', 2)

    const added = ok(await cli.run(['policy', 'add', '--wallet', 'pay', '--type', 'SPENDING_LIMIT', '--rules', JSON.stringify(LIMITS)]))
    expect(added.policy).toMatchObject({ scope: 'wallet', walletName: 'pay', type: 'SPENDING_LIMIT', version: 1, enabled: true })
    expect(typeof added.revision).toBe('number')
    limitId = added.policy.id
  })

  it('policy test names the tier, the deciding rule and what would pass', async () => {
    expect(ok(await anon.run(['policy', 'test', '--wallet', 'pay', '--network', NET, '--to', sink.address, '--amount', '0.5'])).tier).toBe('INSTANT')
    const delay = ok(await anon.run(['policy', 'test', '--wallet', 'pay', '--network', NET, '--to', sink.address, '--amount', '3']))
    expect(delay).toMatchObject({ tier: 'DELAY', delaySeconds: 2 })
    expect(delay.decisive.rule).toMatchObject({ policyId: limitId, type: 'SPENDING_LIMIT', version: 1 })
    const approval = ok(await anon.run(['policy', 'test', '--wallet', 'pay', '--network', NET, '--to', sink.address, '--amount', '10']))
    expect(approval.tier).toBe('APPROVAL')
    expect(approval.decisive.rule.type).toBe('SPENDING_LIMIT')

    const h = await human('policy', 'test', '--wallet', 'pay', '--network', NET, '--to', sink.address, '--amount', '3')
    expect(h.code, h.stderr).toBe(0)
    expect(h.stdout).toMatch(new RegExp(`^Tier: DELAY \\(2 s\\) — decided by SPENDING_LIMIT ${limitId} v1`))
    if (delay.decisive.wouldPass !== null) expect(h.stdout).toContain(`Would pass: ${delay.decisive.wouldPass}`)
  })

  it('send --wait within the instant limit confirms and moves the funds', async () => {
    const r = ok(await cli.run(send('0.5', '--wait', '--timeout', '30s')))
    expect(r).toMatchObject({ tier: 'INSTANT', state: 'confirmed', final: true, kind: 'native-transfer', amount: '0.5', walletName: 'pay' })
    expect(r.txHash).toMatch(/^0x[0-9a-f]{64}$/i)
    confirmedIds.push(r.id)
    expect(await sinkBalance()).toBe('0.5')
  })

  it('an idempotency key never moves funds twice, and a different request under it is a conflict', async () => {
    const first = ok(await cli.run(send('0.25', '--idempotency-key', 'pay-once', '--wait', '--timeout', '30s')))
    expect(first.state).toBe('confirmed')
    confirmedIds.push(first.id)
    const again = ok(await cli.run(send('0.25', '--idempotency-key', 'pay-once', '--wait', '--timeout', '30s')))
    expect(again.id).toBe(first.id)
    expect(await sinkBalance()).toBe('0.75')
    fails(await cli.run(send('0.3', '--idempotency-key', 'pay-once')), 'IDEMPOTENCY_CONFLICT', 8)
  })

  it('a send above the instant limit is delayed, then confirmed with --wait', async () => {
    const t0 = Date.now()
    const r = ok(await cli.run(send('2', '--wait', '--timeout', '30s')))
    expect(r).toMatchObject({ tier: 'DELAY', state: 'confirmed', final: true })
    expect(r.decision?.delaySeconds).toBe(2)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000)
    confirmedIds.push(r.id)
    expect(await sinkBalance()).toBe('2.75')
  })

  it('a send above delay_max awaits approval (exit 0); the operator approves it and it confirms', async () => {
    const r = ok(await cli.run(send('6')))
    expect(r).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval', final: false })
    const h = await human('tx', 'show', r.id)
    expect(h.stdout).toContain('awaiting_approval')
    expect(h.stdout).toContain(`waiaas tx approve ${r.id}`)

    fails(await anon.run(['tx', 'approve', r.id]), 'USAGE', 2) // no password, no terminal: the flag is named
    const approved = ok(await cli.run(['tx', 'approve', r.id]))
    expect(approved.id).toBe(r.id)
    expect(['approved', 'signed', 'submitted', 'confirmed']).toContain(approved.state)
    await waitFor('the approved send to confirm', async () => ok(await anon.run(['tx', 'show', r.id])).state === 'confirmed', 20_000)
    confirmedIds.push(r.id)
    expect(await sinkBalance()).toBe('8.75')
  })

  it('send --wait that runs out of time exits 5 with the request; the operator rejects it; a second decision conflicts', async () => {
    const waited = fails(await cli.run([...send('7', '--wait', '--timeout', '1s')]), 'PENDING_APPROVAL', 5)
    const r = waited.details.request
    expect(r).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval', final: false })

    const rejected = ok(await cli.run(['tx', 'reject', r.id, '--reason', 'not in the budget']))
    expect(rejected).toMatchObject({ id: r.id, state: 'rejected', final: true })
    fails(await cli.run(['tx', 'approve', r.id]), 'TX_STATE_CONFLICT', 8)
    expect(await sinkBalance()).toBe('8.75')
  })

  it("the wallet's owner approves with a signature over the approval message, no password, once", async () => {
    const owner = EthersWallet.createRandom()
    expect(ok(await anon.run(['wallet', 'owner', 'pay'])).owner).toBeNull()
    fails(await anon.run(['wallet', 'owner', 'pay', owner.address]), 'USAGE', 2) // setting it is the operator's
    expect(ok(await cli.run(['wallet', 'owner', 'pay', owner.address])).owner?.toLowerCase()).toBe(owner.address.toLowerCase())

    const r = ok(await cli.run(send('5.5')))
    expect(r.state).toBe('awaiting_approval')
    // Each call issues a message with a fresh single-use nonce; the owner signs the last one.
    const printed = await runCli(['tx', 'approval-message', r.id], { env: cliEnv(home.dataDir) })
    expect(printed.code, printed.stderr).toBe(0)
    const file = path.join(home.root, 'approve.txt')
    const m = ok(await anon.run(['tx', 'approval-message', r.id, '--out', file]))
    expect(fs.readFileSync(file, 'utf8')).toBe(m.message)
    expect(m.owner.toLowerCase()).toBe(owner.address.toLowerCase())
    // stdout carries the message and nothing else (no added line break when it is not a terminal)
    const withoutNonce = (s: string) => s.replace(/nonce: \S+/, 'nonce: N')
    expect(withoutNonce(printed.stdout)).toBe(withoutNonce(m.message))
    fails(await anon.run(['tx', 'approval-message', r.id, '--out', file]), 'INPUT_FILE_EXISTS', 8)

    const signature = await owner.signMessage(fs.readFileSync(file, 'utf8'))
    const forged = await EthersWallet.createRandom().signMessage(fs.readFileSync(file, 'utf8'))
    fails(await anon.run(['tx', 'approve', r.id, '--signature', forged, '--message-file', file]), 'APPROVAL_INVALID', 6)
    const approved = ok(await anon.run(['tx', 'approve', r.id, '--signature', signature, '--message-file', file]))
    expect(['approved', 'signed', 'submitted', 'confirmed']).toContain(approved.state)
    const replay = await anon.run(['tx', 'approve', r.id, '--signature', signature, '--message-file', file])
    expect(replay.json?.ok).toBe(false)
    expect(['TX_STATE_CONFLICT', 'APPROVAL_INVALID']).toContain(replay.json?.error?.code)
    await waitFor('the owner-approved send to confirm', async () => ok(await anon.run(['tx', 'show', r.id])).state === 'confirmed', 20_000)
    confirmedIds.push(r.id)
    expect(await sinkBalance()).toBe('14.25')
    expect(ok(await cli.run(['wallet', 'owner', 'pay', '--clear'])).owner).toBeNull()
  })

  it('policy list, show, update (rules, disable, enable) and what policy test then says', async () => {
    const listed = ok(await anon.run(['policy', 'list', '--wallet', 'pay']))
    expect(listed.policies.map((p: { id: string }) => p.id)).toContain(limitId)
    expect(ok(await anon.run(['policy', 'list', '--type', 'SIGNING_RULES'])).policies).toEqual([])
    const h = await human('policy', 'list')
    expect(h.stdout).toMatch(/^ID\s+SCOPE\s+WALLET\s+NETWORK\s+TYPE\s+VERSION\s+ENABLED\s+RULES/)
    expect(h.stdout).toContain(limitId)

    const shown = ok(await anon.run(['policy', 'show', limitId]))
    expect(shown.policy).toMatchObject({ id: limitId, version: 1, rules: expect.objectContaining({ delay_seconds: 2 }) })

    const looser = ok(await cli.run(['policy', 'update', limitId, '--rules', '{"instant_max":"10","delay_max":"20","delay_seconds":2}']))
    expect(looser.policy.version).toBe(2)
    expect(looser.revision).toBeGreaterThan(listed.revision)
    expect(ok(await anon.run(['policy', 'test', '--wallet', 'pay', '--network', NET, '--to', sink.address, '--amount', '6'])).tier).toBe('INSTANT')
    expect(ok(await anon.run(['policy', 'show', limitId])).history.length).toBeGreaterThanOrEqual(1)

    expect(ok(await cli.run(['policy', 'update', limitId, '--disable'])).policy.enabled).toBe(false)
    expect(ok(await anon.run(['policy', 'test', '--wallet', 'pay', '--network', NET, '--to', sink.address, '--amount', '0.5'])).tier).toBe('DENY')
    expect(ok(await cli.run(['policy', 'update', limitId, '--enable'])).policy.enabled).toBe(true)
    fails(await cli.run(['policy', 'update', limitId]), 'USAGE', 2)
    fails(await anon.run(['policy', 'show', 'no-such-policy']), 'POLICY_NOT_FOUND', 7)
  })

  it('the kill switch stops sends (exit 4) until the operator turns it off', async () => {
    const on = ok(await anon.run(['killswitch', 'on', '--reason', 'e2e drill']))
    expect(on).toMatchObject({ on: true, reason: 'e2e drill' })
    expect(ok(await anon.run(['killswitch', 'status'])).on).toBe(true)
    fails(await cli.run(send('0.1')), 'KILL_SWITCH_ON', 4)
    fails(await anon.run(['killswitch', 'off']), 'USAGE', 2) // turning it off needs the master password
    expect(ok(await cli.run(['killswitch', 'off'])).on).toBe(false)
    expect(ok(await anon.run(['killswitch', 'status'])).on).toBe(false)
    const r = ok(await cli.run(send('0.1', '--wait', '--timeout', '30s')))
    expect(r.state).toBe('confirmed')
    confirmedIds.push(r.id)
  })

  it('sign message is denied without SIGNING_RULES, then signs what ethers verifies', async () => {
    const message = 'Log in to example.org: nonce 8f2a'
    fails(await cli.run(['sign', 'message', '--wallet', 'pay', '--message', message]), 'POLICY_DENIED', 4)
    ok(await cli.run(['policy', 'add', '--wallet', 'pay', '--type', 'SIGNING_RULES', '--rules', '{"allow_personal_sign": true}']))

    const signed = ok(await cli.run(['sign', 'message', '--wallet', 'pay', '--message', message]))
    expect(signed.kind).toBe('sign-message')
    expect(verifyMessage(message, signed.signature).toLowerCase()).toBe(payAddress.toLowerCase())

    const h = await human('sign', 'message', '--wallet', 'pay', '--message', message)
    expect(h.code, h.stderr).toBe(0)
    expect(h.stdout).toMatch(/^0x[0-9a-f]{130}\n$/i) // only the signature, for `sig=$(waiaas sign message …)`
    expect(verifyMessage(message, h.stdout.trim()).toLowerCase()).toBe(payAddress.toLowerCase())
  })

  it('tx list --state confirmed lists the confirmed requests, newest first', async () => {
    const d = ok(await anon.run(['tx', 'list', '--state', 'confirmed']))
    expect(d.requests.every((r: { state: string }) => r.state === 'confirmed')).toBe(true)
    const ids = d.requests.map((r: { id: string }) => r.id)
    expect(new Set(ids)).toEqual(new Set(confirmedIds))
    expect(ids).toEqual([...confirmedIds].reverse())
    expect(ok(await anon.run(['tx', 'list', '--wallet', 'pay', '--state', 'rejected'])).requests).toHaveLength(1)
    fails(await anon.run(['tx', 'list', '--state', 'sideways']), 'USAGE', 2)
  })

  it('policy remove asks for --yes without a terminal, then removes', async () => {
    fails(await cli.run(['policy', 'remove', limitId]), 'CONFIRMATION_REQUIRED', 2)
    const removed = ok(await cli.run(['policy', 'remove', limitId, '--yes']))
    expect(removed.removed.id).toBe(limitId)
    fails(await anon.run(['policy', 'show', limitId]), 'POLICY_NOT_FOUND', 7)
    fails(await cli.run(send('0.1')), 'POLICY_DENIED', 4) // back to default deny
  })
})
