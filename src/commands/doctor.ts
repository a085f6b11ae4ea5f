import fs from 'node:fs'
import path from 'node:path'
import { BaseCommand } from '../cli/base-command.js'
import { connectExisting } from '../cli/launcher.js'
import { readConfigFile, readEnv } from '../lib/env.js'
import { toWaiaasError, WaiaasError } from '../lib/errors.js'
import { recoveryKeyWarning } from '../lib/secrets.js'
import { VERSION } from '../lib/version.js'

export interface DoctorCheck {
  name: string
  status: 'ok' | 'warn' | 'fail'
  message: string
  /** A command that fixes it; null when there is nothing to fix. */
  fix: string | null
}

const ok = (name: string, message: string): DoctorCheck => ({ name, status: 'ok', message, fix: null })

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override description =
    'Check the install: data directory and file permissions, the config file, the daemon and its version, database integrity, the audit chain, RPC reachability and clock per configured network, and plugins. Prints a fix for each problem; exits 1 when a check fails. Its output holds no secrets.'
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json']

  protected override async exec(): Promise<{ ok: boolean; checks: DoctorCheck[] }> {
    const checks: DoctorCheck[] = []
    const dirOk = this.checkDataDir(checks)
    this.checkFiles(checks)
    this.checkRecoveryKey(checks)
    this.checkConfig(checks)
    if (dirOk) await this.checkDaemon(checks)
    else checks.push({ name: 'daemon', status: 'fail', message: 'not checked: the daemon refuses to use a data directory open to other users', fix: `chmod 700 ${this.paths.dataDir}` })
    const failed = checks.filter((c) => c.status === 'fail')
    if (failed.length > 0) {
      if (!this.json) this.render({ ok: false, checks })
      throw new WaiaasError('DOCTOR_CHECKS_FAILED', `${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed.map((c) => c.name).join(', ')}`, {
        details: { checks },
      })
    }
    return { ok: true, checks }
  }

  private checkDataDir(checks: DoctorCheck[]): boolean {
    const dir = this.paths.dataDir
    let st: fs.Stats
    try {
      st = fs.statSync(dir)
    } catch {
      checks.push({ name: 'data dir', status: 'fail', message: `${dir} does not exist`, fix: 'waiaas init' })
      return false
    }
    const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid
    if (st.uid !== uid) {
      checks.push({ name: 'data dir', status: 'fail', message: `${dir} belongs to uid ${st.uid}, not to you (uid ${uid})`, fix: `sudo chown -R ${uid} ${dir}` })
      return false
    }
    const mode = st.mode & 0o777
    if ((mode & 0o077) !== 0) {
      checks.push({ name: 'data dir', status: 'fail', message: `${dir} has mode ${mode.toString(8)}: open to other users`, fix: `chmod 700 ${dir}` })
      return false
    }
    checks.push(ok('data dir', `${dir} is private (mode ${mode.toString(8)})`))
    return true
  }

  /** Every regular file in the data directory and its backups directory must be 0600 (no group or other bits). */
  private checkFiles(checks: DoctorCheck[]): void {
    const loose: string[] = []
    for (const dir of [this.paths.dataDir, this.paths.backups]) {
      let names: string[]
      try {
        names = fs.readdirSync(dir)
      } catch {
        continue
      }
      for (const name of names) {
        const file = path.join(dir, name)
        try {
          const st = fs.lstatSync(file)
          if (st.isFile() && (st.mode & 0o077) !== 0) loose.push(file)
        } catch {
          // Gone meanwhile (a rotated log): nothing to check.
        }
      }
    }
    checks.push(
      loose.length === 0
        ? ok('file permissions', 'every file is readable by you only')
        : {
            name: 'file permissions',
            status: 'fail',
            message: `open to other users: ${loose.join(', ')}`,
            fix: `chmod 600 ${loose.join(' ')}`,
          },
    )
  }

  /** A master password kept in recovery.key is the operator's credential for anyone running as this OS user. */
  private checkRecoveryKey(checks: DoctorCheck[]): void {
    const file = this.paths.recoveryKey
    checks.push(
      fs.existsSync(file)
        ? { name: 'recovery.key', status: 'warn', message: recoveryKeyWarning(file), fix: 'waiaas password change' }
        : ok('recovery.key', 'none: the master password is not stored in the data directory'),
    )
  }

  private checkConfig(checks: DoctorCheck[]): void {
    try {
      readEnv(process.env, readConfigFile(this.paths.config))
      checks.push(ok('config', fs.existsSync(this.paths.config) ? `${this.paths.config} is valid` : 'no config file (defaults and environment)'))
    } catch (err) {
      const e = toWaiaasError(err)
      const key = typeof e.details.key === 'string' ? e.details.key : null
      checks.push({ name: 'config', status: 'fail', message: e.message, fix: key !== null ? `waiaas config unset ${key}` : e.hint })
    }
  }

  private async checkDaemon(checks: DoctorCheck[]): Promise<void> {
    let client
    let own = true
    try {
      client = await connectExisting(this.paths).catch(async (err: unknown) => {
        if (!(err instanceof WaiaasError && err.code === 'DAEMON_NOT_RUNNING')) throw err
        own = false // closed by the base command
        return this.daemon()
      })
    } catch (err) {
      const e = toWaiaasError(err)
      checks.push({ name: 'daemon', status: 'fail', message: `${e.code}: ${e.message}`, fix: e.hint })
      return
    }
    try {
      const r = await client.call('system.doctor', {})
      checks.push(
        r.version === VERSION
          ? ok('daemon', `running, version ${r.version}`)
          : { name: 'daemon', status: 'fail', message: `the daemon runs ${r.version}, this CLI is ${VERSION}`, fix: 'waiaas daemon stop' },
      )
      checks.push(...r.checks)
    } finally {
      if (own) client.close()
    }
  }

  protected override render(d: { ok: boolean; checks: DoctorCheck[] }): void {
    const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const
    for (const c of d.checks) {
      this.log(`${mark[c.status]} ${c.name}: ${c.message}`)
      if (c.fix !== null && c.status !== 'ok') this.log(`     fix: ${c.fix}`)
    }
    if (d.ok) this.log('\nAll checks passed.')
  }
}
