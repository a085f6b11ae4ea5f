/**
 * The admin UI's build: sources in admin/, output in dist/admin/ (served by the REST plugin at /admin). No inline
 * script or style may be emitted: the page runs under `script-src 'self'` and `style-src 'self'`.
 */
import { fileURLToPath } from 'node:url'
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'
import { policyTypesPlugin } from './policy-types.js'

const here = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root: here,
  base: '/admin/',
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false }), policyTypesPlugin()],
  build: {
    outDir: fileURLToPath(new URL('../dist/admin', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    target: 'es2022',
  },
})
