/**
 * SPL Token and Token-2022 account layouts, decoded into the `jsonParsed` shape a real node returns
 * ({ program: 'spl-token', parsed: { type: 'account' | 'mint', info }, space }).
 */
import { PublicKey } from '@solana/web3.js'

export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'
export const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb'
export const isTokenProgram = (owner: string): boolean => owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM
const programName = (owner: string): string => (owner === TOKEN_PROGRAM ? 'spl-token' : 'spl-token-2022')

const ACCOUNT_LEN = 165
const MINT_LEN = 82
const MULTISIG_LEN = 355

export interface TokenAccountState {
  mint: string
  owner: string
  amount: bigint
  delegate: string | null
  state: 'uninitialized' | 'initialized' | 'frozen'
  isNative: bigint | null
  delegatedAmount: bigint
  closeAuthority: string | null
}

export interface MintState {
  mintAuthority: string | null
  supply: bigint
  decimals: number
  isInitialized: boolean
  freezeAuthority: string | null
}

const key = (d: Buffer, at: number): string => new PublicKey(d.subarray(at, at + 32)).toBase58()
const optKey = (d: Buffer, at: number): string | null => (d.readUInt32LE(at) === 1 ? key(d, at + 4) : null)

/** 'account', 'mint' or null, following spl-token-2022's rule (length, then the account-type byte at 165). */
export function tokenKind(owner: string, data: Uint8Array): 'account' | 'mint' | null {
  if (!isTokenProgram(owner)) return null
  if (data.length === ACCOUNT_LEN) return 'account'
  if (data.length === MINT_LEN) return 'mint'
  if (owner === TOKEN_2022_PROGRAM && data.length > ACCOUNT_LEN && data.length !== MULTISIG_LEN) {
    if (data[ACCOUNT_LEN] === 1) return 'mint'
    if (data[ACCOUNT_LEN] === 2) return 'account'
  }
  return null
}

export function decodeTokenAccount(data: Uint8Array): TokenAccountState {
  const d = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const stateByte = d[108]
  return {
    mint: key(d, 0),
    owner: key(d, 32),
    amount: d.readBigUInt64LE(64),
    delegate: optKey(d, 72),
    state: stateByte === 2 ? 'frozen' : stateByte === 1 ? 'initialized' : 'uninitialized',
    isNative: d.readUInt32LE(109) === 1 ? d.readBigUInt64LE(113) : null,
    delegatedAmount: d.readBigUInt64LE(121),
    closeAuthority: optKey(d, 129),
  }
}

export function decodeMint(data: Uint8Array): MintState {
  const d = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return {
    mintAuthority: optKey(d, 0),
    supply: d.readBigUInt64LE(36),
    decimals: d[44] ?? 0,
    isInitialized: d[45] === 1,
    freezeAuthority: optKey(d, 46),
  }
}

/** Exact decimal string of `amount / 10^decimals` without trailing zeros ("1.5", "0", "42"). */
export function uiAmountString(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString()
  const s = amount.toString().padStart(decimals + 1, '0')
  const whole = s.slice(0, -decimals)
  const frac = s.slice(-decimals).replace(/0+$/, '')
  return frac === '' ? whole : `${whole}.${frac}`
}

/** The node's UiTokenAmount. */
export function tokenAmount(amount: bigint, decimals: number): { amount: string; decimals: number; uiAmount: number; uiAmountString: string } {
  const ui = uiAmountString(amount, decimals)
  return { amount: amount.toString(), decimals, uiAmount: Number(ui), uiAmountString: ui }
}

/** Token-2022 extension names by TLV type, for the `extensions` list (state is not decoded). */
const EXTENSIONS: Record<number, string> = {
  1: 'transferFeeConfig', 2: 'transferFeeAmount', 3: 'mintCloseAuthority', 4: 'confidentialTransferMint',
  5: 'confidentialTransferAccount', 6: 'defaultAccountState', 7: 'immutableOwner', 8: 'memoTransfer',
  9: 'nonTransferable', 10: 'interestBearingConfig', 11: 'cpiGuard', 12: 'permanentDelegate',
  13: 'nonTransferableAccount', 14: 'transferHook', 15: 'transferHookAccount', 18: 'metadataPointer',
  19: 'tokenMetadata', 20: 'groupPointer', 21: 'tokenGroup', 22: 'groupMemberPointer', 23: 'tokenGroupMember',
}

function extensions(data: Uint8Array): Array<{ extension: string }> | undefined {
  if (data.length <= ACCOUNT_LEN + 1) return undefined
  const d = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const out: Array<{ extension: string }> = []
  for (let at = ACCOUNT_LEN + 1; at + 4 <= d.length; ) {
    const type = d.readUInt16LE(at)
    const len = d.readUInt16LE(at + 2)
    if (type === 0) break
    out.push({ extension: EXTENSIONS[type] ?? 'unparseableExtension' })
    at += 4 + len
  }
  return out
}

/** The `jsonParsed` data of a token account or mint; null when the account is neither (the node then falls back to base64). */
export function parseTokenData(owner: string, data: Uint8Array, mintDecimals: (mint: string) => number | null): object | null {
  const kind = tokenKind(owner, data)
  if (kind === null) return null
  const exts = owner === TOKEN_2022_PROGRAM ? extensions(data) : undefined
  let info: Record<string, unknown>
  if (kind === 'mint') {
    const m = decodeMint(data)
    info = { decimals: m.decimals, freezeAuthority: m.freezeAuthority, isInitialized: m.isInitialized, mintAuthority: m.mintAuthority, supply: m.supply.toString() }
  } else {
    const a = decodeTokenAccount(data)
    const decimals = mintDecimals(a.mint)
    if (decimals === null) return null
    info = { isNative: a.isNative !== null, mint: a.mint, owner: a.owner, state: a.state, tokenAmount: tokenAmount(a.amount, decimals) }
    if (a.delegate !== null) Object.assign(info, { delegate: a.delegate, delegatedAmount: tokenAmount(a.delegatedAmount, decimals) })
    if (a.isNative !== null) info['rentExemptReserve'] = tokenAmount(a.isNative, decimals)
    if (a.closeAuthority !== null) info['closeAuthority'] = a.closeAuthority
  }
  if (exts !== undefined) info['extensions'] = exts
  return { program: programName(owner), parsed: { type: kind, info }, space: data.length }
}
