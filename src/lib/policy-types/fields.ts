/**
 * What a policy type's rule field can hold, and the helpers the type modules declare their fields with. Pure data
 * (no zod, no ethers): the CLI builds `policy create`'s flags and help from it, and src/lib/rule-schemas.ts builds
 * the validators and the advertised JSON Schema from it.
 */

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Day = (typeof DAYS)[number]

/** The longest wait a rule may set (delays, windows, approval timeouts), in seconds. */
export const THIRTY_DAYS = 30 * 86_400

/** What a field holds. Every kind has one validator in rule-schemas.ts and one flag shape in `policy create`. */
export type RuleValue =
  /** A decimal amount of USD, at most 6 decimal places (a JSON number or a decimal string; stored as the string). */
  | { kind: 'usd' }
  /** A decimal amount in the network's native unit, or in a token's units (stored as the string). */
  | { kind: 'amount' }
  | { kind: 'address' }
  | { kind: 'list'; of: 'address' | 'network' | 'day'; min?: number }
  | { kind: 'enum'; values: readonly [string, ...string[]] }
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  /** A length of time in whole seconds: a number, or the duration grammar ("5m", "1.5h"; src/lib/durations.ts). */
  | { kind: 'seconds'; min: number; max: number }
  /** "HH:MM", 24 h; `allow24` accepts "24:00" too. */
  | { kind: 'clock'; allow24: boolean }
  | { kind: 'timezone' }
  /** An object: contract address → list of selectors or function signatures. */
  | { kind: 'selectors' }
  /** A list of { token, max_amount }. */
  | { kind: 'limits' }
  /** A list of typed-data domains { name?, version?, chainId?, verifyingContract? }. */
  | { kind: 'domains' }

export type RuleField = RuleValue & {
  /** One line: what it does, its unit and its default. */
  doc: string
  required?: true
  /** Filled in when absent (the stored rules are explicit). */
  default?: string | boolean | readonly []
  /**
   * The `policy create` flag when it is not the kebab-case of the field: the USD and native-unit fields of
   * SPENDING_LIMIT share one (`--instant-max`), USD unless `--native` (or `--token`) is given.
   */
  flag?: string
  /** Which side of a shared flag this field is. */
  unit?: 'usd' | 'native'
}

/** A type's rule fields, in the order help shows them. */
export type RuleFields = Record<string, RuleField>

export const usd = <F extends string>(flag: F, doc: string) => ({ kind: 'usd', flag, unit: 'usd', doc: `${doc} (USD, ≤ 6 decimals)` }) as const
export const native = <F extends string>(flag: F, doc: string) => ({ kind: 'amount', flag, unit: 'native', doc: `${doc} (native unit, or --token's units)` }) as const
export const delaySeconds = { kind: 'seconds', min: 1, max: THIRTY_DAYS, doc: 'How long a DELAY waits, e.g. 300 or 5m (default 900 s when the tier is DELAY)' } as const
export const tier = <const V extends readonly [string, ...string[]]>(values: V, doc: string) => ({ kind: 'enum', values, required: true, doc }) as const
export const tierOr = <const V extends readonly [string, ...string[]]>(values: V, dflt: V[number], doc: string) =>
  ({ kind: 'enum', values, default: dflt, doc: `${doc} (default ${dflt})` }) as const
export const addresses = (doc: string) => ({ kind: 'list', of: 'address', required: true, doc }) as const

/** The value a field of a kind holds once validated. */
type ValueOf<F> = F extends { kind: 'usd' | 'amount' | 'address' | 'clock' | 'timezone' }
  ? string
  : F extends { kind: 'list'; of: 'day' }
    ? Day[]
    : F extends { kind: 'list' }
      ? string[]
      : F extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : F extends { kind: 'bool' }
          ? boolean
          : F extends { kind: 'int' | 'seconds' }
            ? number
            : F extends { kind: 'selectors' }
              ? Record<string, string[]>
              : F extends { kind: 'limits' }
                ? { token: string; max_amount: string }[]
                : F extends { kind: 'domains' }
                  ? { name?: string | undefined; version?: string | undefined; chainId?: string | undefined; verifyingContract?: string | undefined }[]
                  : never
type Always<F> = F extends { required: true } ? true : F extends { default: unknown } ? true : false

/** Rules with these fields as the schema returns them, before normalisation. */
export type ParsedFields<Fs> = { [K in keyof Fs as Always<Fs[K]> extends true ? K : never]: ValueOf<Fs[K]> } & {
  [K in keyof Fs as Always<Fs[K]> extends true ? never : K]?: ValueOf<Fs[K]> | undefined
}
