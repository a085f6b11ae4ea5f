/**
 * src/lib/package.ts: modules find the package's files from its root, not from their own depth (the bundle moves
 * their code into dist/bundle/chunks/). The root is the nearest directory above with waiaas's package.json; a
 * package.json of another name on the way (a dependency's, a workspace's) is passed over.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { PACKAGE, PACKAGE_ROOT, findPackageRoot, packagePath } from '../../src/lib/package.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

describe('the package root', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-pkgroot-'))
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it('is this checkout, with its package.json', () => {
    expect(PACKAGE_ROOT).toBe(path.resolve(REPO))
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string }
    expect(PACKAGE).toEqual({ name: pkg.name, version: pkg.version })
    expect(packagePath('bin', 'run.js')).toBe(path.join(REPO, 'bin', 'run.js'))
  })

  it('is found from any depth, passing over a package.json of another name', () => {
    fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'waiaas', version: '9.9.9' }))
    const deep = path.join(tmp, 'dist', 'bundle', 'chunks')
    fs.mkdirSync(path.join(tmp, 'dist', 'node_modules', 'other'), { recursive: true })
    fs.writeFileSync(path.join(tmp, 'dist', 'package.json'), JSON.stringify({ name: 'other', version: '1.0.0' }))
    fs.mkdirSync(deep, { recursive: true })
    expect(findPackageRoot(deep)).toEqual({ root: tmp, pkg: { name: 'waiaas', version: '9.9.9' } })
  })

  it('is an error where no waiaas package.json is above', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-nopkg-'))
    try {
      expect(() => findPackageRoot(outside)).toThrow(/package\.json was not found/)
    } finally {
      fs.rmSync(outside, { recursive: true, force: true })
    }
  })
})
