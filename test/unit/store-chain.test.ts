import { describe, expect, it } from 'vitest'
import { SCHEMA_VERSION } from '../../src/daemon/store/db.js'
import { listNetworkSettings, setNetworkSetting } from '../../src/daemon/store/network-settings.js'
import { sqliteNonceStore } from '../../src/daemon/store/nonces.js'
import { useTempDb } from '../helpers/db.js'

const t = useTempDb()
const ADDR = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'

describe('evm nonce store', () => {
  it('persists per chain and account, case-insensitively, exactly as the nonce manager says', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2)
    const s = sqliteNonceStore(t.db)
    expect(s.load(31337, ADDR)).toBeUndefined()
    s.save(31337, ADDR, 5n)
    expect(s.load(31337, ADDR.toLowerCase())).toBe(5n)
    expect(s.load(1, ADDR)).toBeUndefined()
    s.save(31337, ADDR, 4n) // the highest nonce was released: the next one goes back down, leaving no gap
    expect(s.load(31337, ADDR)).toBe(4n)
    s.save(31337, ADDR, 6n)
    expect(sqliteNonceStore(t.db).load(31337, ADDR)).toBe(6n)
  })

  it('refuses a negative nonce at the schema level', () => {
    expect(() => sqliteNonceStore(t.db).save(1, ADDR, -1n)).toThrow(/CHECK/)
  })
})

describe('network settings', () => {
  it('patches fields independently and clears with null', () => {
    setNetworkSetting(t.db, 'eip155:31337', { rpcUrl: 'http://127.0.0.1:9' })
    setNetworkSetting(t.db, 'eip155:31337', { confirmations: 3 })
    expect(listNetworkSettings(t.db).get('eip155:31337')).toMatchObject({ rpcUrl: 'http://127.0.0.1:9', confirmations: 3 })
    setNetworkSetting(t.db, 'eip155:31337', { rpcUrl: null })
    expect(listNetworkSettings(t.db).get('eip155:31337')).toMatchObject({ rpcUrl: null, confirmations: 3 })
    expect(() => setNetworkSetting(t.db, 'eip155:1', { confirmations: -1 })).toThrow(/CHECK/)
  })
})
