/**
 * The SDK's types come from the contract: a wrong field, a missing one, or an amount given as a number does not
 * compile (each `@ts-expect-error` line fails `npm run typecheck` if the error it expects ever disappears), and
 * results and error codes are typed.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { Waiaas, WaiaasError, type ErrorCode, type Output } from '../../src/sdk/index.js'

describe('SDK types', () => {
  it('checks params and results at compile time', () => {
    const typed = (client: Waiaas): void => {
      void client.tx.send({ wallet: 'w', network: 'anvil', to: '0x0000000000000000000000000000000000000001', amount: '0.01' })
      // @ts-expect-error -- an amount is a decimal string, never a number (floats lose wei)
      void client.tx.send({ wallet: 'w', network: 'anvil', to: '0x0000000000000000000000000000000000000001', amount: 0.01 })
      // @ts-expect-error -- no such field
      void client.tx.send({ wallet: 'w', network: 'anvil', to: '0x0000000000000000000000000000000000000001', amount: '1', amonut: '1' })
      // @ts-expect-error -- `to` is required
      void client.tx.send({ wallet: 'w', network: 'anvil', amount: '1' })
      // @ts-expect-error -- no such method
      void client.tx.sned({})
      // @ts-expect-error -- no such namespace
      void client.txs
      // A method whose one required field is `id` takes the id alone.
      void client.tx.wait('req_1')
      void client.tx.wait({ id: 'req_1', timeoutMs: 5000 })
      // @ts-expect-error -- tx.send needs more than an id
      void client.tx.send('req_1')
      // @ts-expect-error -- an id is a string
      void client.tx.show(1)
      void client.wallet.list()
      void client.wallet.list({})
    }
    expectTypeOf(typed).toBeFunction()
    expectTypeOf<Waiaas['tx']['send']>().returns.resolves.toEqualTypeOf<Output<'tx.send'>>()
    expectTypeOf<Waiaas['wallet']['list']>().returns.resolves.toEqualTypeOf<Output<'wallet.list'>>()
    expectTypeOf<WaiaasError['code']>().toEqualTypeOf<ErrorCode>()
    expectTypeOf<'POLICY_DENIED'>().toMatchTypeOf<ErrorCode>()
    expectTypeOf<'NOT_A_CODE'>().not.toMatchTypeOf<ErrorCode>()
  })
})
