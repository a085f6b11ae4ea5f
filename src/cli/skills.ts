/**
 * The agent skills shipped in `skills/` (Agent Skills folders: `<name>/SKILL.md` with `name` and `description` front
 * matter) and where a client reads them: Claude Code looks in `~/.claude/skills/<name>/` (every project) or
 * `.claude/skills/<name>/` in a project.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { WaiaasError } from '../lib/errors.js'

export const SKILL_CLIENTS = ['claude-code'] as const
export type SkillClient = (typeof SKILL_CLIENTS)[number]

/** The skill folders under `root` (each has a SKILL.md), by name. */
export function shippedSkills(root: string): string[] {
  const dir = path.join(root, 'skills')
  if (!fs.existsSync(dir)) {
    throw new WaiaasError('INTERNAL', 'The skills folder is missing from this installation', { details: { path: dir }, hint: 'Reinstall waiaas.' })
  }
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'SKILL.md')))
    .map((e) => e.name)
    .sort()
}

/** Where `client` reads skills: the user's folder, or the project's (`projectDir`). */
export function skillsDir(client: SkillClient, projectDir: string | undefined, home = os.homedir()): string {
  switch (client) {
    case 'claude-code':
      return projectDir === undefined ? path.join(home, '.claude', 'skills') : path.join(projectDir, '.claude', 'skills')
  }
}

export interface InstalledSkill {
  name: string
  path: string
  replaced: boolean
}

/** Copies each shipped skill folder into `dest/<name>/`, replacing an earlier copy of the same skill. */
export function installSkills(root: string, dest: string): InstalledSkill[] {
  fs.mkdirSync(dest, { recursive: true })
  return shippedSkills(root).map((name) => {
    const to = path.join(dest, name)
    const replaced = fs.existsSync(to)
    if (replaced && fs.lstatSync(to).isSymbolicLink()) {
      throw new WaiaasError('INPUT_FILE_SYMLINK', `${to} is a symbolic link; not replacing it`, {
        details: { path: to },
        hint: 'Remove the link, or install into the folder it points to with --project from there.',
      })
    }
    fs.rmSync(to, { recursive: true, force: true })
    fs.cpSync(path.join(root, 'skills', name), to, { recursive: true })
    return { name, path: path.join(to, 'SKILL.md'), replaced }
  })
}
