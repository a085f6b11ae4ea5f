import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import { installSkills, SKILL_CLIENTS, skillsDir, type InstalledSkill } from '../../cli/skills.js'

type Data = { client: string; scope: 'user' | 'project'; dir: string; skills: InstalledSkill[] }

export default class SkillsInstall extends BaseCommand<typeof SkillsInstall> {
  static override summary = "Install waiaas's agent skills where an agent client reads them"
  static override description =
    'Copies the skills shipped with waiaas (paying an invoice, checking balances and incoming funds, waiting for ' +
    'approval, staying within limits; Agent Skills folders with a SKILL.md each) to where the client looks: for Claude ' +
    'Code ~/.claude/skills/<name>/, or .claude/skills/<name>/ in the current directory with --project. An earlier copy ' +
    'of the same skill is replaced; other skills are left alone.'
  static override examples = ['<%= config.bin %> skills install --client claude-code', '<%= config.bin %> skills install --client claude-code --project']
  static override flags = {
    client: Flags.option({ description: 'The agent client', options: SKILL_CLIENTS, required: true })(),
    project: Flags.boolean({ description: "Install into the current directory's project (.claude/skills) instead of your user folder", default: false }),
  }

  protected override async exec(): Promise<Data> {
    const client = this.flags.client
    const dir = skillsDir(client, this.flags.project ? process.cwd() : undefined)
    return { client, scope: this.flags.project ? 'project' : 'user', dir, skills: installSkills(this.config.root, dir) }
  }

  protected override render(d: Data): void {
    for (const s of d.skills) this.log(`${s.replaced ? 'Replaced' : 'Installed'} ${s.name} → ${s.path}`)
    this.log(`\n${d.skills.length} skills in ${d.dir}; Claude Code picks them up in its next session.`)
  }
}
