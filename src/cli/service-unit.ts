/**
 * User service units that start the daemon at login: a systemd user unit (Linux) or a launchd agent (macOS).
 * The unit names the password file, never the password.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { WaiaasError } from '../lib/errors.js'

export type ServiceKind = 'systemd' | 'launchd'

export const LAUNCHD_LABEL = 'dev.waiaas.daemon'

export interface ServiceSpec {
  /** Absolute path of the Node.js binary. */
  node: string
  /** Absolute path of bin/run.js. */
  bin: string
  dataDir: string
  passwordFile?: string | undefined
}

/** Where the unit goes, under the user's home. */
export function unitPath(kind: ServiceKind, home = os.homedir()): string {
  return kind === 'systemd'
    ? path.join(home, '.config', 'systemd', 'user', 'waiaas.service')
    : path.join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`)
}

/** The commands that load the unit (printed, never run by waiaas). */
export function enableCommand(kind: ServiceKind, file: string): string {
  return kind === 'systemd' ? 'systemctl --user daemon-reload && systemctl --user enable --now waiaas' : `launchctl bootstrap gui/$(id -u) ${shellQuote(file)}`
}

/** The commands that stop and unload the unit before it is removed. */
export function disableCommand(kind: ServiceKind, file: string): string {
  return kind === 'systemd' ? 'systemctl --user disable --now waiaas' : `launchctl bootout gui/$(id -u) ${shellQuote(file)}`
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`
}

/** A systemd word: always double-quoted, with backslash, quote, `$` and `%` escaped (systemd expands the last two). */
function sdQuote(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('$', '$$').replaceAll('%', '%%')}"`
}

export function systemdUnit(spec: ServiceSpec): string {
  const env = [`WAIAAS_DATA_DIR=${spec.dataDir}`, ...(spec.passwordFile !== undefined ? [`WAIAAS_MASTER_PASSWORD_FILE=${spec.passwordFile}`] : [])]
  return [
    '# Written by `waiaas daemon install --systemd`; remove with `waiaas daemon uninstall`.',
    '[Unit]',
    'Description=waiaas wallet daemon',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[spec.node, spec.bin].map(sdQuote).join(' ')} daemon start --foreground`,
    ...env.map((e) => `Environment=${sdQuote(e)}`),
    'Restart=on-failure',
    'RestartSec=5',
    'TimeoutStopSec=30',
    'UMask=0077',
    'NoNewPrivileges=yes',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n')
}

function xml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

export function launchdPlist(spec: ServiceSpec): string {
  const args = [spec.node, spec.bin, 'daemon', 'start', '--foreground', '--quiet']
  const env: [string, string][] = [['WAIAAS_DATA_DIR', spec.dataDir], ...(spec.passwordFile !== undefined ? [['WAIAAS_MASTER_PASSWORD_FILE', spec.passwordFile] as [string, string]] : [])]
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `waiaas daemon install --launchd`; remove with `waiaas daemon uninstall`. -->',
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key><string>${LAUNCHD_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args.map((a) => `    <string>${xml(a)}</string>`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...env.map(([k, v]) => `    <key>${k}</key><string>${xml(v)}</string>`),
    '  </dict>',
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key>',
    '  <dict><key>SuccessfulExit</key><false/></dict>',
    '  <key>ProcessType</key><string>Background</string>',
    '  <key>Umask</key><integer>63</integer>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n')
}

/** The password file a unit may name: an existing regular file, owned by this user, not readable by others. */
export function assertPasswordFile(file: string, field: string): string {
  const abs = path.resolve(file)
  let st: fs.Stats
  try {
    st = fs.statSync(abs)
  } catch (err) {
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot read the password file ${abs}`, { details: { path: abs, field }, cause: err })
  }
  if (!st.isFile()) throw new WaiaasError('INPUT_FILE_UNREADABLE', `${abs} is not a file`, { details: { path: abs, field } })
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid
  const mode = st.mode & 0o777
  if (st.uid !== uid || (mode & 0o077) !== 0) {
    throw new WaiaasError('INPUT_INVALID', `The password file ${abs} must belong to you and be private (mode ${mode.toString(8)}, owner uid ${st.uid})`, {
      details: { path: abs, field, mode: mode.toString(8), owner: st.uid, uid },
      hint: `Run \`chmod 600 ${shellQuote(abs)}\` as its owner, then try again.`,
    })
  }
  return abs
}
