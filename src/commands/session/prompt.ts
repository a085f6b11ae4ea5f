import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import { sessionFlags, sessionParams } from '../../cli/session-flags.js'
import type { SessionView } from '../../lib/contract/index.js'
import { systemPromptText } from '../../lib/agent-brief.js'
import { assertOutputPath, writeSecretFile } from '../../lib/paths.js'

type Data = { session: SessionView; prompt: string; token?: string; tokenFile?: string }

export default class SessionPrompt extends BaseCommand<typeof SessionPrompt> {
  static override summary = 'Create an agent session and print a ready system prompt for the agent'
  static override description =
    'Creates a session as `session create` does, then prints a system prompt for the agent: its wallets and networks, its ' +
    'limits and the policies that apply in words, what each tier (instant, delay, approval, deny) looks like, and how to ' +
    'connect: the MCP client entry, TypeScript and Python SDK lines and CLI lines, each reading the token from the ' +
    'environment. The prompt holds no secret unless --include-token (then the token appears once, in the line that sets ' +
    'WAIAAS_SESSION_TOKEN): it names the token file (--out) or, without one, the token is shown once after the prompt, outside it.'
  static override examples = [
    '<%= config.bin %> session prompt --wallet treasury --ttl 8h --out ./agent.token > agent-prompt.md',
    '<%= config.bin %> session prompt --wallet hot --methods read,send --limit-usd-per-day 50 --include-token',
  ]
  static override flags = {
    ...passwordFlags,
    ...sessionFlags,
    out: Flags.string({ description: 'Write the token to this new file (mode 0600); the prompt names the file' }),
    'include-token': Flags.boolean({ description: 'Put the token itself in the prompt (a secret: only for an agent you trust with it)', default: false }),
  }

  protected override async exec(): Promise<Data> {
    const f = this.flags
    if (f.out !== undefined) assertOutputPath(f.out)
    const created = await this.operatorCall('session.create', sessionParams(f))
    // The policies as the session itself sees them: the daemon's own scoping decides what the prompt may say.
    const { policies } = await (await this.daemon()).call('policy.list', {}, { token: created.token })
    if (f.out !== undefined) writeSecretFile(f.out, `${created.token}\n`)
    const wallet = created.session.wallets[0]?.name
    const prompt = systemPromptText(created.session, policies, { token: created.token, tokenFile: f.out, includeToken: f['include-token'], wallet })
    if (f.out !== undefined) return { session: created.session, prompt, tokenFile: f.out }
    return { session: created.session, prompt, token: created.token }
  }

  protected override render(d: Data): void {
    this.log(d.prompt)
    if (d.token !== undefined && !this.flags['include-token']) {
      process.stderr.write(`\nSession ${d.session.id} created. Its token (not in the prompt; shown once, give it to the agent's client):\n${d.token}\n`)
    }
  }
}
