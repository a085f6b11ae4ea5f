/**
 * ERC-20, the one module that encodes and decodes it: the ABI fragments, calldata for transfer, approve, balanceOf,
 * allowance, decimals and symbol, the Transfer and Approval log topics, and token info reads (decimals, symbol) that
 * tolerate old tokens whose symbol() returns bytes32. The adapter, the effect simulation (effects.ts) and the
 * incoming-transfer monitor (monitor/evm-scan.ts) all use it.
 */
import { AbiCoder, Interface, decodeBytes32String } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'
import type { EvmRpc } from './provider.js'

/** The ERC-20 functions and the Transfer event, as human-readable fragments. */
export const ERC20_ABI = [
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function decimals() view returns (uint8)',
  'function symbol() view returns (string)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Approval(address indexed owner, address indexed spender, uint256 value)',
] as const

export const erc20 = new Interface(ERC20_ABI)

/** topics[0] of a Transfer log (ERC-20, and ERC-721 with the token id as a 4th topic). */
export const TRANSFER_TOPIC = erc20.getEvent('Transfer')!.topicHash
/** topics[0] of an Approval log (ERC-20, and ERC-721 with the token id as a 4th topic). */
export const APPROVAL_TOPIC = erc20.getEvent('Approval')!.topicHash

/** Calldata of the read-only calls: decimals(), symbol(), balanceOf(owner), allowance(owner, spender). */
export const encodeDecimals = (): string => erc20.encodeFunctionData('decimals')
export const encodeSymbol = (): string => erc20.encodeFunctionData('symbol')
export const encodeAllowance = (owner: string, spender: string): string => erc20.encodeFunctionData('allowance', [owner, spender])

/** The answer of symbol(): an ABI string, or the bytes32 of old tokens (MKR); null when it is neither. */
export function decodeSymbolResult(raw: string): string | null {
  try {
    return String(AbiCoder.defaultAbiCoder().decode(['string'], raw)[0])
  } catch {
    try {
      return decodeBytes32String(raw.slice(0, 66)) // MKR-style bytes32 symbol
    } catch {
      return null
    }
  }
}

export interface TokenInfo {
  symbol: string
  decimals: number
}

/** Calldata of transfer(to, amount). */
export function encodeTransfer(to: string, amount: bigint): string {
  return erc20.encodeFunctionData('transfer', [to, amount])
}

/** Calldata of approve(spender, amount). */
export function encodeApprove(spender: string, amount: bigint): string {
  return erc20.encodeFunctionData('approve', [spender, amount])
}

const notToken = (token: string, what: string, cause?: unknown): WaiaasError =>
  new WaiaasError('INPUT_INVALID_ADDRESS', `${token} does not look like an ERC-20 token (${what})`, {
    details: { field: 'token', value: token },
    ...(cause === undefined ? {} : { cause }),
  })

async function call(rpc: EvmRpc, token: string, data: string): Promise<string> {
  return rpc.read<string>('read token', 'eth_call', [{ to: token, data }, 'latest'], { token })
}

/** decimals() and symbol() of `token`; INPUT_INVALID_ADDRESS when it is not a contract that answers them. */
export async function readTokenInfo(rpc: EvmRpc, token: string): Promise<TokenInfo> {
  const [decRaw, symRaw] = await Promise.all([
    call(rpc, token, encodeDecimals()),
    call(rpc, token, encodeSymbol()),
  ])
  if (decRaw === '0x' || symRaw === '0x') throw notToken(token, 'no decimals() or symbol()')
  let decimals: number
  try {
    decimals = Number(AbiCoder.defaultAbiCoder().decode(['uint8'], decRaw)[0])
  } catch (err) {
    throw notToken(token, 'decimals() is not a uint8', err)
  }
  return { decimals, symbol: decodeSymbol(token, symRaw) }
}

function decodeSymbol(token: string, raw: string): string {
  const symbol = decodeSymbolResult(raw)
  if (symbol === null) throw notToken(token, 'symbol() is neither string nor bytes32')
  return symbol
}

/** balanceOf(owner) of `token`, in the token's minor units. */
export async function readTokenBalance(rpc: EvmRpc, token: string, owner: string): Promise<bigint> {
  const raw = await call(rpc, token, erc20.encodeFunctionData('balanceOf', [owner]))
  if (raw === '0x') throw notToken(token, 'no balanceOf()')
  return BigInt(AbiCoder.defaultAbiCoder().decode(['uint256'], raw)[0] as bigint)
}
