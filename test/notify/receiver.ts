/**
 * A loopback HTTP server standing in for a notification service (a webhook receiver, Slack, Discord, ntfy or the
 * Telegram Bot API): it records every request and answers with what the test says.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: string
  at: number
  /** The status answered (undefined while hanging). */
  status?: number
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string
}

export interface Receiver {
  url: string
  requests: Received[]
  /** How to answer; the default is 200 with `{"ok":true}`. `'hang'`: never answer (until the server closes). */
  respond: (req: Received) => Reply | 'hang'
  close(): Promise<void>
}

/** `now` stamps each request's `at` (default the wall clock; a test clock to measure in the daemon's time). */
export async function startReceiver(now: () => number = Date.now): Promise<Receiver> {
  const r: Receiver = { url: '', requests: [], respond: () => ({ status: 200, body: '{"ok":true}' }), close: async () => undefined }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const rec: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: now() }
      r.requests.push(rec)
      const reply = r.respond(rec)
      if (reply === 'hang') return
      rec.status = reply.status
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      res.end(reply.body ?? '{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return r
}

/** Polls `cond` every 20 ms until it holds, failing with `what` after `timeoutMs`. */
export async function until<T>(what: string, cond: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await cond()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((res) => setTimeout(res, 20))
  }
}
