import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Env } from './env.js'
import { WaiaasError } from './errors.js'
import { settingDefault } from './resolve-settings.js'

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
  /** The devnet's folder: its record (pids, ports, test tokens) and the local chains' state files. */
  devnet: string
}

/** Unix socket paths are limited to 108 bytes on Linux and 104 on macOS, including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 103

/** The data directory: `--data-dir`, then WAIAAS_DATA_DIR, then ~/.waiaas. Always absolute. */
export function resolveDataDir(flag: string | undefined, env: Env): string {
  const raw = flag ?? env.dataDir ?? path.join(os.homedir(), settingDefault('dataDir').replace(/^~\//, ''))
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
    devnet: path.join(dir, 'devnet'),
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

/**
 * Creates a directory with mode 0700 if it is missing (parents too), then checks that it is private. `ownSubdir`: a
 * folder waiaas makes inside the data directory for secrets (mcp/, backups/, devnet/); a symbolic link there was not
 * made by waiaas and would carry those files out of the private directory, so it is refused (INPUT_FILE_SYMLINK).
 * The data directory itself may be a link the user made.
 */
export function ensurePrivateDir(dir: string, opts: { ownSubdir?: boolean } = {}): void {
  if (opts.ownSubdir === true) refuseSymlink(dir)
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

/** Writes a secret file atomically with mode 0600 (see writeFileAtomic): refusing an existing file unless asked. */
export function writeSecretFile(file: string, content: string | Buffer, opts: { overwrite?: boolean } = {}): void {
  writeFileAtomic(file, content, { mode: 0o600, ...opts })
}

/** INPUT_FILE_SYMLINK naming the link and where it points. */
function symlinkError(file: string): WaiaasError {
  let target: string | null = null
  try {
    target = fs.readlinkSync(file)
  } catch {
    // gone meanwhile: the path alone says enough
  }
  return new WaiaasError('INPUT_FILE_SYMLINK', `${file} is a symbolic link; waiaas does not write through it`, { details: { path: file, target } })
}

/** Throws INPUT_FILE_SYMLINK when `file` itself (not what it points to) is a symbolic link. */
function refuseSymlink(file: string): void {
  let st: fs.Stats
  try {
    st = fs.lstatSync(file)
  } catch {
    return // missing (or unreadable: the write that follows says why)
  }
  if (st.isSymbolicLink()) throw symlinkError(file)
}

/**
 * The rules of every file waiaas writes, checked without following links: a symbolic link at the path is refused
 * (INPUT_FILE_SYMLINK), with or without `overwrite`; an existing file is refused (INPUT_FILE_EXISTS, with `hint`)
 * unless `overwrite`, and then only a regular file is replaced. Commands call it before doing the work, so a bad path
 * costs nothing (no export, no session); writeFileAtomic checks again when it writes.
 */
export function assertCanWrite(file: string, opts: { overwrite?: boolean; hint?: string } = {}): void {
  let st: fs.Stats
  try {
    st = fs.lstatSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}`, { details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null }, cause: err })
  }
  if (st.isSymbolicLink()) throw symlinkError(file)
  if (opts.overwrite !== true) {
    throw new WaiaasError('INPUT_FILE_EXISTS', `${file} already exists`, { details: { path: file }, ...(opts.hint !== undefined ? { hint: opts.hint } : {}) })
  }
  if (!st.isFile()) throw new WaiaasError('INPUT_FILE_UNREADABLE', `${file} is not a regular file`, { details: { path: file, errno: null } })
}

/** assertWritableTarget and assertCanWrite: the checks a command makes on an --out path before it does anything. */
export function assertOutputPath(file: string, opts: { overwrite?: boolean; hint?: string } = {}): void {
  assertWritableTarget(file)
  assertCanWrite(file, opts)
}

/**
 * The one writer of every file waiaas creates or replaces (--out files, token files, the config file, the MCP client
 * config, service units, backups, recovery.key): `file` is written atomically with exactly `mode` — a temp file in
 * the same folder, created exclusively, fsynced, then renamed over the file (`overwrite`) or linked to it, which
 * fails instead of replacing a file that appeared meanwhile. Never through a symbolic link: a link at `file` is
 * refused (INPUT_FILE_SYMLINK), and rename and link replace or refuse a link that appears later without following
 * it, so what a link points to is never touched. INPUT_FILE_EXISTS for an existing file without `overwrite`; other
 * failures are INPUT_FILE_UNREADABLE; no temp file is left behind.
 */
export function writeFileAtomic(file: string, content: string | Buffer, opts: { mode: number; overwrite?: boolean }): void {
  assertCanWrite(file, { overwrite: opts.overwrite === true })
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  let fd: number
  try {
    fd = fs.openSync(tmp, 'wx', opts.mode) // O_EXCL: fails on anything already there, a link included
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
      fs.linkSync(tmp, file) // fails with EEXIST instead of replacing an existing file (or link)
      fs.unlinkSync(tmp)
    }
  } catch (err) {
    fs.rmSync(tmp, { force: true })
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      refuseSymlink(file)
      throw new WaiaasError('INPUT_FILE_EXISTS', `${file} already exists`, { details: { path: file } })
    }
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}`, { details: { path: file }, cause: err })
  }
}

/**
 * Opens `file` for appending (created 0600, tightened to 0600 if it was wider) without following a symbolic link
 * there: a log or database file planted as a link to another file would otherwise have that file appended to and
 * chmod-ed. INPUT_FILE_SYMLINK for a link; other failures are thrown as they are, for the caller to name.
 */
export function openPrivateForAppend(file: string): number {
  let fd: number
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkError(file)
    throw err
  }
  try {
    if ((fs.fstatSync(fd).mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600)
  } catch (err) {
    fs.closeSync(fd)
    throw err
  }
  return fd
}
