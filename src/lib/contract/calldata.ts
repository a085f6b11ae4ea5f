/** Calldata: encode a contract call to preview it before `tx.call`. Nothing is signed or sent. */
import { z } from 'zod'
import { def, READ_NONE, type MethodDef } from './common.js'
import { txFields } from './schemas.js'

/** The `calldata.*` methods. */
export const calldataMethods = {
  'calldata.encode': def({
    summary: 'Encode an EVM contract call (a function signature and its arguments) into calldata, to preview what tx.call would send. Signs and sends nothing.',
    role: 'public',
    input: z.object({
      function: z.string().min(1).max(1024).describe('A function signature such as "transfer(address,uint256)" (parameter names and the "function" keyword are allowed)'),
      args: txFields.args,
    }),
    output: z.object({
      data: z.string().describe('The calldata as 0x hex: the 4-byte selector, then the ABI-encoded arguments'),
      selector: z.string().describe('The 4-byte function selector as 0x hex'),
      signature: z.string().describe('The canonical signature the selector is the hash of, e.g. "transfer(address,uint256)"'),
    }),
    errors: ['INPUT_INVALID'],
    session: READ_NONE,
    readOnly: true,
  }),
} as const satisfies Record<`calldata.${string}`, MethodDef>
