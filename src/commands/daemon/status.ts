import Status from '../status.js'

export default class DaemonStatus extends Status {
  static override description = 'Show whether the daemon runs, its pid, version and socket (exit code 3 when it does not)'
  static override examples = ['<%= config.bin %> daemon status', '<%= config.bin %> daemon status --json']
}
