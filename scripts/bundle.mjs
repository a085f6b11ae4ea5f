// Bundles the built CLI and daemon (tsc's output in dist/) into dist/bundle/, which the `waiaas` binary runs: the
// oclif commands, hooks and help class that package.json names, the daemon, and the keystore worker, each at its
// path under dist/ (commands/wallet/list.js → bundle/commands/wallet/list.js), with the code they share in
// bundle/chunks/. A process then loads a few dozen files instead of about 640 modules, and a daemon is ready with
// about 0.6 CPU-s less (bench/load.js).
//
// dist/ itself stays as tsc wrote it: the SDK export, the benchmarks and the generators import its modules.
//
// Left outside the bundle, loaded from node_modules as before:
// - @oclif/*: bin/run.js runs oclif's own copy, and the commands must extend that same Command class;
// - packages that load files by path at run time: native addons (better-sqlite3, litesvm, ws's optional
//   bufferutil and utf-8-validate), tiny-secp256k1's WebAssembly, the anvil binaries;
// - packages loaded only on first use (the daemon's @solana/spl-token and undici: src/daemon/chains/solana/spl.ts,
//   src/daemon/http-agent.ts; conf, when a command writes preferences: src/cli/preferences.ts). They cost nothing at
//   start-up; test/unit/lazy-imports.test.ts checks that the first two stay unloaded, and conf keeps the one copy of
//   when-exit (its exit and signal hooks) that the in-process test runner loads ahead (test/helpers/cli-inprocess.ts).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { rolldown } from 'rolldown'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = path.join(root, 'dist')
const out = path.join(dist, 'bundle')

const EXTERNAL = [
  /^node:/,
  /^@oclif\//,
  /^better-sqlite3(\/|$)/,
  /^litesvm(\/|$)/,
  /^bufferutil(\/|$)/,
  /^utf-8-validate(\/|$)/,
  /^tiny-secp256k1(\/|$)/,
  /^@foundry-rs\//,
  /^@solana\/spl-token(\/|$)/,
  /^undici(\/|$)/,
  /^conf(\/|$)/,
]

const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const hooks = Object.values(pkg.oclif.hooks).flat()
// package.json names the bundled files: its commands directory, help class and hooks are under dist/bundle/, and
// each comes from tsc's file at the same path under dist/.
const BUNDLED = './dist/bundle/'
for (const p of [pkg.oclif.commands, pkg.oclif.helpClass, ...hooks]) {
  if (!p.startsWith(BUNDLED)) throw new Error(`package.json's oclif section must name ${BUNDLED}, not ${p}`)
}
// Each entry by its path under dist/; the bundle writes it at the same path under dist/bundle/.
const entries = [
  ...walk(path.join(dist, 'commands')).filter((f) => f.endsWith('.js')).map((f) => path.relative(dist, f)),
  ...[pkg.oclif.helpClass, ...hooks].map((p) => p.slice(BUNDLED.length)),
  'daemon/daemon.js',
  'daemon/keystore/keystore-worker.js',
]
const input = Object.fromEntries(entries.map((e) => [e.replace(/\.js$/, ''), path.join(dist, e)]))
for (const file of Object.values(input)) if (!fs.existsSync(file)) throw new Error(`${file} is missing: run tsc first`)

const warnings = []
const bundle = await rolldown({
  input,
  platform: 'node',
  external: (id) => EXTERNAL.some((re) => re.test(id)),
  preserveEntrySignatures: 'strict',
  onLog: (level, log) => {
    if (level === 'warn') warnings.push(log.message)
  },
})
fs.rmSync(out, { recursive: true, force: true })
await bundle.write({ dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' })
await bundle.close()
// Any warning stops the build (none is expected). A dependency that reads a file next to itself at run time (as
// tiny-secp256k1 reads its .wasm) draws no warning: it fails when run, and the suite runs the bundle in every spawned
// CLI and daemon, so such a package shows there and joins EXTERNAL.
if (warnings.length > 0) {
  console.error(`bundle: ${warnings.length} warning(s):\n${warnings.join('\n')}`)
  process.exit(1)
}
