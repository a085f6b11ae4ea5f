/** network.list / network.set through the real socket: overrides persist, credentials never come back out. */
import { describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'

const t = useDaemon()

describe('networks', () => {
  it('lists the built-in networks with local defaults', async () => {
    const { networks } = await t.client.call('network.list', {})
    const local = networks.find((n) => n.aliases.includes('evm-local'))
    expect(local).toMatchObject({ id: 'eip155:31337', chainId: 31337, family: 'evm', local: true, customized: false })
    expect(networks.some((n) => n.aliases.includes('solana-local') && n.family === 'solana')).toBe(true)
    const sol = await t.client.call('network.list', { family: 'solana' })
    expect(sol.networks.every((n) => n.family === 'solana')).toBe(true)
  })

  it('sets an RPC URL with credentials, persists it, and never returns or audits the secret', async () => {
    const secretUrl = 'https://user:hunter2hunter2@rpc.example.org/v2/abcdef0123456789abcdef0123456789'
    const n = await t.client.call('network.set', { network: 'base', rpcUrl: secretUrl, confirmations: 4 }, { password: PASSWORD })
    expect(n).toMatchObject({ id: 'eip155:8453', confirmations: 4, customized: true })
    expect(n.rpcUrl).not.toContain('hunter2')
    expect(n.rpcUrl).not.toContain('abcdef0123456789abcdef0123456789')
    const listed = (await t.client.call('network.list', {})).networks.find((x) => x.id === 'eip155:8453')
    expect(listed?.confirmations).toBe(4)
    const audit = await t.client.call('audit.list', { action: 'network.set' })
    expect(audit.entries).toHaveLength(1)
    expect(JSON.stringify(audit.entries)).not.toContain('hunter2')
    const reset = await t.client.call('network.set', { network: 'eip155:8453', rpcUrl: null, confirmations: null }, { password: PASSWORD })
    expect(reset.customized).toBe(false)
    expect(reset.rpcUrl).toBe('https://mainnet.base.org')
  })

  it('refuses unknown networks, non-http URLs, empty patches and missing credentials', async () => {
    expect((await catchAsync(t.client.call('network.set', { network: 'nope', confirmations: 1 }, { password: PASSWORD }))).code).toBe('NETWORK_UNKNOWN')
    expect((await catchAsync(t.client.call('network.set', { network: 'base', rpcUrl: 'file:///etc/passwd' }, { password: PASSWORD }))).code).toBe('INPUT_INVALID')
    expect((await catchAsync(t.client.call('network.set', { network: 'base' }, { password: PASSWORD }))).code).toBe('INPUT_INVALID')
    expect((await catchAsync(t.client.call('network.set', { network: 'base', confirmations: 2 }))).code).toBe('AUTH_REQUIRED')
  })
})
