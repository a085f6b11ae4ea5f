/**
 * Chainlink-style aggregator feeds (AggregatorV3Interface) as a price source: one feed per asset, read with eth_call
 * on the network where the feed lives (which need not be the asset's: an ETH/USD feed on Ethereum can price ETH on
 * Base). The answer is scaled from the feed's decimals to usdE18 exactly (rounded up past 18 decimals), `at` is the
 * round's updatedAt, and an answer ≤ 0 or a round never updated gives no price.
 *
 * decimals() is read once per feed (it is immutable in Chainlink's proxies); latestRoundData() every time. RPC
 * failures propagate, so the service records them and falls through to the next source.
 */
import { Interface } from 'ethers'
import { assetKey, type AssetRef, type PriceQuote, type PriceSource } from './types.js'
import { scaleToE18 } from './usd.js'

/** Where an asset's feed lives. */
export interface ChainlinkFeed {
  network: string
  address: string
}

/** The eth_call access the source needs; `call` resolves to the raw return data (0x hex). */
export interface EvmCaller {
  call(to: string, data: string): Promise<string>
}

/** Resolves to null when the daemon has no RPC for `network`. */
export type EvmRpcResolver = (network: string) => Promise<EvmCaller | null>

export const AGGREGATOR_ABI = new Interface([
  'function decimals() view returns (uint8)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
])

export class ChainlinkSource implements PriceSource {
  readonly name = 'chainlink'
  /** Why the last lookup of a configured feed gave no price; null after a success. */
  lastError: string | null = null
  private readonly feeds = new Map<string, ChainlinkFeed>()
  private readonly decimals = new Map<string, number>()

  /** `feeds` keys are "<caip2>/native" or "<caip2>/<token>" (EVM tokens in any case). */
  constructor(feeds: Record<string, ChainlinkFeed>, private readonly evmRpc: EvmRpcResolver) {
    for (const [key, feed] of Object.entries(feeds)) {
      const slash = key.indexOf('/')
      const token = key.slice(slash + 1)
      this.feeds.set(assetKey({ network: key.slice(0, slash), token: token === 'native' ? null : token }), { network: feed.network, address: feed.address.toLowerCase() })
    }
  }

  async quote(asset: AssetRef): Promise<PriceQuote | null> {
    const feed = this.feeds.get(assetKey(asset))
    if (feed === undefined) return null
    const none = (why: string): null => {
      this.lastError = why
      return null
    }
    const rpc = await this.evmRpc(feed.network)
    if (rpc === null) return none(`no RPC for ${feed.network}, where the feed of ${assetKey(asset)} lives`)
    const [decimals, round] = await Promise.all([this.feedDecimals(rpc, feed), rpc.call(feed.address, AGGREGATOR_ABI.encodeFunctionData('latestRoundData'))])
    const r = AGGREGATOR_ABI.decodeFunctionResult('latestRoundData', round)
    const answer = r.getValue('answer') as bigint
    const updatedAt = r.getValue('updatedAt') as bigint
    if (answer <= 0n) return none(`the feed ${feed.address} answered ${answer}, not a positive price`)
    if (updatedAt === 0n) return none(`the feed ${feed.address} has no completed round`)
    // A uint256 timestamp beyond any real date is garbage; the service's future-skew check would refuse it anyway.
    if (updatedAt > 10n ** 13n) return none(`the feed ${feed.address} reported an impossible updatedAt`)
    this.lastError = null
    return { usdE18: scaleToE18(answer, decimals), at: Number(updatedAt) * 1000, source: this.name }
  }

  private async feedDecimals(rpc: EvmCaller, feed: ChainlinkFeed): Promise<number> {
    const key = `${feed.network}/${feed.address}`
    const hit = this.decimals.get(key)
    if (hit !== undefined) return hit
    const raw = await rpc.call(feed.address, AGGREGATOR_ABI.encodeFunctionData('decimals'))
    const d = Number(AGGREGATOR_ABI.decodeFunctionResult('decimals', raw)[0] as bigint)
    this.decimals.set(key, d)
    return d
  }
}
