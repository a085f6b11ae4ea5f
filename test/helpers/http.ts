/** A small HTTP client for the plugin tests: one request to the daemon's HTTP server, the JSON it answered. */
import { request } from 'undici'

export interface HttpResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  json: any
  text: string
}

export async function http(
  base: string,
  path: string,
  opts: { method?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string>; password?: string; token?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...opts.headers }
  let body: string | Buffer | undefined
  if (opts.raw !== undefined) body = opts.raw
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['content-type'] ??= 'application/json'
  }
  if (opts.password !== undefined) headers['x-master-password'] = opts.password
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  const res = await request(`${base}${path}`, { method: (opts.method ?? (body === undefined ? 'GET' : 'POST')) as 'GET', headers, ...(body !== undefined ? { body } : {}) })
  const text = await res.body.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.statusCode, headers: res.headers, json, text }
}

/** How many TCP servers this process has open (the daemon runs in-process in these tests). */
export function tcpServers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length
}
