/**
 * ERC-20 as the adapter uses it: the ABI fragments, calldata for transfer and approve, and token info reads
 * (decimals, symbol) that tolerate old tokens whose symbol() returns bytes32.
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
] as const

export const erc20 = new Interface(ERC20_ABI)

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
    call(rpc, token, erc20.encodeFunctionData('decimals')),
    call(rpc, token, erc20.encodeFunctionData('symbol')),
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
  try {
    return String(AbiCoder.defaultAbiCoder().decode(['string'], raw)[0])
  } catch {
    try {
      return decodeBytes32String(raw.slice(0, 66)) // MKR-style bytes32 symbol
    } catch (err) {
      throw notToken(token, 'symbol() is neither string nor bytes32', err)
    }
  }
}

/** balanceOf(owner) of `token`, in the token's minor units. */
export async function readTokenBalance(rpc: EvmRpc, token: string, owner: string): Promise<bigint> {
  const raw = await call(rpc, token, erc20.encodeFunctionData('balanceOf', [owner]))
  if (raw === '0x') throw notToken(token, 'no balanceOf()')
  return BigInt(AbiCoder.defaultAbiCoder().decode(['uint256'], raw)[0] as bigint)
}
