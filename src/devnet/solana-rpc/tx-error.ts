/**
 * litesvm's transaction errors → Solana's JSON shape (`"BlockhashNotFound"`, `{"InstructionError":[0,{"Custom":1}]}`)
 * and its Display text ("Error processing Instruction 0: custom program error: 0x1"), as agave prints them.
 */
import type { FailedTransactionMetadata } from 'litesvm'

/** Order of litesvm's `TransactionErrorFieldless` const enum (internal.d.ts). */
const TX_FIELDLESS = [
  'AccountInUse', 'AccountLoadedTwice', 'AccountNotFound', 'ProgramAccountNotFound', 'InsufficientFundsForFee',
  'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound', 'CallChainTooDeep', 'MissingSignatureForFee',
  'InvalidAccountIndex', 'SignatureFailure', 'InvalidProgramForExecution', 'SanitizeFailure', 'ClusterMaintenance',
  'AccountBorrowOutstanding', 'WouldExceedMaxBlockCostLimit', 'UnsupportedVersion', 'InvalidWritableAccount',
  'WouldExceedMaxAccountCostLimit', 'WouldExceedAccountDataBlockLimit', 'TooManyAccountLocks', 'AddressLookupTableNotFound',
  'InvalidAddressLookupTableOwner', 'InvalidAddressLookupTableData', 'InvalidAddressLookupTableIndex', 'InvalidRentPayingAccount',
  'WouldExceedMaxVoteCostLimit', 'WouldExceedAccountDataTotalLimit', 'MaxLoadedAccountsDataSizeExceeded', 'ResanitizationNeeded',
  'InvalidLoadedAccountsDataSizeLimit', 'UnbalancedTransaction', 'ProgramCacheHitMaxLimit', 'CommitCancelled',
] as const

/** Order of litesvm's `InstructionErrorFieldless` const enum. */
const IX_FIELDLESS = [
  'GenericError', 'InvalidArgument', 'InvalidInstructionData', 'InvalidAccountData', 'AccountDataTooSmall', 'InsufficientFunds',
  'IncorrectProgramId', 'MissingRequiredSignature', 'AccountAlreadyInitialized', 'UninitializedAccount', 'UnbalancedInstruction',
  'ModifiedProgramId', 'ExternalAccountLamportSpend', 'ExternalAccountDataModified', 'ReadonlyLamportChange', 'ReadonlyDataModified',
  'DuplicateAccountIndex', 'ExecutableModified', 'RentEpochModified', 'NotEnoughAccountKeys', 'AccountDataSizeChanged',
  'AccountNotExecutable', 'AccountBorrowFailed', 'AccountBorrowOutstanding', 'DuplicateAccountOutOfSync', 'InvalidError',
  'ExecutableDataModified', 'ExecutableLamportChange', 'ExecutableAccountNotRentExempt', 'UnsupportedProgramId', 'CallDepth',
  'MissingAccount', 'ReentrancyNotAllowed', 'MaxSeedLengthExceeded', 'InvalidSeeds', 'InvalidRealloc', 'ComputationalBudgetExceeded',
  'PrivilegeEscalation', 'ProgramEnvironmentSetupFailure', 'ProgramFailedToComplete', 'ProgramFailedToCompile', 'Immutable',
  'IncorrectAuthority', 'AccountNotRentExempt', 'InvalidAccountOwner', 'ArithmeticOverflow', 'UnsupportedSysvar', 'IllegalOwner',
  'MaxAccountsDataAllocationsExceeded', 'MaxAccountsExceeded', 'MaxInstructionTraceLengthExceeded',
  'BuiltinProgramsMustConsumeComputeUnits', 'BorshIoError',
] as const

const TX_TEXT: Record<string, string> = {
  AccountInUse: 'Account in use',
  AccountLoadedTwice: 'Account loaded twice',
  AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
  ProgramAccountNotFound: 'Attempt to load a program that does not exist',
  InsufficientFundsForFee: 'Insufficient funds for fee',
  InvalidAccountForFee: 'This account may not be used to pay transaction fees',
  AlreadyProcessed: 'This transaction has already been processed',
  BlockhashNotFound: 'Blockhash not found',
  SignatureFailure: 'Transaction did not pass signature verification',
  SanitizeFailure: 'Transaction failed to sanitize accounts offsets correctly',
  MissingSignatureForFee: 'Transaction requires a fee but has no signature present',
  InvalidProgramForExecution: 'This program may not be used for executing instructions',
}

const IX_TEXT: Record<string, string> = {
  GenericError: 'generic instruction error',
  InvalidArgument: 'invalid program argument',
  InvalidInstructionData: 'invalid instruction data',
  InvalidAccountData: 'invalid account data for instruction',
  AccountDataTooSmall: 'account data too small for instruction',
  InsufficientFunds: 'insufficient funds for instruction',
  IncorrectProgramId: 'incorrect program id for instruction',
  MissingRequiredSignature: 'missing required signature for instruction',
  AccountAlreadyInitialized: 'instruction requires an uninitialized account',
  UninitializedAccount: 'instruction requires an initialized account',
  ComputationalBudgetExceeded: 'Computational budget exceeded',
  InvalidAccountOwner: 'Invalid account owner',
  ArithmeticOverflow: 'Program arithmetic overflowed',
  IllegalOwner: 'Provided owner is not allowed',
}

/** A transaction error in Solana's JSON encoding plus its human text. */
export interface TxError {
  json: unknown
  text: string
}

export const txErrorFromName = (name: string): TxError => ({ json: name, text: TX_TEXT[name] ?? name })

type RawErr = ReturnType<FailedTransactionMetadata['err']>

function instructionError(inner: unknown): TxError {
  if (typeof inner === 'number') {
    const name = IX_FIELDLESS[inner] ?? `InstructionError${inner}`
    return { json: name, text: IX_TEXT[name] ?? name }
  }
  if (inner !== null && typeof inner === 'object' && 'code' in inner && typeof inner.code === 'number') {
    return { json: { Custom: inner.code }, text: `custom program error: 0x${inner.code.toString(16)}` }
  }
  if (inner !== null && typeof inner === 'object' && 'msg' in inner) {
    return { json: { BorshIoError: String(inner.msg) }, text: `Failed to serialize or deserialize account data: ${String(inner.msg)}` }
  }
  return { json: 'GenericError', text: String(inner) }
}

/** Converts litesvm's error object to Solana's JSON and text. */
export function convertTxError(err: RawErr): TxError {
  if (typeof err === 'number') return txErrorFromName(TX_FIELDLESS[err] ?? `TransactionError${err}`)
  const kind = err.constructor.name
  if (kind === 'TransactionErrorInstructionError' && 'err' in err) {
    const ix = instructionError(err.err())
    return { json: { InstructionError: [err.index, ix.json] }, text: `Error processing Instruction ${err.index}: ${ix.text}` }
  }
  if (kind === 'TransactionErrorInsufficientFundsForRent' && 'accountIndex' in err) {
    return {
      json: { InsufficientFundsForRent: { account_index: err.accountIndex } },
      text: `Transaction results in an account (${err.accountIndex}) with insufficient funds for rent`,
    }
  }
  if (kind === 'TransactionErrorDuplicateInstruction' && 'index' in err) {
    return { json: { DuplicateInstruction: err.index }, text: `Transaction contains a duplicate instruction (${err.index}) that is not allowed` }
  }
  if ('accountIndex' in err) {
    return {
      json: { ProgramExecutionTemporarilyRestricted: { account_index: err.accountIndex } },
      text: `Execution of the program referenced by account at index ${err.accountIndex} is temporarily restricted.`,
    }
  }
  return { json: 'GenericError', text: String(err) }
}

/** True when a failed transaction still executed and was committed (fee charged, recorded in a block). */
export function isCommittedFailure(err: TxError): boolean {
  return typeof err.json === 'object' && err.json !== null && ('InstructionError' in err.json || 'InsufficientFundsForRent' in err.json)
}
