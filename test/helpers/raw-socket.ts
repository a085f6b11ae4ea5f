/** A raw line-oriented socket client, for probing the daemon's framing and error handling byte by byte. */
import net from 'node:net'

export class RawSocket {
  private buf = ''
  private waiters: ((line: string) => void)[] = []
  private lines: string[] = []
  readonly closed: Promise<void>

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => {
      this.buf += d
      let i: number
      while ((i = this.buf.indexOf('\n')) !== -1) {
        const line = this.buf.slice(0, i)
        this.buf = this.buf.slice(i + 1)
        const w = this.waiters.shift()
        if (w) w(line)
        else this.lines.push(line)
      }
    })
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()))
    socket.on('error', () => {})
  }

  static connect(path: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path)
      s.once('connect', () => resolve(new RawSocket(s)))
      s.once('error', reject)
    })
  }

  send(text: string): void {
    this.socket.write(text)
  }

  /** The next response line, parsed. */
  next(): Promise<any> {
    const l = this.lines.shift()
    if (l !== undefined) return Promise.resolve(JSON.parse(l))
    return new Promise((resolve) => this.waiters.push((line) => resolve(JSON.parse(line))))
  }

  /** Sends one request and waits for its response. */
  async call(id: number, method: string, params: unknown = {}, auth?: unknown): Promise<any> {
    this.send(`${JSON.stringify({ jsonrpc: '2.0', id, method, params, ...(auth ? { auth } : {}) })}\n`)
    return this.next()
  }

  close(): void {
    this.socket.destroy()
  }
}
