#!/usr/bin/env node
// `oclif manifest` writes commands in the order its file glob found them, which differs between runs and machines,
// so every build would rewrite the committed oclif.manifest.json. This rewrites it with the commands sorted by id
// (code-unit order, not locale order) and a final newline, so `npm run build` leaves the git tree clean.
// Run by `npm run build` after `oclif manifest` (an argument names another manifest file, for the tests).
import { readFileSync, writeFileSync } from 'node:fs'

const file = process.argv[2] ?? new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(file, 'utf8'))
const ids = Object.keys(manifest.commands).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
manifest.commands = Object.fromEntries(ids.map((id) => [id, manifest.commands[id]]))
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
