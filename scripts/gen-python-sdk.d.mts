/** Types of scripts/gen-python-sdk.mjs, for the staleness test. */
export declare const OUT_FILE: string
export declare function snake(name: string): string
export declare function render(args: {
  contract: Record<string, unknown>
  errorCodes: Record<string, unknown>
  protocol: number
  toJSONSchema: (schema: never, opts: { io: 'input' | 'output'; unrepresentable: 'any' }) => unknown
}): string
