/**
 * The REST plugin's OpenAPI document as the ecosystem's tools take it: every request and result a named component,
 * every operation id a function name, the failures of each operation declared by status with the error envelope;
 * clean under Redocly's recommended rules; and a client generated from the served document by openapi-typescript,
 * typechecked with tsc (mistakes in a call do not compile) and run with openapi-fetch, sends a transfer that lands
 * on the local chain.
 */
import fs from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createConfig, lintFromString } from '@redocly/openapi-core'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { restRoutes } from '../../src/daemon/plugins/rest.js'
import { contract, NAMED_SCHEMAS } from '../../src/lib/contract/index.js'
import { ERROR_CODES } from '../../src/lib/errors.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { http } from '../helpers/http.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
let base = ''
let doc: any
let provider: JsonRpcProvider
const work = fs.mkdtempSync(path.join(tmpdir(), 'waiaas-openapi-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'gen' }, op)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'gen', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01' } }, op)
  base = ((await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
  const r = await http(base, '/v1/openapi.json')
  expect(r.status).toBe(200)
  doc = r.json
})

type Op = { operationId: string; requestBody?: any; parameters?: any[]; responses: Record<string, any>; 'x-waiaas-method'?: string }
const operations = (): [string, string, Op][] =>
  Object.entries(doc.paths as Record<string, Record<string, Op>>).flatMap(([p, item]) => Object.entries(item).map(([verb, o]) => [verb, p, o] as [string, string, Op]))

describe('the OpenAPI document', () => {
  it('names every request and result type as a component, and every operation id is a function name', () => {
    const schemas = doc.components.schemas as Record<string, any>
    for (const name of [...Object.keys(NAMED_SCHEMAS), 'TxSendInput', 'TxSimulateResult', 'WalletListResult', 'ErrorEnvelope', 'ApiError', 'ErrorCode']) {
      expect(schemas[name], name).toBeDefined()
    }
    expect(schemas.WalletListResult.properties.wallets.items).toEqual({ $ref: '#/components/schemas/Wallet' })
    expect(schemas.ErrorCode.enum.sort()).toEqual(Object.keys(ERROR_CODES).sort())
    const ids = operations().map(([, , o]) => o.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/)
    expect(doc.paths['/v1/tx/send'].post.operationId).toBe('txSend')
    expect(doc.paths['/v1/wallet/list'].get.operationId).toBe('getWalletList')
    expect(doc.paths['/v1/incoming/setLowBalance'].post.operationId).toBe('incomingSetLowBalance')
    expect(doc.paths['/v1/policies'].post.operationId).toBe('postPolicies')

    for (const [verb, p, o] of operations()) {
      const label = `${verb.toUpperCase()} ${p}`
      if (o['x-waiaas-method'] === undefined) continue
      const ok = o.responses['200'].content['application/json'].schema
      const def = contract[o['x-waiaas-method'] as keyof typeof contract]
      // The result is a named component, never an inline schema.
      expect(ok.properties.data.$ref, label).toMatch(/^#\/components\/schemas\/[A-Z]\w+$/)
      if (verb === 'post') {
        expect(o.requestBody.content['application/json'].schema.$ref, label).toMatch(/^#\/components\/schemas\/[A-Z]\w+Input$/)
        const input = schemas[o.requestBody.content['application/json'].schema.$ref.split('/').pop()]
        // The body is required exactly when the daemon requires a field; every field it requires is required.
        expect(o.requestBody.required, label).toBe(!def.input.safeParse({}).success)
        if (def.input instanceof z.ZodObject) {
          const documented = new Set<string>([...(input.required ?? []), ...(input.oneOf ?? []).flatMap((x: { required: string[] }) => x.required)])
          const shape = def.input.shape as Record<string, z.ZodType>
          for (const [field, schema] of Object.entries(shape)) {
            // What the daemon refuses to miss is required; what is optional or has a default is not.
            if (!schema.safeParse(undefined).success) expect(documented.has(field), `${label} ${field}`).toBe(true)
            if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) expect(documented.has(field), `${label} ${field}`).toBe(false)
          }
        }
        // An object input refuses fields it does not declare (dispatch.ts), and says so.
        if (def.input instanceof z.ZodObject) expect(input.additionalProperties === false || input.unevaluatedProperties === false, label).toBe(true)
      }
      // Each failure the method declares is documented under its HTTP status, with the error envelope.
      for (const code of def.errors) {
        const status = String(ERROR_CODES[code].http)
        expect(o.responses[status]?.description, `${label} ${code}`).toContain(code)
        expect(o.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' })
      }
      expect(o.responses['401'].description, label).toContain('AUTH_REQUIRED')
      expect(o.responses['400'].description, label).toContain('INPUT_INVALID')
    }
    const send = doc.paths['/v1/tx/send'].post.responses
    expect(Object.keys(send)).toEqual(expect.arrayContaining(['200', '400', '401', '402', '403', '404', '409']))
    expect(send['402'].description).toContain('CHAIN_INSUFFICIENT_FUNDS')
    expect(send['403'].description).toContain('POLICY_DENIED')
    // GET routes take the same input as query parameters.
    const showParams = doc.paths['/v1/wallet/show'].get.parameters as { name: string; required: boolean }[]
    expect(showParams.map((p) => [p.name, p.required])).toEqual([['wallet', true], ['walletId', false]])
    // Besides the contract's routes: /health, the document itself, the event stream, and the admin UI's login, logout and session.
    expect(restRoutes().length).toBe(operations().length - 3 - 3)
  })

  it("is clean under Redocly's recommended rules: no error, no warning", async () => {
    const config = await createConfig({ extends: ['recommended'] })
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: path.join(work, 'openapi.json'), config })
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([])
    // The rules do run: a small document without a license, 4xx responses or unique operation ids is not clean.
    const op = { operationId: 'same', summary: 's', responses: { '200': { description: 'ok' } } }
    const broken = { openapi: '3.1.0', info: { title: 't', version: '1' }, servers: [{ url: base }], security: [], paths: { '/a': { get: op }, '/b': { get: op } } }
    const found = await lintFromString({ source: JSON.stringify(broken), absoluteRef: path.join(work, 'broken.json'), config })
    expect(new Set(found.map((p) => p.ruleId))).toEqual(new Set(['info-license', 'operation-4xx-response', 'operation-operationId-unique']))
  })
})

/** The client a user would write against the generated types; it must typecheck before it runs. */
const CLIENT = `
import createClient from 'openapi-fetch'
import type { components, paths } from './schema.js'

export type TxRequest = components['schemas']['TxRequest']
type ErrorCode = components['schemas']['ErrorCode']

export function connect(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${token}\` } })
}

/** Sends, then waits for the request to be final; a failure comes back as its status and typed error code. */
export async function sendAndWait(baseUrl: string, token: string, body: { wallet: string; to: string; amount: string }): Promise<{ sent: TxRequest; done: TxRequest } | { status: number; code: ErrorCode }> {
  const client = connect(baseUrl, token)
  const sent = await client.POST('/v1/tx/send', { body: { ...body, network: 'evm-local' } })
  if (sent.error !== undefined) return { status: sent.response.status, code: sent.error.error.code }
  const id: string = sent.data.data.id
  const done = await client.POST('/v1/tx/wait', { body: { id, timeoutMs: 20000 } })
  if (done.error !== undefined) return { status: done.response.status, code: done.error.error.code }
  return { sent: sent.data.data, done: done.data.data }
}

/** Mistakes the document catches at compile time (each line below must fail to compile). */
export function mistakes(client: ReturnType<typeof connect>): void {
  // @ts-expect-error: amount is required
  void client.POST('/v1/tx/send', { body: { wallet: 'w', network: 'n', to: '0x0' } })
  // @ts-expect-error: the wallet is required, as wallet or walletId
  void client.POST('/v1/tx/send', { body: { network: 'n', to: '0x0', amount: '1' } })
  // @ts-expect-error: a field the daemon refuses (openapi-fetch's generic body skips excess-property checks; the type has them)
  const misspelt: components['schemas']['TxSendInput'] = { wallet: 'w', network: 'n', to: '0x0', amount: '1', amout: '1' }
  void misspelt
  // @ts-expect-error: not a state
  const state: TxRequest['state'] = 'done'
  void state
  // The seed article's spelling is a wallet too.
  void client.POST('/v1/tx/send', { body: { walletId: 'w', network: 'n', to: '0x0', amount: '1' } })
}
`

/** Typechecks and compiles `files` (strict) in `dir`; returns the diagnostics as text. */
function compile(dir: string, files: string[]): string[] {
  const program = ts.createProgram(
    files.map((f) => path.join(dir, f)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      outDir: path.join(dir, 'out'),
    },
  )
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics]
  return diagnostics.map((d) => {
    const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : ''
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
}

describe('a client generated by openapi-typescript, run with openapi-fetch', () => {
  it('typechecks, refuses mistakes at compile time, and sends a transfer that lands on chain', async () => {
    const types = astToString(await openapiTS(doc as OpenAPI3, { silent: true }))
    expect(types).toMatch(/TxRequest: \{/)
    fs.writeFileSync(path.join(work, 'schema.ts'), types)
    fs.writeFileSync(path.join(work, 'client.ts'), CLIENT)
    fs.writeFileSync(path.join(work, 'package.json'), '{"type":"module"}')
    fs.symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), path.join(work, 'node_modules'), 'dir')
    expect(compile(work, ['client.ts'])).toEqual([])

    const client = (await import(pathToFileURL(path.join(work, 'out', 'client.js')).href)) as {
      sendAndWait(base: string, token: string, body: { wallet: string; to: string; amount: string }): Promise<any>
    }
    const { token } = await t.client.call('session.create', { wallets: ['gen'] }, op)
    const to = EthersWallet.createRandom().address
    const r = await client.sendAndWait(base, token, { wallet: 'gen', to, amount: '0.005' })
    expect(r.sent).toMatchObject({ tier: 'INSTANT', walletName: 'gen', to: to.toLowerCase(), amount: '0.005' })
    expect(r.done.state).toBe('confirmed')
    expect(await provider.getBalance(to)).toBe(5n * 10n ** 15n)
    // A failure comes back as the error envelope, its code typed.
    const refused = await client.sendAndWait(base, token, { wallet: 'gen', to: '0xnot-an-address', amount: '0.001' })
    expect(refused).toEqual({ status: 400, code: 'INPUT_INVALID_ADDRESS' })
  })
})
