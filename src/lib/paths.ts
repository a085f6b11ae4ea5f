import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Env } from './env.js'
import { WaiaasError } from './errors.js'

/** Every file waiaas keeps, derived from one data directory. */
export interface Paths {
  dataDir: string
  socket: string
  pidFile: string
  logFile: string
  db: string
  recoveryKey: string
  config: string
  backups: string
}

/** Unix socket paths are limited to 108 bytes on Linux and 104 on macOS, including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 103

/** The data directory: `--data-dir`, then WAIAAS_DATA_DIR, then ~/.waiaas. Always absolute. */
export function resolveDataDir(flag: string | undefined, env: Env): string {
  const raw = flag ?? env.dataDir ?? path.join(os.homedir(), '.waiaas')
  return path.resolve(raw)
}

/**
 * All paths for a data directory. The socket lives in the data directory unless that path is too long for a
 * Unix socket; then it moves to a per-user 0700 directory under the system temp dir, named by a hash of the
 * data directory, so the CLI and the daemon always agree on it.
 */
export function resolvePaths(dataDir: string, env: Pick<Env, 'socketPath'> = {}): Paths {
  const dir = path.resolve(dataDir)
  let socket = env.socketPath !== undefined ? path.resolve(env.socketPath) : path.join(dir, 'waiaas.sock')
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    if (env.socketPath !== undefined) {
      throw new WaiaasError('SOCKET_PATH_TOO_LONG', `WAIAAS_SOCKET_PATH is ${Buffer.byteLength(socket)} bytes; Unix sockets allow ${MAX_SOCKET_PATH_BYTES}`, {
        details: { variable: 'WAIAAS_SOCKET_PATH', bytes: Buffer.byteLength(socket), max: MAX_SOCKET_PATH_BYTES },
      })
    }
    socket = fallbackSocketPath(dir)
  }
  return {
    dataDir: dir,
    socket,
    pidFile: path.join(dir, 'daemon.pid'),
    logFile: path.join(dir, 'daemon.log'),
    db: path.join(dir, 'waiaas.db'),
    recoveryKey: path.join(dir, 'recovery.key'),
    config: path.join(dir, 'config.json'),
    backups: path.join(dir, 'backups'),
  }
}

function fallbackSocketPath(dataDir: string): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16)
  const socket = path.join(os.tmpdir(), `waiaas-${uid}`, `${digest}.sock`)
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    throw new WaiaasError('SOCKET_PATH_TOO_LONG', 'The data directory path is too long for a Unix socket and so is the temp-dir fallback', {
      details: { dataDir, max: MAX_SOCKET_PATH_BYTES },
    })
  }
  return socket
}

/** True when the socket was moved out of the data directory because the path was too long. */
export function socketIsFallback(paths: Paths): boolean {
  return path.dirname(paths.socket) !== paths.dataDir
}

/**
 * Checks that a directory is ours and private: owned by this user, not readable or writable by group or others.
 * Throws DATA_DIR_INSECURE / DATA_DIR_FOREIGN_OWNER / DATA_DIR_UNUSABLE with a fix in the hint.
 */
export function assertPrivateDir(dir: string): void {
  let st: fs.Stats
  try {
    st = fs.statSync(dir)
  } catch (err) {
    throw new WaiaasError('DATA_DIR_UNUSABLE', `Cannot read the data directory ${dir}`, { details: { path: dir }, cause: err })
  }
  if (!st.isDirectory()) {
    throw new WaiaasError('DATA_DIR_UNUSABLE', `${dir} is not a directory`, { details: { path: dir } })
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid
  if (st.uid !== uid) {
    throw new WaiaasError('DATA_DIR_FOREIGN_OWNER', `The data directory ${dir} belongs to uid ${st.uid}, not to you (uid ${uid})`, {
      details: { path: dir, owner: st.uid, uid },
    })
  }
  const mode = st.mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new WaiaasError('DATA_DIR_INSECURE', `The data directory ${dir} is open to other users (mode ${mode.toString(8)}); refusing to use it`, {
      details: { path: dir, mode: mode.toString(8) },
      hint: `Run \`chmod 700 ${dir}\`, then try again.`,
    })
  }
}

/** Creates a directory with mode 0700 if it is missing (parents too), then checks that it is private. */
export function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw new WaiaasError('DATA_DIR_UNUSABLE', `Cannot create the data directory ${dir}`, { details: { path: dir }, cause: err })
  }
  assertPrivateDir(dir)
}

/** Creates the data directory (and the socket's fallback directory, if used) privately. */
export function ensureDataDirs(paths: Paths): void {
  ensurePrivateDir(paths.dataDir)
  if (socketIsFallback(paths)) ensurePrivateDir(path.dirname(paths.socket))
}

/** Throws INPUT_FILE_UNREADABLE unless `file` could be created: its directory exists and is writable. */
export function assertWritableTarget(file: string): void {
  const dir = path.dirname(path.resolve(file))
  try {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })
    fs.accessSync(dir, fs.constants.W_OK)
  } catch (err) {
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}: ${dir} is not a writable directory`, {
      details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null },
      cause: err,
    })
  }
}

/** Writes a secret file atomically with mode 0600 (temp file + rename), refusing to overwrite unless asked. */
export function writeSecretFile(file: string, content: string | Buffer, opts: { overwrite?: boolean } = {}): void {
  writeFileAtomic(file, content, { mode: 0o600, ...opts })
}

/**
 * Writes `file` atomically with exactly `mode`: a temp file in the same folder, fsynced, then renamed over the file
 * (`overwrite`) or linked to it, which fails with INPUT_FILE_EXISTS instead of replacing a file that is there.
 * Other failures are INPUT_FILE_UNREADABLE; no temp file is left behind.
 */
export function writeFileAtomic(file: string, content: string | Buffer, opts: { mode: number; overwrite?: boolean }): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
  let fd: number
  try {
    fd = fs.openSync(tmp, 'wx', opts.mode)
  } catch (err) {
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}`, { details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null }, cause: err })
  }
  try {
    fs.fchmodSync(fd, opts.mode) // the umask may have narrowed it
    fs.writeFileSync(fd, content)
    fs.fsyncSync(fd)
  } catch (err) {
    fs.closeSync(fd)
    fs.rmSync(tmp, { force: true })
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}`, { details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null }, cause: err })
  }
  fs.closeSync(fd)
  try {
    if (opts.overwrite === true) {
      fs.renameSync(tmp, file)
    } else {
      fs.linkSync(tmp, file) // fails with EEXIST instead of replacing an existing file
      fs.unlinkSync(tmp)
    }
  } catch (err) {
    fs.rmSync(tmp, { force: true })
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new WaiaasError('INPUT_FILE_EXISTS', `${file} already exists`, { details: { path: file } })
    }
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}`, { details: { path: file }, cause: err })
  }
}
