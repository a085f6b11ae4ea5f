/**
 * Walks the generated oclif manifest and package.json's oclif section as a user meets them in `--help`: every command
 * is described and has examples that can be pasted (no `…` standing for a value), every topic in package.json has
 * commands and its own description (none borrows a command's text), every alias names a command that exists, and the
 * build writes the manifest byte for byte the same whatever order oclif found the commands in.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Config } from '@oclif/core/config'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MANIFEST = path.join(ROOT, 'oclif.manifest.json')

interface ManifestCommand {
  id: string
  description?: string
  summary?: string
  examples?: (string | { command: string })[]
  hidden?: boolean
  aliases: string[]
  aliasOf?: string
  flags: Record<string, { name: string; type: string; options?: string[] }>
}
const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as { commands: Record<string, ManifestCommand>; version: string }
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string
  oclif: { topics: Record<string, { description: string }>; plugins: string[]; additionalVersionFlags?: string[] }
}
const commands = Object.values(manifest.commands)
const exampleText = (e: string | { command: string }): string => (typeof e === 'string' ? e : e.command)

describe('the command manifest', () => {
  it('gives every command a description and at least one example, none with an ellipsis standing for a value', () => {
    expect(commands.length).toBeGreaterThan(80)
    for (const c of commands) {
      expect((c.summary ?? c.description ?? '').length, `${c.id} has a description`).toBeGreaterThan(10)
      expect(c.examples?.length ?? 0, `${c.id} has an example`).toBeGreaterThan(0)
      for (const e of c.examples ?? []) {
        const text = exampleText(e)
        expect(text, `${c.id} example`).not.toMatch(/…|\.\.\.(?!\/)/)
        expect(text, `${c.id} example runs waiaas`).toContain('<%= config.bin %> ')
      }
    }
  })

  it('writes every EVM address in an example with its EIP-55 checksum, so it is accepted as pasted', async () => {
    const { getAddress } = await import('ethers')
    let seen = 0
    for (const c of commands) {
      for (const e of c.examples ?? []) {
        for (const a of exampleText(e).match(/0x[0-9a-fA-F]{40}(?![0-9a-fA-F])/g) ?? []) {
          seen++
          expect(getAddress(a), `${c.id}: ${a}`).toBe(a)
        }
      }
    }
    expect(seen).toBeGreaterThan(5)
  })

  it('has a topic in package.json, with commands under it, for every group of commands', () => {
    const groups = new Set(commands.filter((c) => c.hidden !== true && c.id.includes(':')).map((c) => c.id.split(':')[0] ?? ''))
    for (const g of groups) expect(pkg.oclif.topics[g]?.description, `topic ${g} is described in package.json`).toBeTruthy()
    for (const [name, t] of Object.entries(pkg.oclif.topics)) {
      expect(t.description.length, name).toBeGreaterThan(10)
      expect(commands.some((c) => c.hidden !== true && c.id.startsWith(`${name}:`)), `topic ${name} has commands`).toBe(true)
    }
  })

  it("points every alias at a command that exists, and hides the alias commands (WAIaaS's spellings) from help", () => {
    const ids = new Set(commands.map((c) => c.id))
    const aliasCommands = commands.filter((c) => c.aliasOf !== undefined)
    expect(aliasCommands.map((c) => `${c.id} -> ${c.aliasOf}`).sort()).toEqual(['notification:setup -> notify:add', 'restore -> backup:restore', 'wallet:info -> wallet:show'])
    for (const c of aliasCommands) {
      expect(ids.has(c.aliasOf ?? ''), c.id).toBe(true)
      expect(c.hidden, c.id).toBe(true)
    }
    const aliases = commands.flatMap((c) => c.aliases.map((a) => `${a} -> ${c.id}`)).sort()
    expect(aliases).toEqual(['quickstart -> quickset', 'set-master -> password:change', 'start -> daemon:start', 'stop -> daemon:stop', 'upgrade -> update'])
    for (const a of aliases) expect(ids.has(a.split(' -> ')[0] ?? ''), `${a} does not shadow a command`).toBe(false)
  })

  it('offers --columns, --csv and --no-truncate on every list, with the columns as the allowed values', () => {
    const lists = ['wallet:list', 'policy:list', 'tx:list', 'session:list', 'incoming:list', 'notify:list', 'notify:deliveries', 'audit:list', 'network:list', 'plugin:list', 'backup:list', 'config:list']
    for (const id of lists) {
      const c = manifest.commands[id]
      expect(c, id).toBeDefined()
      expect(Object.keys(c?.flags ?? {}), id).toEqual(expect.arrayContaining(['columns', 'csv', 'no-truncate']))
      expect(c?.flags.columns?.options?.length ?? 0, id).toBeGreaterThan(1)
    }
    expect(manifest.commands['wallet:list']?.flags.columns?.options).toEqual(['name', 'chain', 'address', 'id'])
  })
})

describe('topics and help as oclif loads them', () => {
  let config: Config
  beforeAll(async () => {
    config = await Config.load(ROOT)
  })

  it("shows each topic's own description (the config topic once showed `config get`'s)", () => {
    for (const [name, t] of Object.entries(pkg.oclif.topics)) expect(config.findTopic(name)?.description, name).toBe(t.description)
    const configGet = manifest.commands['config:get']
    expect(config.findTopic('config')?.description).not.toBe(configGet?.summary ?? configGet?.description)
  })

  it('loads the plugins for help, commands and autocomplete, and -v as a version flag', () => {
    expect(pkg.oclif.plugins).toEqual(['@oclif/plugin-help', '@oclif/plugin-autocomplete', '@oclif/plugin-commands'])
    for (const id of ['help', 'commands', 'autocomplete', 'version']) expect(config.findCommand(id), id).toBeDefined()
    expect(pkg.oclif.additionalVersionFlags).toEqual(['-v'])
  })

  it('prints the config topic help with the topic description first (bin/run.js)', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/run.js'), 'config', '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    expect(r.status).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(pkg.oclif.topics.config?.description)
    expect(r.stdout).toContain('config get')
  })
})

describe('a build leaves the manifest as committed', () => {
  const sorter = path.join(ROOT, 'scripts/sort-manifest.mjs')

  it('sorts the commands by id and ends with a newline, so the committed file is already in that form', () => {
    const text = fs.readFileSync(MANIFEST, 'utf8')
    const ids = Object.keys(manifest.commands)
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    expect(text.endsWith('}\n')).toBe(true)
  })

  it('writes the same bytes whatever order the commands came in', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wmf-'))
    try {
      const reversed = { ...manifest, commands: Object.fromEntries(Object.entries(manifest.commands).reverse()) }
      const file = path.join(dir, 'oclif.manifest.json')
      fs.writeFileSync(file, JSON.stringify(reversed))
      execFileSync(process.execPath, [sorter, file])
      expect(fs.readFileSync(file, 'utf8')).toBe(fs.readFileSync(MANIFEST, 'utf8'))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('regenerates the committed manifest byte for byte from the built commands (oclif manifest, then the sorter)', () => {
    // A copy of the package whose dist is the one built: oclif writes there, never over the committed file.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wmf-'))
    try {
      fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'))
      fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true })
      for (const d of ['node_modules', 'bin']) fs.symlinkSync(path.join(ROOT, d), path.join(dir, d))
      const oclif = path.join(ROOT, 'node_modules/oclif/bin/run.js')
      // The committed file came from a build; this is a second one.
      execFileSync(process.execPath, [oclif, 'manifest', dir], { cwd: dir, stdio: 'pipe' })
      execFileSync(process.execPath, [sorter, path.join(dir, 'oclif.manifest.json')])
      expect(fs.readFileSync(path.join(dir, 'oclif.manifest.json'), 'utf8'), 'run `npm run build` and commit oclif.manifest.json').toBe(fs.readFileSync(MANIFEST, 'utf8'))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
