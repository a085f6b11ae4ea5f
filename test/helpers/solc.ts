/** Compiles the test contracts in test/fixtures/contracts with solc-js (offline, bundled soljson) and deploys them. */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ContractFactory, type InterfaceAbi, type Provider, type TransactionReceipt, type Wallet } from 'ethers'

const require = createRequire(import.meta.url)
const solc = require('solc') as { compile(input: string, callbacks?: { import(path: string): { contents: string } | { error: string } }): string }
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'contracts')

export interface Artifact {
  abi: InterfaceAbi
  bytecode: string
}

const cache = new Map<string, Artifact>()

/** ABI and creation bytecode of `contract` in test/fixtures/contracts/`file` (which may import its neighbours). */
export function compile(file: string, contract: string): Artifact {
  const key = `${file}:${contract}`
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: readFileSync(path.join(dir, file), 'utf8') } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  }
  // Imports name other files of the same folder (`import "TokenCore.sol";`).
  const findImport = (name: string): { contents: string } | { error: string } => {
    try {
      return { contents: readFileSync(path.join(dir, path.basename(name)), 'utf8') }
    } catch {
      return { error: `${name} not found in test/fixtures/contracts` }
    }
  }
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts?: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string } } }>>
  }
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  const c = out.contracts?.[file]?.[contract]
  if (c === undefined) throw new Error(`${contract} not found in ${file}`)
  const artifact = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }
  cache.set(key, artifact)
  return artifact
}

/**
 * The receipt of `hash`, polled. ethers' tx.wait()/waitForTransaction can miss a transaction that an automining
 * node mines between its block-number read and its receipt read, and then waits for a block that never comes.
 */
export async function mined(provider: Provider, hash: string, timeoutMs = 20_000): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const r = await provider.getTransactionReceipt(hash)
    if (r !== null) return r
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`${hash} was not mined within ${timeoutMs} ms`)
}

/** Deploys `contract` from `deployer` and returns its address once mined. */
export async function deploy(deployer: Wallet, file: string, contract: string, args: unknown[] = []): Promise<string> {
  const { abi, bytecode } = compile(file, contract)
  const c = await new ContractFactory(abi, bytecode, deployer).deploy(...args)
  const tx = c.deploymentTransaction()
  if (tx === null || deployer.provider === null) throw new Error('no deployment transaction')
  await mined(deployer.provider, tx.hash)
  return c.getAddress()
}
