import { describe, expect, it } from 'vitest'
import { assertAddressShape, isEvmAddressShape, isSolanaAddressShape } from '../../src/lib/address.js'
import {
  assertFamily,
  CAIP2,
  EVM_LOCAL_ID,
  listNetworks,
  redactUrl,
  resolveNetwork,
  SOLANA_LOCAL_ID,
  solanaCommitment,
} from '../../src/lib/networks.js'
import { catchErr } from '../helpers/errors.js'

describe('network registry', () => {
  const all = listNetworks()

  it('has the required networks with their ids', () => {
    const ids = all.map((n) => n.id)
    for (const chainId of [1, 11155111, 8453, 84532, 42161, 421614, 10, 11155420, 137, 80002, 56, 97, 31337]) {
      expect(ids).toContain(`eip155:${chainId}`)
    }
    for (const id of [
      'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp',
      'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1',
      'solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z',
      SOLANA_LOCAL_ID,
    ]) {
      expect(ids).toContain(id)
    }
    expect(all).toHaveLength(17)
  })

  it('gives every network a unique, valid CAIP-2 id and unique lower-case aliases', () => {
    const ids = new Set(all.map((n) => n.id))
    expect(ids.size).toBe(all.length)
    const aliases = all.flatMap((n) => n.aliases)
    expect(new Set(aliases).size).toBe(aliases.length)
    for (const n of all) {
      expect(n.id, n.id).toMatch(CAIP2)
      expect(n.aliases.length).toBeGreaterThan(0)
      for (const a of n.aliases) {
        expect(a).toBe(a.toLowerCase())
        expect(ids.has(a)).toBe(false)
      }
      expect(n.confirmations).toBeGreaterThanOrEqual(1)
      if (n.family === 'evm') {
        expect(n.id).toBe(`eip155:${n.chainId}`)
        expect(n.nativeDecimals).toBe(18)
      } else {
        expect(n.chainId).toBeUndefined()
        expect(n.nativeSymbol).toBe('SOL')
        expect(n.nativeDecimals).toBe(9)
      }
      if (n.local) expect(n.testnet).toBe(true)
    }
  })

  it('is frozen', () => {
    const eth = resolveNetwork('ethereum')
    expect(Object.isFrozen(eth)).toBe(true)
    expect(Object.isFrozen(eth.aliases)).toBe(true)
    expect(() => {
      eth.confirmations = 99
    }).toThrow(TypeError)
    listNetworks().pop()
    expect(listNetworks()).toHaveLength(17)
  })

  it('resolves aliases case-insensitively', () => {
    const cases: Array<[string, string]> = [
      ['ethereum', 'eip155:1'],
      ['mainnet', 'eip155:1'],
      ['ETH', 'eip155:1'],
      ['sepolia', 'eip155:11155111'],
      ['base', 'eip155:8453'],
      ['Base-Sepolia', 'eip155:84532'],
      ['arbitrum', 'eip155:42161'],
      ['arbitrum-sepolia', 'eip155:421614'],
      ['optimism', 'eip155:10'],
      ['op-sepolia', 'eip155:11155420'],
      ['polygon', 'eip155:137'],
      ['polygon-amoy', 'eip155:80002'],
      ['bnb', 'eip155:56'],
      ['BSC', 'eip155:56'],
      ['bnb-testnet', 'eip155:97'],
      ['evm-local', EVM_LOCAL_ID],
      ['solana', 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp'],
      ['solana-mainnet', 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp'],
      ['solana-devnet', 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1'],
      ['solana-testnet', 'solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z'],
      ['Solana-Local', SOLANA_LOCAL_ID],
    ]
    for (const [alias, id] of cases) expect(resolveNetwork(alias).id, alias).toBe(id)
  })

  it('resolves CAIP-2 ids exactly', () => {
    for (const n of listNetworks()) expect(resolveNetwork(n.id)).toBe(n)
    expect(resolveNetwork('eip155:8453').name).toBe('Base')
    expect(resolveNetwork('eip155:31337')).toMatchObject({ local: true, defaultRpcUrl: 'http://127.0.0.1:8545', confirmations: 1 })
    expect(resolveNetwork(SOLANA_LOCAL_ID)).toMatchObject({ local: true, defaultRpcUrl: 'http://127.0.0.1:8899' })
    // the Solana reference is case-sensitive base58: a lower-cased id is not the same network
    expect(catchErr(() => resolveNetwork('solana:5EYKT4USFV8P8NJDTREPY1VZQKQZKVDP')).code).toBe('NETWORK_UNKNOWN')
  })

  it('rejects unknown networks with NETWORK_UNKNOWN, listing known aliases and suggesting a close one', () => {
    for (const bad of ['eip155:5', 'eip155:01', 'goerli', '', 'solana:', 'EIP155:1', ' base']) {
      const err = catchErr(() => resolveNetwork(bad))
      expect(err.code, bad).toBe('NETWORK_UNKNOWN')
      expect(err.details.network).toBe(bad)
      expect(err.details.known).toEqual(expect.arrayContaining(['ethereum', 'base', 'solana', 'evm-local', 'solana-local']))
    }
    const typo = catchErr(() => resolveNetwork('base-sepola'))
    expect(typo.details.suggestion).toBe('base-sepolia')
    expect(typo.message).toContain('did you mean "base-sepolia"')
    expect(catchErr(() => resolveNetwork('base_sepolia')).details.suggestion).toBe('base-sepolia')
    expect(catchErr(() => resolveNetwork('zzzzzzzzzz')).details.suggestion).toBeUndefined()
  })

  it('has no bare devnet/testnet alias (ambiguous with `waiaas devnet`)', () => {
    expect(catchErr(() => resolveNetwork('devnet')).code).toBe('NETWORK_UNKNOWN')
    expect(catchErr(() => resolveNetwork('testnet')).code).toBe('NETWORK_UNKNOWN')
  })

  it('maps Solana confirmations to commitment levels', () => {
    expect(solanaCommitment(resolveNetwork('solana'))).toBe('finalized')
    expect(solanaCommitment(resolveNetwork('solana-devnet'))).toBe('confirmed')
    expect(solanaCommitment(resolveNetwork('solana-local'))).toBe('confirmed')
  })

  it('assertFamily passes the right family and reports NETWORK_MISMATCH otherwise', () => {
    expect(() => assertFamily(resolveNetwork('base'), 'evm')).not.toThrow()
    expect(() => assertFamily(resolveNetwork('solana-local'), 'solana')).not.toThrow()
    const err = catchErr(() => assertFamily(resolveNetwork('base'), 'solana'))
    expect(err.code).toBe('NETWORK_MISMATCH')
    expect(err.details).toEqual({ field: 'network', network: 'eip155:8453', family: 'evm', expected: 'solana' })
    expect(err.message).toContain('is an EVM network')
    const err2 = catchErr(() => assertFamily(resolveNetwork('solana'), 'evm', 'wallet'))
    expect(err2.details).toMatchObject({ field: 'wallet', family: 'solana', expected: 'evm' })
  })
})

describe('redactUrl', () => {
  it('hides credentials', () => {
    const out = redactUrl('https://user:secret@rpc.example.com/path')
    expect(out).not.toContain('secret')
    expect(out).not.toContain('user')
    expect(out).toBe('https://***@rpc.example.com/path')
    expect(redactUrl('wss://token@ws.example.com')).toBe('wss://***@ws.example.com')
  })

  it('hides Alchemy, Infura, QuickNode and Ankr style path keys', () => {
    const alchemyKey = 'kX9f_3bQe-Lm2Pz7Yw8cVt4RsUo1NhJa'
    expect(redactUrl(`https://eth-mainnet.g.alchemy.com/v2/${alchemyKey}`)).toBe('https://eth-mainnet.g.alchemy.com/v2/***')
    expect(redactUrl('https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161')).toBe('https://mainnet.infura.io/v3/***')
    expect(redactUrl('https://falling-proud-sunset.quiknode.pro/0f3e1b2c4d5a6978877665544332211000aabbcc/')).toBe(
      'https://falling-proud-sunset.quiknode.pro/***/',
    )
    expect(redactUrl(`https://rpc.ankr.com/eth/${'ab12'.repeat(16)}`)).toBe('https://rpc.ankr.com/eth/***')
    // a key without digits is still hidden when it is not plain words
    expect(redactUrl('https://x.example/v2/AbCdEfGhIjKlMnOpQrStUvWxYz')).toBe('https://x.example/v2/***')
  })

  it('hides key-like query parameters and keeps harmless ones', () => {
    expect(redactUrl('https://mainnet.helius-rpc.com/?api-key=6f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8')).toBe('https://mainnet.helius-rpc.com/?api-key=***')
    expect(redactUrl('https://rpc.example.com/?apikey=short&chain=1')).toBe('https://rpc.example.com/?apikey=***&chain=1')
    expect(redactUrl('https://rpc.example.com/x?access_token=abc')).toBe('https://rpc.example.com/x?access_token=***')
    expect(redactUrl('https://rpc.example.com/?id=Zx81Kq02Lm93Nb74Vc65')).toBe('https://rpc.example.com/?id=***')
  })

  it('leaves URLs without secrets as written', () => {
    for (const u of [
      'http://127.0.0.1:8545',
      'http://127.0.0.1:8899/',
      'https://api.mainnet-beta.solana.com',
      'https://ethereum-sepolia-rpc.publicnode.com',
      'https://sepolia-rollup.arbitrum.io/rpc',
      'https://data-seed-prebsc-1-s1.bnbchain.org:8545',
      'http://[::1]:8545/rpc?timeout=30',
    ]) {
      expect(redactUrl(u)).toBe(u)
    }
    for (const n of listNetworks()) if (n.defaultRpcUrl !== null) expect(redactUrl(n.defaultRpcUrl)).toBe(n.defaultRpcUrl)
  })

  it('redacts unparseable and authority-less input by pattern', () => {
    expect(redactUrl('user:secret@host:8545')).toBe('***@host:8545')
    expect(redactUrl('not a url 9aa3d95b3bc440fa88ea12eaa4456161')).toBe('not a url ***')
    expect(redactUrl('https://u:p@[bad')).not.toContain('u:p')
  })
})

describe('address shapes', () => {
  const evmAddr = '0x52908400098527886E0F7030069857D2E4169EE7'
  const solAddr = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM'

  it('recognises EVM and Solana shapes', () => {
    expect(isEvmAddressShape(evmAddr)).toBe(true)
    expect(isEvmAddressShape(evmAddr.toLowerCase())).toBe(true)
    expect(isEvmAddressShape(evmAddr.slice(0, -1))).toBe(false)
    expect(isEvmAddressShape(`${evmAddr}0`)).toBe(false)
    expect(isEvmAddressShape(evmAddr.slice(2))).toBe(false)
    expect(isEvmAddressShape(`0x${'g'.repeat(40)}`)).toBe(false)
    expect(isSolanaAddressShape(solAddr)).toBe(true)
    expect(isSolanaAddressShape('11111111111111111111111111111111')).toBe(true)
    expect(isSolanaAddressShape(`${solAddr.slice(0, -1)}0`)).toBe(false)
    expect(isSolanaAddressShape('1'.repeat(31))).toBe(false)
    expect(isSolanaAddressShape('1'.repeat(45))).toBe(false)
    expect(isSolanaAddressShape(evmAddr)).toBe(false)
  })

  it('assertAddressShape throws INPUT_INVALID_ADDRESS naming what was expected', () => {
    expect(() => assertAddressShape('evm', evmAddr)).not.toThrow()
    expect(() => assertAddressShape('solana', solAddr)).not.toThrow()
    const e1 = catchErr(() => assertAddressShape('evm', solAddr))
    expect(e1.code).toBe('INPUT_INVALID_ADDRESS')
    expect(e1.details).toEqual({ field: 'to', family: 'evm' })
    expect(e1.message).toContain('0x followed by 40 hex digits')
    expect(e1.message).toContain('looks like a Solana address')
    const e2 = catchErr(() => assertAddressShape('solana', evmAddr, 'spender'))
    expect(e2.details).toEqual({ field: 'spender', family: 'solana' })
    expect(e2.message).toContain('base58')
    expect(catchErr(() => assertAddressShape('evm', '')).message).toContain('empty')
  })
})
