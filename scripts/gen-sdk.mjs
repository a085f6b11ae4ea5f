#!/usr/bin/env node
/**
 * Writes src/sdk/methods.generated.ts (the TypeScript SDK's method table) from the built contract
 * (dist/lib/contract/index.js: run `npm run build` first, or `npx tsx`-free: the build is the only TS runner here).
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderSdkMethods } from './gen-sdk-render.mjs'

const { contract } = await import(new URL('../dist/lib/contract/index.js', import.meta.url).href)
const out = fileURLToPath(new URL('../src/sdk/methods.generated.ts', import.meta.url))
fs.writeFileSync(out, renderSdkMethods(contract))
console.log(`wrote ${out} (${Object.keys(contract).length} methods)`)
