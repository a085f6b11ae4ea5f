/**
 * The CLI habits users bring from oclif, gh and cast, through bin/run.js: an unknown command or flag is one USAGE
 * envelope under --json (exit 2) with a did-you-mean; WAIaaS's command names run ours with a note on stderr; the
 * version flags; push-relay's FEATURE_UNAVAILABLE; --columns / --csv / --no-truncate on lists (on a real terminal
 * through `script`); and shell completion built from our commands.
 */
import { execFile, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv, runCli, tempHome, type CliResult } from '../helpers/cli.js'
import { MASTER_PASSWORD, fails, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'

const VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** The alias note on stderr, as src/hooks/alias-note.ts writes it. */
const note = (typed: string, ours: string): string => `Note: \`waiaas ${typed}\` is \`waiaas ${ours}\` here.`

/** A small RFC 4180 reader (quoted cells with doubled quotes and commas). */
function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].filter((m, i, all) => i < all.length - 1 || m[0] !== '').map((m) => (m[1]?.startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : (m[1] ?? ''))))
}

describe('CLI habits', () => {
  const home = tempHome('wh-')
  const cli = runner(home.dataDir)
  const pw = home.file('master.txt', MASTER_PASSWORD)
  const env = cliEnv(home.dataDir)
  const cache = path.join(home.root, 'cache')
  const offline = { WAIAAS_NPM_REGISTRY: 'http://127.0.0.1:9' }
  const missing = path.join(home.root, 'missing.wbak')
  let main: { id: string; name: string; address: string }
  /** Runs that need no daemon, started all at once (each CLI start costs about half a second). */
  let early: Record<string, CliResult>

  beforeAll(async () => {
    const runs: Record<string, Promise<CliResult>> = {
      walet: cli.run(['walet', 'list']),
      waletHuman: runCli(['walet', 'list'], { env }),
      bogus: cli.run(['wallet', 'list', '--bogus']),
      topic: cli.run(['wallet']),
      secretFlag: cli.run(['set-master', '--password', 'hunter2-secret']),
      v: runCli(['-v'], { env }),
      version: runCli(['--version'], { env }),
      versionCmd: runCli(['version'], { env }),
      versionJson: cli.run(['version']),
      relayArgs: cli.run(['push-relay', '--daemon-url', 'http://daemon:3100', 'extra']),
      infoNoWallet: cli.run(['wallet', 'info']),
      restoreUnconfirmed: cli.run(['restore', missing]),
      upgrade: cli.run(['upgrade', '--check'], { env: offline }),
      csvJson: cli.run(['wallet', 'list', '--csv']),
      badColumn: runCli(['policy', 'list', '--columns', 'rules,colour'], { env }),
      bashScript: runCli(['autocomplete', 'script', 'bash'], { env: { ...env, WAIAAS_CACHE_DIR: cache } }),
      refresh: runCli(['autocomplete', '--refresh-cache'], { env: { ...env, WAIAAS_CACHE_DIR: cache } }),
      fishScript: runCli(['autocomplete', 'script', 'fish'], { env }),
    }
    early = Object.fromEntries(await Promise.all(Object.entries(runs).map(async ([k, p]) => [k, await p] as const)))
    ok(await cli.run(['init', '--password-file', pw]))
    const [m] = await Promise.all([
      cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'main', '--password-file', pw]),
      cli.run(['wallet', 'create', '--chain', 'solana', '--name', 'sol, "hot"', '--password-file', pw]).then(ok),
      cli.run(['policy', 'add', '--type', 'SPENDING_LIMIT', '--global', '--rules', JSON.stringify({ instant_max_usd: 10, notify_max_usd: 100, delay_max_usd: 1000, delay_seconds: 300, daily_limit_usd: 500 }), '--password-file', pw]).then(ok),
    ])
    main = ok(m as CliResult)
  })

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  const run = (name: string): CliResult => {
    const r = early[name]
    if (r === undefined) throw new Error(`no run named ${name}`)
    return r
  }

  describe('usage errors', () => {
    it('answers a mistyped command with one USAGE envelope (exit 2) that suggests the command, with spaces', () => {
      const e = fails(run('walet'), 'USAGE', 2)
      expect(e.details).toEqual({ command: 'waiaas walet list', suggestion: 'waiaas wallet list' })
      expect(e.hint).toContain('waiaas wallet list')
      expect(e.hint).not.toContain(':')
    })

    it('without --json, says the same on stderr and nothing on stdout', () => {
      const r = run('waletHuman')
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain('(USAGE)')
      expect(r.stderr).toContain('`waiaas wallet list`')
    })

    it('answers a topic under --json with one USAGE envelope listing its commands, not help text', () => {
      const e = fails(run('topic'), 'USAGE', 2)
      expect(e.details.topic).toBe('waiaas wallet')
      expect(e.details.commands).toEqual(expect.arrayContaining(['waiaas wallet list', 'waiaas wallet show']))
      expect(e.details.commands).not.toContain('waiaas wallet info')
    })

    it('names an unknown flag in details (missing and unexpected arguments: test/unit/usage-error.test.ts)', () => {
      expect(fails(run('bogus'), 'USAGE', 2).details).toEqual({ command: 'waiaas wallet list', unknownFlags: ['--bogus'] })
    })

    it('still finds every command after help in the same process (help renders copies, never the loaded commands)', async () => {
      // In-process runs, one process: oclif's help wrote `wallet list` into the shared command objects, and the next
      // run's config (execute reloads it from the loaded one) then had no `wallet:list`.
      const topicHelp = await runCli(['wallet', '--help'], { env })
      expect(topicHelp.code, topicHelp.stderr).toBe(0)
      expect(topicHelp.stdout).toMatch(/^ {2}wallet list +List wallets$/m)
      const commandHelp = await runCli(['wallet', 'list', '--help'], { env })
      expect(commandHelp.code, commandHelp.stderr).toBe(0)
      expect(commandHelp.stdout).toContain('$ waiaas wallet list')
      const rootHelp = await runCli(['--help'], { env })
      expect(rootHelp.code, rootHelp.stderr).toBe(0)
      expect((ok(await cli.run(['wallet', 'list'])).wallets as { id: string }[]).map((w) => w.id)).toContain(main.id)
      const topic = fails(await cli.run(['wallet']), 'USAGE', 2)
      expect(topic.details.commands).toEqual(expect.arrayContaining(['waiaas wallet list', 'waiaas wallet show', 'waiaas wallet create']))
    })

    it('points a secret given as a flag value at its file flag, and never echoes the value', () => {
      const r = run('secretFlag')
      const e = fails(r, 'USAGE', 2)
      expect(e.details.unknownFlags).toEqual(['--password'])
      expect(e.hint).toContain('--password-file')
      expect(r.stdout + r.stderr).not.toContain('hunter2-secret')
    })
  })

  describe('version and the push relay', () => {
    it('prints the same version line for -v, --version and version; version --json has the parts', () => {
      const lines = ['v', 'version', 'versionCmd'].map((k) => run(k).stdout)
      expect(lines[0]).toMatch(new RegExp(`^waiaas/${VERSION.replaceAll('.', '\\.')} \\S+ node-v\\d+`))
      expect(new Set(lines).size).toBe(1)
      expect(ok(run('versionJson'))).toEqual({ version: VERSION, node: process.version, platform: process.platform, arch: process.arch })
    })

    it("fails push-relay (the seed's second compose service) with FEATURE_UNAVAILABLE whatever it is given", () => {
      for (const k of ['relayArgs']) {
        const e = fails(run(k), 'FEATURE_UNAVAILABLE', 1)
        expect(e.details).toEqual({ feature: 'push-relay', instead: 'waiaas notify add' })
        expect(e.hint).toContain('Not yet available')
      }
    })
  })

  describe("WAIaaS's command names", () => {
    it('runs wallet info --wallet W as wallet show W, with the note on stderr only', async () => {
      const [info, show] = await Promise.all([cli.run(['wallet', 'info', '--wallet', 'main']), cli.run(['wallet', 'show', 'main'])])
      expect(ok(info)).toEqual(ok(show))
      expect(info.stderr.trim()).toBe(note('wallet info', 'wallet show'))
      expect(fails(run('infoNoWallet'), 'USAGE', 2).details).toEqual({ flag: '--wallet' })
    })

    it('runs upgrade --check as update --check, and restore FILE without --force asks for --yes', () => {
      expect(run('upgrade').stderr).toContain(note('upgrade', 'update'))
      expect(ok(run('upgrade')).current).toBe(VERSION)
      const r = run('restoreUnconfirmed')
      expect(r.stderr).toContain(note('restore', 'backup restore'))
      expect(fails(r, 'CONFIRMATION_REQUIRED', 2).details).toEqual({ flag: '--yes' })
    })

    it('adds a Telegram channel with notification setup (the bot token from a file), as notify add telegram', async () => {
      const token = home.file('bot.token', '123456:ABC-telegram-test-token')
      const r = await cli.run(['notification', 'setup', '--bot-token-file', token, '--chat-id', '123456789', '--password-file', pw])
      expect(r.stderr).toContain(note('notification setup', 'notify add'))
      const ch = ok(r)
      expect(ch.kind).toBe('telegram')
      expect(JSON.stringify(r.json)).not.toContain('ABC-telegram-test-token')
      const listed = ok(await cli.run(['notify', 'list', '--password-file', pw])).channels as { id: string; kind: string }[]
      expect(listed.map((c) => [c.id, c.kind])).toContainEqual([ch.id, 'telegram'])
    })
  })

  describe('tables', () => {
    it('prints the chosen columns as CSV that parses back to the wallets, and policy RULES as words', async () => {
      const [list, csv, rules] = await Promise.all([
        cli.run(['wallet', 'list']),
        runCli(['wallet', 'list', '--columns', 'name,address', '--csv'], { env }),
        runCli(['policy', 'list', '--columns', 'type,rules'], { env }),
      ])
      const wallets = ok(list).wallets as { name: string; address: string }[]
      expect(csv.code).toBe(0)
      expect(parseCsv(csv.stdout)).toEqual([['name', 'address'], ...wallets.map((w) => [w.name, w.address])])
      expect(csv.stdout).toContain('"sol, ""hot"""')
      expect(rules.code).toBe(0)
      expect(rules.stdout).toContain('SPENDING_LIMIT  instant ≤ 10 USD · notify ≤ 100 USD · delay ≤ 1000 USD (5 min) · above: approval · daily 500 USD')
      expect(rules.stdout).not.toContain('{')
    })

    it('refuses --csv with --json, and a column the table does not have', () => {
      fails(run('csvJson'), 'USAGE', 2)
      expect(run('badColumn').code).toBe(2)
      expect(run('badColumn').stderr).toContain('(USAGE)')
    })

    it('cuts cells to the width of a real terminal, and prints them whole with --no-truncate', async () => {
      const onTerminal = (args: string): Promise<string> =>
        new Promise((resolve, reject) => {
          // `script` gives the command a pseudo-terminal 60 columns wide, as a user's narrow window would.
          execFile('script', ['-qec', `stty cols 60; "${process.execPath}" "${BIN}" ${args}`, '/dev/null'], { env, encoding: 'utf8' }, (err, out) =>
            err ? reject(err) : resolve(out.replaceAll('\r', '')),
          )
        })
      const [cut, whole] = await Promise.all([onTerminal('wallet list'), onTerminal('wallet list --no-truncate')])
      const lines = cut.trimEnd().split('\n')
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(60)
      expect(cut).toContain('…')
      expect(cut).not.toContain(main.address)
      expect(whole).toContain(main.address)
      expect(whole).toContain(main.id)
    })
  })

  describe('shell completion', () => {
    it('prints the bash setup line and builds a cache (bash and zsh) that completes our commands and flags in bash', () => {
      expect(run('bashScript').code).toBe(0)
      expect(run('bashScript').stdout).toContain(`WAIAAS_AC_BASH_SETUP_PATH=${path.join(cache, 'autocomplete', 'bash_setup')}`)
      expect(run('refresh').code).toBe(0)
      const zsh = fs.readFileSync(path.join(cache, 'autocomplete/functions/zsh/_waiaas'), 'utf8')
      for (const word of ['wallet', 'policy', 'quickset', 'push-relay', '--columns']) expect(zsh, word).toContain(word)
      const complete = (words: string[]): string[] => {
        const script = `source ${JSON.stringify(path.join(cache, 'autocomplete/bash_setup'))}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE=${JSON.stringify(words.join(' '))}; COMP_POINT=\${#COMP_LINE}; _waiaas_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`
        const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' })
        expect(r.status, r.stderr).toBe(0)
        return [...new Set(r.stdout.split('\n').filter((l) => l !== ''))]
      }
      expect(complete(['waiaas', 'wal'])).toEqual(['wallet'])
      expect(complete(['waiaas', 'wallet', 'l'])).toEqual(['list'])
      expect(complete(['waiaas', 'wallet', 'list', '--c'])).toEqual(['--chain', '--columns', '--csv'])
      expect(complete(['waiaas', 'sta'])).toEqual(expect.arrayContaining(['start', 'status']))
    })

    it('writes a fish script with our commands, topics and flags (and completes with it where fish is installed)', () => {
      const r = run('fishScript')
      expect(r.code).toBe(0)
      const script = r.stdout
      expect(script).toContain(`complete -c waiaas -n '__waiaas_at ""' -a 'wallet' -d 'Create, import, export and manage wallets'`)
      expect(script).toContain(`complete -c waiaas -n '__waiaas_at "wallet"' -a 'list' -d 'List wallets'`)
      expect(script).toContain(`complete -c waiaas -n '__waiaas_in wallet:list' -l chain -x -a 'evm solana'`)
      expect(script).toMatch(/set -g __waiaas_commands .*'start'.*'wallet:list'/)
      expect(script).not.toContain("'wallet:info'")
      const fish = spawnSync('fish', ['--version'], { encoding: 'utf8' })
      if (fish.error !== undefined) return // fish is not installed here: the text checks above stand alone
      const file = path.join(home.root, 'waiaas.fish')
      fs.writeFileSync(file, script)
      const complete = (line: string): string[] => {
        const c = spawnSync('fish', ['-c', `source ${file}; complete -C '${line}'`], { encoding: 'utf8' })
        expect(c.status, c.stderr).toBe(0)
        return c.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0] ?? '')
      }
      expect(complete('waiaas wal')).toEqual(['wallet'])
      expect(complete('waiaas wallet list --c')).toEqual(['--chain', '--columns', '--csv'])
      expect(complete('waiaas wallet list --chain ')).toEqual(['evm', 'solana'])
      expect(complete('waiaas mcp ')).toEqual(['setup'])
    })
  })

  describe('the daemon commands under their WAIaaS names (last: stops the daemon)', () => {
    it('runs set-master as password change, start and stop as daemon start and stop, restore --from --force as backup restore --yes', async () => {
      const sm = await cli.run(['set-master', '--password-file', pw])
      expect(sm.stderr).toContain(note('set-master', 'password change'))
      expect(fails(sm, 'USAGE', 2).details).toEqual({ flag: '--new-password-file' })
      const started = await cli.run(['start', '--password-file', pw])
      expect(started.stderr).toContain(note('start', 'daemon start'))
      expect(started.json?.ok === true || started.json?.error?.code === 'DAEMON_ALREADY_RUNNING').toBe(true)
      const stopped = await cli.run(['stop'])
      expect(stopped.stderr).toContain(note('stop', 'daemon stop'))
      ok(stopped)
      // With the daemon stopped, restore gets past its confirmation (--force is --yes) to reading the file.
      const r = await cli.run(['restore', '--from', missing, '--force', '--password-file', pw])
      expect(r.stderr).toContain(note('restore', 'backup restore'))
      expect(['USAGE', 'CONFIRMATION_REQUIRED', 'BACKUP_DAEMON_RUNNING']).not.toContain(r.json?.error?.code)
      expect(JSON.stringify(r.json?.error?.details)).toContain('missing.wbak')
    })
  })
})
