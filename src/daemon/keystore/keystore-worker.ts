/**
 * Web3 Secret Storage (keystore v3) encrypt/decrypt with ethers. ethers' scrypt is pure JavaScript (~1 s of CPU
 * at N = 2^17), so keys.ts runs this module as a worker_threads Worker to keep the daemon's event loop free.
 *
 * The same `runKeystoreJob` is also imported in-process by keys.ts when the compiled `.js` sibling does not exist
 * (vitest runs the `.ts` sources, which a Node 20 worker cannot load). `runKeystoreJob` never throws and never puts
 * key material or passwords into its result's failure reason.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { computeAddress, decryptKeystoreJson, encryptKeystoreJson, getBytes, hexlify, isError } from 'ethers'

export type KeystoreJob =
  | { kind: 'waiaas-keystore-job'; op: 'decrypt'; json: string; password: string }
  | { kind: 'waiaas-keystore-job'; op: 'encrypt'; privateKey: Uint8Array; password: string; scryptN: number }

export type KeystoreResult =
  | { ok: true; op: 'decrypt'; privateKey: Uint8Array; address: string }
  | { ok: true; op: 'encrypt'; json: string }
  | { ok: false; reason: 'bad-password' | 'invalid' | 'internal' }

export function isKeystoreJob(x: unknown): x is KeystoreJob {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'waiaas-keystore-job'
}

/** Runs one job. Failures are classified, never thrown: ethers' messages can quote the input. */
export async function runKeystoreJob(job: KeystoreJob): Promise<KeystoreResult> {
  if (job.op === 'decrypt') {
    try {
      const account = await decryptKeystoreJson(job.json, job.password)
      return { ok: true, op: 'decrypt', privateKey: getBytes(account.privateKey), address: account.address }
    } catch (err) {
      // ethers reports a MAC mismatch as INVALID_ARGUMENT on the argument "password".
      if (isError(err, 'INVALID_ARGUMENT') && err.argument === 'password') return { ok: false, reason: 'bad-password' }
      return { ok: false, reason: 'invalid' }
    }
  }
  try {
    const privateKey = hexlify(job.privateKey)
    const json = await encryptKeystoreJson({ address: computeAddress(privateKey), privateKey }, job.password, {
      scrypt: { N: job.scryptN },
    })
    return { ok: true, op: 'encrypt', json: withSpecSpelling(json) }
  } catch {
    return { ok: false, reason: 'internal' }
  }
}

/**
 * ethers writes the section as `Crypto` (geth's early spelling); the Web3 Secret Storage spec, Foundry's `cast` and
 * eth-keystore need `crypto` ("missing field `crypto`"). Readers that accept either (ethers, geth, MetaMask) read this.
 */
function withSpecSpelling(json: string): string {
  const data = JSON.parse(json) as Record<string, unknown>
  if (!Object.hasOwn(data, 'Crypto')) return json
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(data)) out[key === 'Crypto' ? 'crypto' : key] = value
  return JSON.stringify(out)
}

// Worker entry: only when started by keys.ts as a Worker with a job in workerData.
if (!isMainThread && parentPort !== null && isKeystoreJob(workerData)) {
  const port = parentPort
  void runKeystoreJob(workerData).then((result) => {
    const transfer = result.ok && result.op === 'decrypt' ? [result.privateKey.buffer as ArrayBuffer] : []
    port.postMessage(result, transfer)
  })
}
