/**
 * The agent skills in skills/: each folder's SKILL.md has YAML front matter with `name` (the folder's name, lowercase
 * letters, digits and hyphens, at most 64) and `description` (at most 1024), as the Agent Skills format asks; and
 * `waiaas skills install --client claude-code [--project]` (a real bin/run.js) copies them where Claude Code reads
 * skills: ~/.claude/skills/<name>/SKILL.md, or .claude/skills/<name>/SKILL.md in the project.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'

const root = path.resolve(import.meta.dirname, '../..')
const skillsDir = path.join(root, 'skills')
const folders = fs.readdirSync(skillsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()
const tmp = tempHome('skills-')
afterAll(() => tmp.cleanup())

function frontMatter(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8')
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text)
  expect(m, `${file} starts with --- front matter ---`).not.toBeNull()
  expect(text.slice(m![0].length).trim().length, `${file} has instructions after its front matter`).toBeGreaterThan(200)
  return parse(m![1]!) as Record<string, unknown>
}

describe('skills/', () => {
  it('has the four skills the issue names', () => {
    expect(folders).toEqual(['waiaas-check-balances', 'waiaas-pay-invoice', 'waiaas-stay-within-limits', 'waiaas-wait-for-approval'])
  })

  it.each(folders)('%s: SKILL.md front matter has a valid name matching its folder and a description', (name) => {
    const fm = frontMatter(path.join(skillsDir, name, 'SKILL.md'))
    expect(fm.name).toBe(name)
    expect(fm.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(String(fm.name).length).toBeLessThanOrEqual(64)
    expect(typeof fm.description).toBe('string')
    expect(String(fm.description).length).toBeGreaterThan(40)
    expect(String(fm.description).length).toBeLessThanOrEqual(1024)
    expect(String(fm.description)).toMatch(/Use when/)
  })
})

describe('waiaas skills install', () => {
  const env = (home: string) => cliEnv(tmp.dataDir, { HOME: home })

  it('--client claude-code writes every skill to ~/.claude/skills/<name>/SKILL.md, byte for byte', async () => {
    const home = path.join(tmp.root, 'home')
    fs.mkdirSync(home)
    const r = await runCli(['skills', 'install', '--client', 'claude-code', '--json'], { env: env(home), spawn: true })
    expect(r.code, r.stderr).toBe(0)
    const data = r.json?.data as { scope: string; dir: string; skills: Array<{ name: string; path: string; replaced: boolean }> }
    expect(data.scope).toBe('user')
    expect(data.dir).toBe(path.join(home, '.claude', 'skills'))
    expect(data.skills.map((s) => s.name)).toEqual(folders)
    for (const name of folders) {
      const dest = path.join(home, '.claude', 'skills', name, 'SKILL.md')
      expect(fs.readFileSync(dest, 'utf8')).toBe(fs.readFileSync(path.join(skillsDir, name, 'SKILL.md'), 'utf8'))
    }
    // Again: replaces its own copies, leaves another skill alone.
    const mine = path.join(home, '.claude', 'skills', 'my-own', 'SKILL.md')
    fs.mkdirSync(path.dirname(mine))
    fs.writeFileSync(mine, '---\nname: my-own\ndescription: x\n---\n')
    fs.writeFileSync(path.join(home, '.claude', 'skills', folders[0]!, 'SKILL.md'), 'stale')
    const again = await runCli(['skills', 'install', '--client', 'claude-code', '--json'], { env: env(home), spawn: true })
    expect((again.json?.data as typeof data).skills.every((s) => s.replaced)).toBe(true)
    expect(fs.readFileSync(path.join(home, '.claude', 'skills', folders[0]!, 'SKILL.md'), 'utf8')).toContain(`name: ${folders[0]}`)
    expect(fs.readFileSync(mine, 'utf8')).toContain('my-own')
  })

  it('--project writes to .claude/skills in the current directory, not the home folder', async () => {
    const home = path.join(tmp.root, 'home2')
    const project = path.join(tmp.root, 'project')
    fs.mkdirSync(home)
    fs.mkdirSync(project)
    const r = await runCli(['skills', 'install', '--client', 'claude-code', '--project', '--json'], { env: env(home), cwd: project, spawn: true })
    expect(r.code, r.stderr).toBe(0)
    for (const name of folders) expect(fs.existsSync(path.join(project, '.claude', 'skills', name, 'SKILL.md')), name).toBe(true)
    expect(fs.existsSync(path.join(home, '.claude'))).toBe(false)
  })

  it('refuses an unknown client as a usage error, writing nothing', async () => {
    const home = path.join(tmp.root, 'home3')
    fs.mkdirSync(home)
    const r = await runCli(['skills', 'install', '--client', 'vim', '--json'], { env: env(home), spawn: true })
    expect(r.code).toBe(2)
    expect(r.json?.error?.code).toBe('USAGE')
    expect(fs.existsSync(path.join(home, '.claude'))).toBe(false)
  })
})
