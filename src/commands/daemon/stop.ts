import { BaseCommand } from '../../cli/base-command.js'
import { WaiaasError } from '../../lib/errors.js'
import { connectExisting, waitForExit } from '../../cli/launcher.js'

export default class DaemonStop extends BaseCommand<typeof DaemonStop> {
  /** WAIaaS's name for it; src/hooks/alias-note.ts says which command runs. */
  static override aliases = ['stop']
  static override description = 'Stop the daemon: it finishes in-flight calls, wipes its keys and removes its socket'
  static override examples = ['<%= config.bin %> daemon stop', '<%= config.bin %> daemon stop --json']

  protected override async exec(): Promise<{ stopped: boolean; pid: number | null }> {
    let pid: number
    try {
      const client = await connectExisting(this.paths)
      pid = (await client.call('system.shutdown', {})).pid
      client.close()
    } catch (err) {
      // Stopping something that is not running is success: the goal state holds.
      if (err instanceof WaiaasError && err.code === 'DAEMON_NOT_RUNNING') return { stopped: false, pid: null }
      throw err
    }
    await waitForExit(this.paths, pid)
    return { stopped: true, pid }
  }

  protected override render(d: { stopped: boolean; pid: number | null }): void {
    this.log(d.stopped ? `Stopped (pid ${d.pid}).` : 'Not running.')
  }
}
