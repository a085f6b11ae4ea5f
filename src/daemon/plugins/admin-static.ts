/**
 * The admin web UI's files, served by the REST plugin at `/admin/` from the build in `dist/admin/` (`npm run build`):
 * `/admin` redirects to `/admin/`, which is index.html (never cached: it names the current assets), and
 * `/admin/assets/<file>` are Vite's content-hashed files (cached for a year, immutable). The UI routes by the URL's
 * hash, so nothing else under /admin exists. Only names of the form Vite writes are served, resolved inside the
 * directory: a request target with `..`, an encoded dot or slash, a backslash or a NUL is refused before any file
 * is looked at. Text files go gzipped to clients that accept it. Without a build, `/admin/` answers 503
 * ADMIN_UI_NOT_BUILT.
 */
import fs from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import Negotiator from 'negotiator'
import { WaiaasError } from '../../lib/errors.js'
import { packagePath } from '../../lib/package.js'

export const ADMIN_UI_PATH = '/admin'

/** Where the build is: dist/admin/ of the package (the same for the sources under test and for dist/). */
export const DEFAULT_ADMIN_DIR = packagePath('dist', 'admin')

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
}

/** The names Vite gives assets (`index-CL6LbGmP.js`): no separators, no leading dot, nothing encoded. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/
/** What no served path contains, before or after percent-decoding: a dot-dot, an encoded dot or slash, a backslash, a NUL. */
const TRAVERSAL = /\.\.|%2e|%2f|%5c|%00|\\|\0/i

/** Whether a request (its raw target, or its path once normalised) is for the admin UI. */
export function isAdminUiRequest(rawTarget: string, pathname: string): boolean {
  const raw = rawTarget.split('?')[0] ?? ''
  return pathname === ADMIN_UI_PATH || pathname.startsWith(`${ADMIN_UI_PATH}/`) || raw === ADMIN_UI_PATH || raw.startsWith(`${ADMIN_UI_PATH}/`)
}

function notFound(pathname: string): WaiaasError {
  return new WaiaasError('HTTP_ROUTE_NOT_FOUND', `No admin UI file ${JSON.stringify(pathname.slice(0, 128))}: the UI is at /admin/ and routes by the URL's #`, {
    details: { path: pathname.slice(0, 128) },
  })
}

function notBuilt(dir: string): WaiaasError {
  return new WaiaasError('ADMIN_UI_NOT_BUILT', `The admin UI is not built: ${path.basename(path.dirname(dir))}/${path.basename(dir)}/index.html is missing`, { details: {} })
}

/** Files smaller than this go as they are: gzip would save next to nothing. */
const GZIP_MIN_BYTES = 1024
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/
/** Gzipped bodies by file, size and time of change (assets never change under one name; a rebuild changes the time). */
const gzipped = new Map<string, Buffer>()
const MAX_GZIPPED = 64

async function readFile(file: string): Promise<{ body: Buffer; version: string } | undefined> {
  try {
    const stat = await fs.lstat(file)
    if (!stat.isFile()) return undefined
    return { body: await fs.readFile(file), version: `${file}:${stat.size}:${stat.mtimeMs}` }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw err
  }
}

function gzip(version: string, body: Buffer): Buffer {
  let out = gzipped.get(version)
  if (out === undefined) {
    out = gzipSync(body)
    if (gzipped.size >= MAX_GZIPPED) gzipped.clear()
    gzipped.set(version, out)
  }
  return out
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: { body: Buffer; version: string }, type: string, cache: string, head: boolean): void {
  const compressible = COMPRESSIBLE.test(type) && file.body.length >= GZIP_MIN_BYTES
  const zipped = compressible && new Negotiator(req).encoding(['gzip']) === 'gzip'
  const body = zipped ? gzip(file.version, file.body) : file.body
  res.writeHead(200, {
    'content-type': type,
    'content-length': String(body.length),
    'cache-control': cache,
    ...(compressible ? { vary: 'Accept-Encoding' } : {}),
    ...(zipped ? { 'content-encoding': 'gzip' } : {}),
  })
  res.end(head ? undefined : body)
}

/**
 * Serves one admin UI request (GET or HEAD). Throws a WaiaasError (HTTP_ROUTE_NOT_FOUND, HTTP_METHOD_NOT_ALLOWED,
 * ADMIN_UI_NOT_BUILT) for the server to answer as JSON.
 */
export async function serveAdminUi(req: IncomingMessage, res: ServerResponse, pathname: string, dir: string = DEFAULT_ADMIN_DIR): Promise<void> {
  const raw = (req.url ?? '').split('?')[0] ?? ''
  if (TRAVERSAL.test(raw) || TRAVERSAL.test(pathname)) throw notFound(raw)
  const verb = req.method ?? 'GET'
  if (verb !== 'GET' && verb !== 'HEAD') {
    throw new WaiaasError('HTTP_METHOD_NOT_ALLOWED', `The admin UI's files take GET, not ${verb.slice(0, 16)}`, { details: { allowed: ['GET', 'HEAD'] } })
  }
  const head = verb === 'HEAD'
  if (pathname === ADMIN_UI_PATH) {
    res.writeHead(308, { location: `${ADMIN_UI_PATH}/`, 'content-length': '0', 'cache-control': 'no-store' })
    return void res.end()
  }
  const rel = pathname.slice(ADMIN_UI_PATH.length + 1)
  if (rel === '' || rel === 'index.html') {
    const index = await readFile(path.join(dir, 'index.html'))
    if (index === undefined) throw notBuilt(dir)
    return sendFile(req, res, index, TYPES['.html'] as string, 'no-store', head)
  }
  const name = rel.startsWith('assets/') ? rel.slice('assets/'.length) : undefined
  if (name === undefined || !ASSET_NAME.test(name)) throw notFound(pathname)
  const assets = path.resolve(dir, 'assets')
  const file = path.resolve(assets, name)
  if (path.dirname(file) !== assets) throw notFound(pathname)
  const asset = await readFile(file)
  if (asset === undefined) throw notFound(pathname)
  return sendFile(req, res, asset, TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream', 'public, max-age=31536000, immutable', head)
}
