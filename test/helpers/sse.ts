/** A reader of the daemon's event stream (GET /v1/events) for tests: the raw text and the events parsed as they come. */
import http, { type IncomingMessage } from 'node:http'

export interface SseEvent {
  id: string | undefined
  event: string | undefined
  data: string
}

export interface SseStream {
  status: number
  headers: IncomingMessage['headers']
  /** Everything received so far. */
  readonly text: string
  /** The events received so far (comments and `retry:` lines are not events). */
  readonly events: SseEvent[]
  /** Resolves when `n` events have been received; rejects after `ms`. */
  waitFor(n: number, ms?: number): Promise<SseEvent[]>
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>
  close(): void
}

function parse(block: string): SseEvent | undefined {
  let id: string | undefined
  let event: string | undefined
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue
    const at = line.indexOf(':')
    const field = at === -1 ? line : line.slice(0, at)
    const value = at === -1 ? '' : line.slice(at + 1).replace(/^ /, '')
    if (field === 'id') id = value
    else if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }
  return data.length === 0 ? undefined : { id, event, data: data.join('\n') }
}

/** Opens the stream; resolves once the response head arrived (any status). */
export function openSse(base: string, path: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let text = ''
      let pending = ''
      const events: SseEvent[] = []
      const waiters: (() => void)[] = []
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
        pending += chunk
        let cut: number
        while ((cut = pending.indexOf('\n\n')) !== -1) {
          const e = parse(pending.slice(0, cut))
          pending = pending.slice(cut + 2)
          if (e !== undefined) events.push(e)
        }
        for (const w of waiters.splice(0)) w()
      })
      const ended = new Promise<void>((done) => {
        res.on('end', done)
        res.on('close', done)
        res.on('error', () => done())
      })
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        get text() {
          return text
        },
        events,
        ended,
        waitFor(n, ms = 3000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`waited ${ms} ms for ${n} events, got ${events.length}`)), ms)
            const check = (): void => {
              if (events.length >= n) {
                clearTimeout(timer)
                ok(events.slice(0, n))
              } else waiters.push(check)
            }
            check()
          })
        },
        close: () => req.destroy(),
      })
    })
    req.on('error', reject)
  })
}
