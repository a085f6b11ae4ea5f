/**
 * `waiaas calldata encode SIGNATURE ARG…` through the built bin against an in-process daemon: the calldata matches an
 * independent ABI encoding (ethers' Interface, here in the test), booleans given as words are encoded as what they
 * say ("false" is 0, never truthy), arrays go as JSON, and bad input is an INPUT_INVALID or USAGE envelope naming
 * what was wrong, with its exit code.
 */
import { Interface } from 'ethers'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../../src/lib/errors.js'
import { cliEnv, runCli } from '../helpers/cli.js'
import { useDaemon } from '../helpers/daemon.js'

const t = useDaemon()
const TO = '0x8ba1f109551bD432803012645Ac136ddd64DBA72'
const run = (args: string[], spawn = false) => runCli(['calldata', 'encode', ...args], { env: cliEnv(t.daemon.paths.dataDir), spawn })

describe('waiaas calldata encode', () => {
  it('encodes a call as the ABI does: --json envelope from the real bin, and the bare data for humans', async () => {
    const expected = new Interface(['function transfer(address,uint256)']).encodeFunctionData('transfer', [TO, 1_000_000n])
    const r = await run(['transfer(address to, uint256 amount)', TO, '1000000', '--json'], true)
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toEqual({ ok: true, data: { data: expected, selector: '0xa9059cbb', signature: 'transfer(address,uint256)' } })
    const human = await run(['transfer(address,uint256)', TO, '1000000'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout.trim()).toBe(expected)
    expect(human.stderr).toContain('transfer(address,uint256) (selector 0xa9059cbb)')
  })

  it('reads bool words as booleans and a JSON array argument as an array', async () => {
    const iface = new Interface(['function setOwners(address[] owners, bool active, uint256 n)'])
    const r = await run(['setOwners(address[],bool,uint256)', JSON.stringify([TO, TO]), 'false', '7', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json?.data.data).toBe(iface.encodeFunctionData('setOwners', [[TO, TO], false, 7n]))
    expect(r.json?.data.data).not.toBe(iface.encodeFunctionData('setOwners', [[TO, TO], true, 7n]))
  })

  it('refuses bad input with its code, the field and the exit code', async () => {
    const count = await run(['transfer(address,uint256)', TO, '--json'])
    expect(count.code).toBe(EXIT.usage)
    expect(count.json?.error).toMatchObject({ code: 'INPUT_INVALID', details: { field: 'args', signature: 'transfer(address,uint256)' } })
    const sig = await run(['not a function', '--json'])
    expect(sig.json?.error).toMatchObject({ code: 'INPUT_INVALID', details: { field: 'function' } })
    const bool = await run(['setActive(bool)', 'maybe', '--json'])
    expect(bool.json?.error).toMatchObject({ code: 'INPUT_INVALID', details: { field: 'args', at: 'args[0]', type: 'bool' } })
    const json = await run(['setOwners(address[])', '[0x12', '--json'])
    expect(json.code).toBe(EXIT.usage)
    expect(json.json?.error).toMatchObject({ code: 'USAGE', details: { flag: 'argument 1' } })
    const none = await run(['--json'])
    expect(none.code).toBe(EXIT.usage)
    expect(none.json?.error?.code).toBe('USAGE')
  })
})
