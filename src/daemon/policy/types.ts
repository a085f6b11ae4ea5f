/**
 * The policy engine's vocabulary. It lives in src/lib/policy-types/model.ts, next to the policy type modules that
 * check requests with it (the CLI loads those modules for their fields, so they import nothing from the daemon).
 */
export * from '../../lib/policy-types/model.js'
export { POLICY_TYPES } from '../../lib/policy-types/index.js'
