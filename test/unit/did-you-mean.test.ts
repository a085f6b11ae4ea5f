/** The suggestion an unknown command gets (src/hooks/not-found.ts prints it; test/e2e/cli-habits.test.ts runs it). */
import { describe, expect, it } from 'vitest'
import { didYouMean } from '../../src/cli/did-you-mean.js'

const KNOWN = ['wallet', 'wallet:list', 'wallet:show', 'mcp', 'mcp:setup', 'policy', 'policy:add', 'policy:update', 'status', 'tx', 'tx:list']

describe('didYouMean', () => {
  it('finds the command a typo meant, comparing as many words as the command has', () => {
    expect(didYouMean('walet:list', KNOWN)).toBe('wallet:list')
    expect(didYouMean('wallet:shw:main', KNOWN)).toBe('wallet:show')
    expect(didYouMean('mcp:setp', KNOWN)).toBe('mcp:setup')
    expect(didYouMean('walet', KNOWN)).toBe('wallet')
    expect(didYouMean('stat', KNOWN)).toBe('status')
  })

  it('prefers explaining more words over an exact first word alone', () => {
    expect(didYouMean('wallet:lst', KNOWN)).toBe('wallet:list')
    expect(didYouMean('wallet:frobnicate', KNOWN)).toBe('wallet')
  })

  it('suggests nothing when nothing is close', () => {
    expect(didYouMean('frobnicate', KNOWN)).toBeUndefined()
    expect(didYouMean('zz', KNOWN)).toBeUndefined()
    expect(didYouMean('tz', KNOWN)).toBe('tx')
  })
})
