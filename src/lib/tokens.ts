/**
 * The well-known tokens of the built-in networks: what `--token USDC` means on each. Pure data, no I/O; the daemon's
 * token registry (src/daemon/token-registry.ts) adds the tokens the operator registered.
 *
 * Sources (looked up 2026-12-07): USDC on every network — Circle's list,
 * https://developers.circle.com/stablecoins/usdc-contract-addresses (mainnets; Ethereum Sepolia, Base Sepolia,
 * Arbitrum Sepolia and Solana devnet for the testnets). USDT, WETH and DAI on Ethereum and the rollups — the on-chain
 * verified list https://skills.sh/austintgriffith/ethskills/addresses (checked with eth_getCode and symbol(), 2026-03)
 * and the Uniswap default token list (tokens.uniswap.org); on Polygon PoS, Polygon's PoS-bridge tokens as listed by
 * CoinGecko's polygon-pos platform. USDT on Solana — Tether's SPL mint (tether.to, supported protocols).
 * Addresses are EIP-55 checksummed (test/tokens/registry.test.ts checks them).
 */

export interface KnownToken {
  /** CAIP-2 network id, as in src/lib/networks.ts. */
  network: string
  /** ERC-20 contract (checksummed) or SPL mint (base58). */
  address: string
  symbol: string
  decimals: number
  name: string
}

type Row = readonly [symbol: string, address: string, decimals: number, name: string]

const USDC = 'USD Coin'
const USDT = 'Tether USD'
const WETH = 'Wrapped Ether'
const DAI = 'Dai Stablecoin'

const BY_NETWORK: Record<string, readonly Row[]> = {
  'eip155:1': [
    ['USDC', '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', 6, USDC],
    ['USDT', '0xdAC17F958D2ee523a2206206994597C13D831ec7', 6, USDT],
    ['WETH', '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', 18, WETH],
    ['DAI', '0x6B175474E89094C44Da98b954EedeAC495271d0F', 18, DAI],
  ],
  'eip155:8453': [
    ['USDC', '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', 6, USDC],
    ['USDT', '0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2', 6, USDT],
    ['WETH', '0x4200000000000000000000000000000000000006', 18, WETH],
    ['DAI', '0x50c5725949A6F0c72E6C4a641F24049A917DB0Cb', 18, DAI],
  ],
  'eip155:42161': [
    ['USDC', '0xaf88d065e77c8cC2239327C5EDb3A432268e5831', 6, USDC],
    ['USDT', '0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9', 6, USDT],
    ['WETH', '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1', 18, WETH],
    ['DAI', '0xDA10009cBd5D07dd0CeCc66161FC93D7c9000da1', 18, DAI],
  ],
  'eip155:10': [
    ['USDC', '0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85', 6, USDC],
    ['USDT', '0x94b008aA00579c1307B0EF2c499aD98a8ce58e58', 6, USDT],
    ['WETH', '0x4200000000000000000000000000000000000006', 18, WETH],
    ['DAI', '0xDA10009cBd5D07dd0CeCc66161FC93D7c9000da1', 18, DAI],
  ],
  'eip155:137': [
    ['USDC', '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359', 6, USDC],
    ['USDT', '0xc2132D05D31c914a87C6611C10748AEb04B58e8F', 6, USDT],
    ['WETH', '0x7ceB23fD6bC0adD59E62ac25578270cFf1b9f619', 18, WETH],
    ['DAI', '0x8f3Cf7ad23Cd3CaDbD9735AFf958023239c6A063', 18, DAI],
  ],
  'eip155:11155111': [['USDC', '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238', 6, USDC]],
  'eip155:84532': [['USDC', '0x036CbD53842c5426634e7929541eC2318f3dCF7e', 6, USDC]],
  'eip155:421614': [['USDC', '0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d', 6, USDC]],
  'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp': [
    ['USDC', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', 6, USDC],
    ['USDT', 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB', 6, USDT],
  ],
  'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1': [['USDC', '4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU', 6, USDC]],
}

/** The built-in tokens of `network` (a CAIP-2 id), in a stable order; none for a network without a list. */
export function knownTokens(network: string): KnownToken[] {
  return (BY_NETWORK[network] ?? []).map(([symbol, address, decimals, name]) => ({ network, address, symbol, decimals, name }))
}

/** Every built-in token of every network. */
export function allKnownTokens(): KnownToken[] {
  return Object.keys(BY_NETWORK).flatMap(knownTokens)
}

/**
 * Whether `ref` reads as a symbol rather than an address: not 0x-prefixed and too short for a Solana address (32+
 * base58 characters). Symbols are 1-20 letters, digits and `.`, `-`, `_`, `+`, `$` (USDC.e, USD+, cbBTC).
 */
export function looksLikeSymbol(ref: string): boolean {
  return /^[A-Za-z0-9$][A-Za-z0-9.\-_+$]{0,19}$/.test(ref) && !/^0x/i.test(ref)
}
