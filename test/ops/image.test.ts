/**
 * The container image. The Dockerfile passes dockerfile-utils (the validator behind VS Code's Dockerfile support)
 * with every rule an error, and states the issue's requirements; the repository's compose file matches the seed
 * article's. Then, where buildah can run, the image is built on Node 22 LTS (a stand-in base, as no image registry
 * is reachable) and the seed article's own lines are run against it in a network namespace of their own, as Docker
 * would: its `docker run` line (auto-provisioned, healthy, `waiaas status` on PATH), its compose daemon service
 * (WAIAAS_DAEMON_HOSTNAME=0.0.0.0: its healthcheck `curl -f http://localhost:3100/health` passes and port 3100
 * answers from outside the container) and its push-relay service (the command reaches `waiaas`).
 * Where buildah cannot run, that part says why and skips.
 */
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { jobResult } from '../helpers/background-job.js'
import { http } from '../helpers/http.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const text = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
/** Instructions with continuation lines joined, comments dropped. */
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim().replace(/\s+/g, ' '))
  .filter((l) => l !== '' && !l.startsWith('#'))
const stages: string[][] = []
for (const l of instructions) {
  if (/^FROM /i.test(l)) stages.push([])
  stages.at(-1)?.push(l)
}
const runtime = stages.at(-1) ?? []

/** The seed article's compose snippet and `docker run` line, verbatim. */
interface ComposeService {
  command?: string[]
  environment?: string[] | Record<string, string>
  ports?: string[]
  volumes?: string[]
  healthcheck?: { test: string[]; interval?: string; timeout?: string; start_period?: string; retries?: number }
}
const readCompose = (file: string): { services: Record<string, ComposeService> } => parseYaml(fs.readFileSync(path.join(ROOT, file), 'utf8'))
const seed = readCompose('test/fixtures/seed/docker-compose.yml').services
const seedRun = fs.readFileSync(path.join(ROOT, 'test/fixtures/seed/docker-run.txt'), 'utf8').replace(/\\\n/g, ' ')
const seedRunEnv = [...seedRun.matchAll(/ -e (\S+)/g)].map((m) => m[1] as string)
const envList = (s: ComposeService | undefined): string[] =>
  Array.isArray(s?.environment) ? s.environment : Object.entries(s?.environment ?? {}).map(([k, v]) => `${k}=${v}`)

/** Every dockerfile-utils rule, as an error. */
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
}

describe('Dockerfile', () => {
  it('passes dockerfile-utils with every rule an error, --start-period included; a bad healthcheck flag would not', () => {
    expect(validate(text, STRICT).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([])
    // The validator does check HEALTHCHECK flags: a misspelt one, or a bad duration, is reported.
    const broken = validate(text.replace('--start-period=30s', '--start-periood=30s'), STRICT)
    expect(broken.map((d) => d.message)).toEqual(['Unknown flag: start-periood'])
    expect(validate(text.replace('--start-period=30s', '--start-period=30'), STRICT)).toHaveLength(1)
  })

  it('is multi-stage on Node 22 LTS slim, runtime with production dependencies only', () => {
    expect(instructions).toContain('ARG BASE=node')
    expect(instructions).toContain('ARG BASE_TAG=22-bookworm-slim')
    expect(stages.length).toBe(2)
    expect(stages[0]?.[0]).toBe('FROM ${BASE}:${BASE_TAG} AS build')
    expect(runtime[0]).toBe('FROM ${BASE}:${BASE_TAG} AS runtime')
    // npm 11 (which writes package-lock.json) before `npm ci`: the base's npm 10 refuses the lock file.
    expect(stages[0]?.join('\n')).toMatch(/RUN npm install --global --no-audit --no-fund npm@11\.\d+\.\d+\n(.*\n)*RUN npm ci /)
    expect(stages[0]?.join('\n')).toMatch(/npm run build .*npm prune --omit=dev/)
    // No compiler, no npm install in the runtime stage: its node_modules is the pruned one from the build stage.
    expect(runtime.join('\n')).not.toMatch(/npm (ci|install)|g\+\+|python3/)
    expect(runtime).toContain('COPY --from=build /app/node_modules ./node_modules')
    // apt as slim images use it: no prompt, no recommends, the package lists removed in the same layer.
    const apt = instructions.filter((l) => l.includes('apt-get install'))
    expect(apt.length).toBe(2)
    for (const l of apt) expect(l).toMatch(/apt-get update .*apt-get install -y --no-install-recommends .*rm -rf \/var\/lib\/apt\/lists\/\*/)
  })

  it('runs as UID 1001 with the data on /data, waiaas on PATH, curl for probes, a healthcheck with a start period and tini as PID 1', () => {
    expect(runtime).toContain('USER 1001:1001')
    expect(runtime.join('\n')).toMatch(/useradd --uid 1001 --gid 1001/)
    expect(runtime.join('\n')).toMatch(/chown 1001:1001 \/data .*chmod 0700 \/data/)
    expect(runtime.join('\n')).toMatch(/ln -s \/app\/bin\/run\.js \/usr\/local\/bin\/waiaas/)
    expect(runtime.join('\n')).toMatch(/apt-get install -y --no-install-recommends tini curl /)
    expect(runtime).toContain('VOLUME ["/data"]')
    expect(runtime.join('\n')).toMatch(/ENV .*WAIAAS_DATA_DIR=\/data/)
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK'))).toBe('HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["waiaas", "daemon", "status", "--json"]')
    expect(runtime.slice(-2)).toEqual(['ENTRYPOINT ["/usr/bin/tini", "--", "waiaas"]', 'CMD ["daemon", "start", "--foreground"]'])
    // USER comes after everything that needs root.
    expect(runtime.slice(runtime.indexOf('USER 1001:1001')).some((l) => /^(RUN|COPY)/.test(l))).toBe(false)
  })

  it("compose serves REST like the seed's (WAIAAS_DAEMON_HOSTNAME, its curl healthcheck) but on 127.0.0.1 only, with links there; the overlay reads a secret", () => {
    const daemon = readCompose('docker-compose.yml').services.daemon
    expect(daemon?.ports).toEqual(['127.0.0.1:3100:3100'])
    expect(daemon?.volumes).toEqual(['waiaas-data:/data'])
    const env = envList(daemon)
    for (const e of envList(seed.daemon)) expect(env).toContain(e)
    expect(env).toEqual(expect.arrayContaining(['WAIAAS_DAEMON_PORT=3100', 'WAIAAS_AUTO_PROVISION=true', 'WAIAAS_REST_PUBLIC_URL=http://127.0.0.1:3100']))
    expect(daemon?.healthcheck).toEqual({ ...seed.daemon?.healthcheck, start_period: '30s' })
    const secrets = fs.readFileSync(path.join(ROOT, 'docker-compose.secrets.yml'), 'utf8')
    expect(secrets).toContain('WAIAAS_MASTER_PASSWORD_FILE: /run/secrets/waiaas_master_password')
    expect(secrets).toMatch(/waiaas_master_password:\n\s+file: \.\/secrets\/master_password.txt/)
  })
})

/** A network namespace joined to this one by a veth pair: the container's own port 3100, reachable at `ip`. */
function netns(): { name: string; ip: string; remove(): void } {
  const id = process.pid % 100_000
  const name = `waiaas-img-${id}`
  const host = `wai${id}h`
  // A /30 of 198.18.0.0/15 (set aside for benchmarks, so routed nowhere here) per process: .1 here, .2 inside.
  const offset = 4 * (id % 32_768)
  const addr = (n: number): string => `198.${18 + (offset >> 16)}.${(offset >> 8) & 255}.${(offset & 255) + n}`
  const ip = addr(2)
  const sh = (...args: string[]): void => void execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  const remove = (): void => {
    spawnSync('ip', ['link', 'del', host])
    spawnSync('ip', ['netns', 'del', name])
  }
  remove()
  sh('netns', 'add', name)
  sh('link', 'add', host, 'type', 'veth', 'peer', 'name', `wai${id}c`)
  sh('link', 'set', `wai${id}c`, 'netns', name)
  sh('addr', 'add', `${addr(1)}/30`, 'dev', host)
  sh('link', 'set', host, 'up')
  sh('netns', 'exec', name, 'ip', 'addr', 'add', `${ip}/30`, 'dev', `wai${id}c`)
  sh('netns', 'exec', name, 'ip', 'link', 'set', `wai${id}c`, 'up')
  sh('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up')
  return { name, ip, remove }
}

/** Why the image cannot be built and run here, or undefined when it can. */
function cannotBuild(): string | undefined {
  if (process.platform !== 'linux') return `buildah needs Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'building the stand-in base needs root (debootstrap, buildah mount)'
  for (const tool of ['buildah', 'debootstrap', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (.ci/run installs buildah, debootstrap and iproute2 from Debian's packages)`
  }
  const probe = spawnSync('buildah', ['from', '--quiet', 'scratch'], { encoding: 'utf8' })
  if (probe.status !== 0) return `buildah cannot make a container here: ${probe.stderr.trim().split('\n').at(-1)}`
  spawnSync('buildah', ['rm', probe.stdout.trim()])
  const ns = spawnSync('ip', ['netns', 'add', `waiaas-probe-${process.pid}`], { encoding: 'utf8' })
  if (ns.status !== 0) return `no network namespace can be made here: ${ns.stderr.trim()}`
  spawnSync('ip', ['netns', 'del', `waiaas-probe-${process.pid}`])
  return undefined
}

/**
 * The image of this checkout (its id: known by id, not a tag, so concurrent runs never swap images; no `rmi`, which
 * would drop the layer cache). Built by test/ops/image-build.sh, the script .ci/run starts in the background: when
 * it has started (WAIAAS_IMAGE_AHEAD names its folder), its result is awaited instead of building the same tree again.
 */
async function builtImage(): Promise<string> {
  const ahead = process.env.WAIAAS_IMAGE_AHEAD
  const dir = ahead !== undefined && ahead !== '' && fs.existsSync(path.join(ahead, 'started')) ? ahead : fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-image-'))
  if (dir !== ahead) spawnSync(path.join(ROOT, 'test/ops/image-build.sh'), [dir], { stdio: 'ignore' })
  const { status, log } = await jobResult(dir, 'build.log', { pollMs: 500 })
  expect(status, log.slice(-6000)).toBe('0')
  expect(log).toContain('localhost/waiaas-node-base:22-bookworm-slim')
  const image = fs.readFileSync(path.join(dir, 'iid'), 'utf8').trim()
  if (dir !== ahead) fs.rmSync(dir, { recursive: true })
  return image
}

const why = process.env.WAIAAS_SKIP_IMAGE_BUILD === '1' ? 'WAIAAS_SKIP_IMAGE_BUILD=1' : cannotBuild()

describe.skipIf(why !== undefined)(`image build and run with buildah${why !== undefined ? ` (skipped: ${why})` : ''}`, () => {
  const containers: string[] = []
  let net: ReturnType<typeof netns> | undefined
  afterAll(() => {
    for (const c of containers) spawnSync('buildah', ['rm', c])
    net?.remove()
  })

  it("builds on Node 22 and runs the seed's docker run line, compose daemon and push-relay service", async () => {
    const image = await builtImage()

    const config = JSON.parse(execFileSync('buildah', ['inspect', '--type', 'image', image], { encoding: 'utf8' })) as {
      Docker: { config: { User: string; Entrypoint: string[]; Cmd: string[]; Env: string[]; Healthcheck?: { Test: string[]; StartPeriod?: number }; Volumes?: Record<string, unknown> } }
    }
    const c = config.Docker.config
    expect(c.User).toBe('1001:1001')
    expect(c.Env).toContain('WAIAAS_DATA_DIR=/data')
    expect(Object.keys(c.Volumes ?? {})).toEqual(['/data'])
    expect(c.Healthcheck?.Test[0]).toBe('CMD')
    expect(c.Healthcheck?.StartPeriod).toBe(30e9)
    const imageHealth = c.Healthcheck!.Test.slice(1)

    const ctr = execFileSync('buildah', ['from', '--quiet', image], { encoding: 'utf8' }).trim()
    containers.push(ctr)
    net = netns()
    const ns = net.name
    // `buildah run` in the namespace: the container's network, as `docker exec` or a compose healthcheck sees it.
    const inCtr = (cmd: string[], env: string[] = []): string[] => ['netns', 'exec', ns, 'buildah', 'run', '--isolation', 'chroot', ...env.flatMap((e) => ['--env', e]), ctr, '--', ...cmd]
    const exec = (cmd: string[], env: string[] = []): SpawnSyncReturns<string> => spawnSync('ip', inCtr(cmd, env), { encoding: 'utf8' })
    expect(exec(['node', '-p', 'process.versions.node']).stdout.trim()).toMatch(/^22\./)
    expect(exec(imageHealth).status, 'healthy before the daemon starts').not.toBe(0)

    /** Runs the image's entrypoint with `cmd` (its CMD when omitted) until `ready` passes, then `during`, then stops it. */
    const serve = async (env: string[], cmd: string[], ready: () => boolean, during: () => Promise<void>): Promise<string> => {
      const daemon = spawn('ip', inCtr([...c.Entrypoint, ...cmd], env), { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      daemon.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
      daemon.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
      // 'close', not 'exit': the output is read to its end before it is checked.
      const exited = new Promise<number | null>((resolve) => daemon.on('close', (code) => resolve(code)))
      try {
        const deadline = Date.now() + 60_000
        while (!ready()) {
          if (Date.now() > deadline || daemon.exitCode !== null) throw new Error(`the daemon never became ready:\n${out}`)
          await new Promise((r) => setTimeout(r, 500))
        }
        await during()
      } finally {
        // tini forwards signals to the daemon; stop it through its own CLI, as `docker stop` would via SIGTERM.
        exec(['waiaas', 'daemon', 'stop', '--json'])
        const timer = setTimeout(() => daemon.kill('SIGKILL'), 30_000)
        await exited
        clearTimeout(timer)
      }
      expect(out).toContain('daemon stopping')
      return out
    }

    // 1. `docker run -d --name waiaas -p 127.0.0.1:3100:3100 -v waiaas-data:/data -e WAIAAS_AUTO_PROVISION=true IMAGE`
    expect(seedRunEnv).toEqual(['WAIAAS_AUTO_PROVISION=true'])
    const runOut = await serve(seedRunEnv, c.Cmd, () => exec(imageHealth).status === 0, async () => {
      // `docker exec waiaas waiaas status`
      const status = exec(['waiaas', 'status', '--json'])
      expect(status.status, status.stderr).toBe(0)
      expect(JSON.parse(status.stdout).data).toMatchObject({ initialized: true, locked: false, dataDir: '/data', socket: '/data/waiaas.sock' })
      const stat = exec(['stat', '-c', '%a %u %n', '/data', '/data/recovery.key', '/data/waiaas.db'])
      expect(stat.stdout.trim().split('\n')).toEqual(['700 1001 /data', '600 1001 /data/recovery.key', '600 1001 /data/waiaas.db'])
      // Without WAIAAS_DAEMON_HOSTNAME the REST plugin stays off: nothing answers on the published port.
      const closed = await http(`http://${net!.ip}:3100`, '/health').catch((err: { code?: string }) => err.code)
      expect(closed).toBe('ECONNREFUSED')
    })
    // `docker exec waiaas cat /data/recovery.key`: the password is there, and the daemon never printed it.
    const pw = exec(['cat', '/data/recovery.key']).stdout.trim()
    expect(pw.length).toBeGreaterThanOrEqual(32)
    expect(runOut).not.toContain(pw)

    // 2. The seed's compose daemon service, on the same volume: its environment, the image's CMD, its healthcheck.
    const health = seed.daemon?.healthcheck?.test ?? []
    expect(health).toEqual(['CMD', 'curl', '-f', 'http://localhost:3100/health'])
    await serve(envList(seed.daemon), c.Cmd, () => exec(health.slice(1)).status === 0, async () => {
      expect(exec(imageHealth).status).toBe(0)
      // `-p 127.0.0.1:3100:3100` forwards to the container's own address, which the REST plugin now listens on.
      const h = await http(`http://${net!.ip}:3100`, '/health')
      expect([h.status, Object.keys(h.json).sort(), h.json.status]).toEqual([200, ['status', 'version'], 'ok'])
      const wallets = await http(`http://${net!.ip}:3100`, '/v1/wallets')
      expect([wallets.status, wallets.json?.error?.code]).toEqual([401, 'AUTH_REQUIRED'])
      // A compose `command:` is a waiaas command line: `command: ["status", "--json"]` is `waiaas status --json`.
      const status = exec([...c.Entrypoint, 'status', '--json'], envList(seed.daemon))
      expect(status.status, status.stderr).toBe(0)
      expect(JSON.parse(status.stdout).data.plugins[0]).toMatchObject({ name: 'rest', enabled: true, host: '0.0.0.0', port: 3100, allowNonLoopback: true, error: null })
    })

    // 3. The seed's push-relay service: `command: ["push-relay"]` reaches `waiaas push-relay`, which says it is not
    // available yet (FEATURE_UNAVAILABLE, exit 1), not `daemon start`'s argument parser ("Unexpected argument").
    const relay = seed['push-relay']
    expect(relay?.command).toEqual(['push-relay'])
    const r = exec([...c.Entrypoint, ...(relay?.command ?? [])], envList(relay))
    expect(r.status, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/\(FEATURE_UNAVAILABLE\)/)
    expect(r.stdout + r.stderr).not.toMatch(/Unexpected argument/)
  }, 1_200_000)
})
