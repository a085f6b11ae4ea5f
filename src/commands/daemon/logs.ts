import fs from 'node:fs'
import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import { WaiaasError } from '../../lib/errors.js'

export default class DaemonLogs extends BaseCommand<typeof DaemonLogs> {
  static override description = 'Print the end of the daemon log; --follow keeps printing new lines until interrupted'
  static override examples = ['<%= config.bin %> daemon logs', '<%= config.bin %> daemon logs --lines 200', '<%= config.bin %> daemon logs --follow']
  static override flags = {
    lines: Flags.integer({ char: 'n', description: 'How many lines from the end', default: 50, min: 1 }),
    follow: Flags.boolean({ char: 'f', description: 'Keep printing lines as they are written (Ctrl-C to stop)' }),
  }

  protected override async exec(): Promise<{ file: string; lines: string[] }> {
    const file = this.paths.logFile
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (err) {
      throw new WaiaasError('INPUT_FILE_UNREADABLE', `No daemon log at ${file}`, { details: { path: file }, hint: 'The daemon has not run with this data directory yet.', cause: err })
    }
    const lines = text.trimEnd().split('\n').slice(-(this.flags.lines))
    if (this.flags.follow !== true || this.json) return { file, lines }
    this.log(lines.join('\n'))
    await follow(file, Buffer.byteLength(text), (chunk) => process.stdout.write(chunk))
    return { file, lines: [] }
  }

  protected override render(d: { lines: string[] }): void {
    if (this.flags.follow !== true && d.lines.length > 0) this.log(d.lines.join('\n'))
  }
}

/** Streams what is appended to `file` after `offset` until SIGINT/SIGTERM; survives truncation (log rotation). */
function follow(file: string, offset: number, write: (chunk: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let pos = offset
    const tick = (): void => {
      let size: number
      try {
        size = fs.statSync(file).size
      } catch {
        return
      }
      if (size < pos) pos = 0
      if (size === pos) return
      const fd = fs.openSync(file, 'r')
      try {
        const buf = Buffer.alloc(size - pos)
        fs.readSync(fd, buf, 0, buf.length, pos)
        pos = size
        write(buf.toString('utf8'))
      } finally {
        fs.closeSync(fd)
      }
    }
    const timer = setInterval(tick, 250)
    const stop = (): void => {
      clearInterval(timer)
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
