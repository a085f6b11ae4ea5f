// Pays with an agent session through the TypeScript SDK: a policy-checked transfer, waited for until it is final.
//
//   npm run build        (the package's own `waiaas/sdk` export resolves to dist/)
//   WAIAAS_SESSION_TOKEN_FILE=./agent.token node examples/pay.mjs hot evm-local 0x8ba1f109551bD432803012645Ac136ddd64DBA72 0.001
import { Waiaas, WaiaasError } from 'waiaas/sdk'

const [wallet, network, to, amount] = process.argv.slice(2)
const agent = new Waiaas() // the daemon's socket, as the CLI finds it; the session token from the environment
try {
  const req = await agent.tx.send({ wallet, network, to, amount })
  console.log('tier', req.tier, 'state', req.state) // APPROVAL: the operator runs `waiaas tx approve <id>`
  const done = await agent.tx.wait({ id: req.id, timeoutMs: 120_000 })
  console.log(done.state, done.txHash)
  process.exitCode = done.state === 'confirmed' ? 0 : 1
} catch (e) {
  if (!(e instanceof WaiaasError)) throw e
  console.error(e.code, JSON.stringify(e.details), e.hint) // POLICY_DENIED names the rule in e.details
  process.exitCode = 2
} finally {
  agent.close()
}
