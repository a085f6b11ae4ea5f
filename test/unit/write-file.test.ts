/** The one writer (writeFileAtomic) and its siblings on a real temporary folder: never through a symbolic link. */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WaiaasError } from '../../src/lib/errors.js'
import { assertCanWrite, ensurePrivateDir, openPrivateForAppend, writeFileAtomic, writeSecretFile } from '../../src/lib/paths.js'

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return err instanceof WaiaasError ? err.code : `not ours: ${String(err)}`
  }
  return 'no error'
}

describe('writeFileAtomic and friends', () => {
  let dir: string
  let victim: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wwf-'))
    victim = path.join(dir, 'victim')
    fs.writeFileSync(victim, 'victim', { mode: 0o644 })
    fs.chmodSync(victim, 0o644)
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  const victimUntouched = (): void => {
    expect(fs.readFileSync(victim, 'utf8')).toBe('victim')
    expect(fs.statSync(victim).mode & 0o777).toBe(0o644)
  }
  const noTempLeft = (): void => expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([])

  it('creates a new file with exactly the mode asked, whatever the umask', () => {
    const old = process.umask(0o077)
    try {
      writeFileAtomic(path.join(dir, 'unit'), 'x', { mode: 0o644 })
    } finally {
      process.umask(old)
    }
    expect(fs.statSync(path.join(dir, 'unit')).mode & 0o777).toBe(0o644)
    noTempLeft()
  })

  it('refuses a link at the path, with or without overwrite, dangling or not; the target keeps content and mode', () => {
    const link = path.join(dir, 'link')
    fs.symlinkSync(victim, link)
    expect(codeOf(() => writeSecretFile(link, 'evil'))).toBe('INPUT_FILE_SYMLINK')
    expect(codeOf(() => writeSecretFile(link, 'evil', { overwrite: true }))).toBe('INPUT_FILE_SYMLINK')
    victimUntouched()
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
    const dangling = path.join(dir, 'dangling')
    fs.symlinkSync(path.join(dir, 'nowhere'), dangling)
    expect(codeOf(() => writeSecretFile(dangling, 'evil', { overwrite: true }))).toBe('INPUT_FILE_SYMLINK')
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false)
    noTempLeft()
  })

  it('refuses an existing file unless overwrite, and then replaces only a regular file', () => {
    const f = path.join(dir, 'f')
    fs.writeFileSync(f, 'old')
    expect(codeOf(() => writeSecretFile(f, 'new'))).toBe('INPUT_FILE_EXISTS')
    expect(fs.readFileSync(f, 'utf8')).toBe('old')
    writeSecretFile(f, 'new', { overwrite: true })
    expect(fs.readFileSync(f, 'utf8')).toBe('new')
    expect(fs.statSync(f).mode & 0o777).toBe(0o600)
    const fifo = path.join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    expect(codeOf(() => writeSecretFile(fifo, 'x', { overwrite: true }))).toBe('INPUT_FILE_UNREADABLE')
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true)
    noTempLeft()
  })

  it('replacing a hard link leaves the other name as it was', () => {
    const f = path.join(dir, 'f')
    fs.linkSync(victim, f)
    writeSecretFile(f, 'new', { overwrite: true })
    expect(fs.readFileSync(f, 'utf8')).toBe('new')
    victimUntouched()
  })

  it('assertCanWrite carries the caller\'s hint on INPUT_FILE_EXISTS and names the link target on INPUT_FILE_SYMLINK', () => {
    try {
      assertCanWrite(victim, { hint: 'use --prefix' })
      expect.unreachable()
    } catch (err) {
      expect((err as WaiaasError).hint).toBe('use --prefix')
    }
    const link = path.join(dir, 'link')
    fs.symlinkSync(victim, link)
    try {
      assertCanWrite(link, { overwrite: true })
      expect.unreachable()
    } catch (err) {
      expect((err as WaiaasError).details).toEqual({ path: link, target: victim })
    }
  })

  it('openPrivateForAppend refuses a link (no append, no chmod of the target) and tightens an existing file to 0600', () => {
    const link = path.join(dir, 'daemon.log')
    fs.symlinkSync(victim, link)
    expect(codeOf(() => openPrivateForAppend(link))).toBe('INPUT_FILE_SYMLINK')
    victimUntouched()
    const log = path.join(dir, 'real.log')
    fs.writeFileSync(log, 'a\n', { mode: 0o644 })
    fs.chmodSync(log, 0o644)
    const fd = openPrivateForAppend(log)
    fs.writeSync(fd, 'b\n')
    fs.closeSync(fd)
    expect(fs.readFileSync(log, 'utf8')).toBe('a\nb\n')
    expect(fs.statSync(log).mode & 0o777).toBe(0o600)
  })

  it('ensurePrivateDir with ownSubdir refuses a linked folder; the data directory itself may be a link', () => {
    const real = path.join(dir, 'real')
    fs.mkdirSync(real, { mode: 0o700 })
    const linked = path.join(dir, 'linked')
    fs.symlinkSync(real, linked)
    expect(codeOf(() => ensurePrivateDir(linked, { ownSubdir: true }))).toBe('INPUT_FILE_SYMLINK')
    expect(codeOf(() => ensurePrivateDir(linked))).toBe('no error')
  })
})
