/**
 * The waiaas package on disk: its root directory (package.json, bin/, dist/) and its package.json. Modules find files
 * of the package from here, never from their own depth: the build bundles the CLI and the daemon into dist/bundle/
 * (scripts/bundle.mjs), where a module's code may sit in a shared chunk at another depth than its source.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

interface PackageJson {
  name: string
  version: string
}

function readPackageJson(file: string): PackageJson | undefined {
  if (!fs.existsSync(file)) return undefined
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PackageJson>
  return pkg.name === 'waiaas' && typeof pkg.version === 'string' ? { name: pkg.name, version: pkg.version } : undefined
}

/** The nearest directory at or above `from` whose package.json is waiaas's. */
export function findPackageRoot(from: string): { root: string; pkg: PackageJson } {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = readPackageJson(path.join(dir, 'package.json'))
    if (pkg !== undefined) return { root: dir, pkg }
    if (path.dirname(dir) === dir) throw new Error(`waiaas's package.json was not found at or above ${from}`)
  }
}

const found = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)))

/** The package's root directory. */
export const PACKAGE_ROOT: string = found.root

/** The package's name and version, from its package.json. */
export const PACKAGE: Readonly<PackageJson> = found.pkg

/** A file or directory of the package, by its path from the root (`packagePath('bin', 'run.js')`). */
export function packagePath(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts)
}
