import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import { connectExisting, startAndConnect } from '../../cli/launcher.js'
import { WaiaasError } from '../../lib/errors.js'

interface Started {
  pid: number
  alreadyRunning: boolean
  socket: string
  logFile: string
}

export default class DaemonStart extends BaseCommand<typeof DaemonStart> {
  /** WAIaaS's name for it; src/hooks/alias-note.ts says which command runs. */
  static override aliases = ['start']
  static override description = 'Start the daemon in the background, or in the foreground with --foreground (for systemd, Docker or a terminal)'
  static override examples = ['<%= config.bin %> daemon start', '<%= config.bin %> daemon start --foreground --password-file /run/secrets/master_password']
  static override flags = {
    foreground: Flags.boolean({ description: 'Run in this process until SIGTERM or SIGINT; log lines also go to stderr' }),
    'password-file': Flags.string({ description: 'Unlock at start with the master password in this file (else WAIAAS_MASTER_PASSWORD_FILE, WAIAAS_MASTER_PASSWORD, or an auto-provisioned recovery.key)' }),
    managed: Flags.boolean({ hidden: true, description: 'Set by the CLI launcher: this daemon may be restarted by a CLI of another version' }),
    quiet: Flags.boolean({ hidden: true, description: 'Do not echo log lines to stderr' }),
    'password-stdin': Flags.boolean({
      hidden: true,
      description: 'Set by the CLI launcher: the master password arrives on stdin instead of in the environment',
      exclusive: ['password-file'],
    }),
  }

  protected override async exec(): Promise<Started> {
    if (this.flags.foreground === true) return this.foreground()
    try {
      const client = await connectExisting(this.paths)
      const s = await client.call('system.status', {})
      client.close()
      return { pid: s.pid, alreadyRunning: true, socket: s.socket, logFile: s.logFile }
    } catch (err) {
      if (!(err instanceof WaiaasError) || err.code !== 'DAEMON_NOT_RUNNING') throw err
    }
    if (this.flags['password-file'] !== undefined) {
      throw new WaiaasError('USAGE', '--password-file is for --foreground; a background daemon reads WAIAAS_MASTER_PASSWORD_FILE', { details: { flag: '--password-file' } })
    }
    const client = await this.spin(
      () => 'Starting the daemon',
      (start) => {
        start()
        return startAndConnect(this.paths)
      },
    )
    const s = await client.call('system.status', {})
    client.close()
    return { pid: s.pid, alreadyRunning: false, socket: s.socket, logFile: s.logFile }
  }

  private async foreground(): Promise<Started> {
    // Loaded here so that no other command pays for the daemon's modules.
    const { startDaemon } = await import('../../daemon/daemon.js')
    const piped = this.flags['password-stdin'] === true ? await readPasswordFromStdin() : undefined
    const env = piped === undefined ? this.env : { ...this.env, masterPassword: piped }
    const handle = await startDaemon({
      home: this.paths.dataDir,
      env,
      managed: this.flags.managed === true,
      ...(this.flags['password-file'] !== undefined ? { passwordFile: this.flags['password-file'] } : {}),
      ...(this.flags.quiet === true || this.json ? {} : { logEcho: process.stderr }),
    })
    const stop = (): void => void handle.close()
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
    process.once('SIGHUP', stop)
    await handle.closed
    process.off('SIGTERM', stop)
    process.off('SIGINT', stop)
    process.off('SIGHUP', stop)
    return { pid: handle.pid, alreadyRunning: false, socket: handle.paths.socket, logFile: handle.paths.logFile }
  }

  protected override render(d: Started): void {
    if (this.flags.foreground === true) return
    this.log(d.alreadyRunning ? `Already running (pid ${d.pid}).` : `Started (pid ${d.pid}). Logs: ${d.logFile}`)
  }
}

/** The password the launcher writes on stdin (then closes it): everything up to EOF, byte for byte. */
async function readPasswordFromStdin(): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > 64 * 1024) throw new WaiaasError('INPUT_INVALID', 'The password on stdin is longer than 64 KiB', { details: { flag: '--password-stdin' } })
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  return text === '' ? undefined : text
}
