/**
 * The container image: the Dockerfile passes dockerfilelint and states the issue's requirements; then, where buildah
 * can run, the image is built (on a stand-in base made from this machine's Node, as no image registry is reachable)
 * and its entrypoint is run to a daemon whose own healthcheck passes, auto-provisioned with /data/recovery.key 0600.
 * Where buildah cannot run, that part says why and skips.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DOCKERFILE = path.join(ROOT, 'Dockerfile')
const text = fs.readFileSync(DOCKERFILE, 'utf8')
/** Instructions with continuation lines joined, comments dropped. */
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
const stages: string[][] = []
for (const l of instructions) {
  if (/^FROM /i.test(l)) stages.push([])
  stages.at(-1)?.push(l)
}
const runtime = stages.at(-1) ?? []

describe('Dockerfile', () => {
  it('passes dockerfilelint with no issues', () => {
    const bin = path.join(ROOT, 'node_modules', '.bin', 'dockerfilelint')
    const r = spawnSync(bin, ['-o', 'json', DOCKERFILE], { encoding: 'utf8' })
    const report = JSON.parse(r.stdout) as { totalIssues: number; files: { issues: unknown[] }[] }
    expect(report.files[0]?.issues, r.stdout).toEqual([])
    expect(report.totalIssues).toBe(0)
    expect(r.status).toBe(0)
  })

  it('is multi-stage on Node 20 LTS slim, runtime with production dependencies only', () => {
    expect(instructions).toContain('ARG BASE=node')
    expect(instructions).toContain('ARG BASE_TAG=20-bookworm-slim')
    expect(stages.length).toBe(2)
    expect(stages[0]?.[0]).toBe('FROM ${BASE}:${BASE_TAG} AS build')
    expect(runtime[0]).toBe('FROM ${BASE}:${BASE_TAG} AS runtime')
    expect(stages[0]?.join('\n')).toMatch(/npm ci /)
    expect(stages[0]?.join('\n')).toMatch(/npm run build .*npm prune --omit=dev/)
    // No compiler, no npm install in the runtime stage: its node_modules is the pruned one from the build stage.
    expect(runtime.join('\n')).not.toMatch(/npm (ci|install)|g\+\+|python3/)
    expect(runtime).toContain('COPY --from=build /app/node_modules ./node_modules')
  })

  it('runs as UID 1001 with the data on /data (0700, owned by 1001), a healthcheck and tini as PID 1', () => {
    expect(runtime).toContain('USER 1001:1001')
    expect(runtime.join('\n')).toMatch(/useradd --uid 1001 --gid 1001/)
    expect(runtime.join('\n')).toMatch(/chown 1001:1001 \/data .*chmod 0700 \/data/)
    expect(runtime).toContain('VOLUME ["/data"]')
    expect(runtime.join('\n')).toMatch(/ENV .*WAIAAS_DATA_DIR=\/data/)
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK'))).toMatch(/CMD \["node", "\/app\/bin\/run.js", "daemon", "status", "--json"\]$/)
    expect(runtime.at(-1)).toBe('ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/run.js", "daemon", "start", "--foreground"]')
    // USER comes after everything that needs root.
    expect(runtime.slice(runtime.indexOf('USER 1001:1001')).some((l) => /^(RUN|COPY)/.test(l))).toBe(false)
  })

  it('compose publishes REST on 127.0.0.1 only (and gives links there), keeps the socket on the volume, and the overlay reads a secret', () => {
    const compose = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')
    expect(compose).toContain('- "127.0.0.1:3100:3100"')
    expect(compose).not.toMatch(/- "?(0\.0\.0\.0:)?3100:3100/)
    expect(compose).toContain('- waiaas-data:/data')
    expect(compose).toContain('WAIAAS_REST_ALLOW_NON_LOOPBACK: "true"')
    // Approval links point at the published address, not at 0.0.0.0 inside the container.
    expect(compose).toContain('WAIAAS_REST_PUBLIC_URL: http://127.0.0.1:3100')
    const secrets = fs.readFileSync(path.join(ROOT, 'docker-compose.secrets.yml'), 'utf8')
    expect(secrets).toContain('WAIAAS_MASTER_PASSWORD_FILE: /run/secrets/waiaas_master_password')
    expect(secrets).toMatch(/waiaas_master_password:\n\s+file: \.\/secrets\/master_password.txt/)
  })
})

/** Why the image cannot be built and run here, or undefined when it can. */
function cannotBuild(): string | undefined {
  if (process.platform !== 'linux') return `buildah needs Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'building the stand-in base needs root (debootstrap, buildah mount)'
  for (const tool of ['buildah', 'debootstrap']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (.ci/run installs it from Debian's packages)`
  }
  const probe = spawnSync('buildah', ['from', '--quiet', 'scratch'], { encoding: 'utf8' })
  if (probe.status !== 0) return `buildah cannot make a container here: ${probe.stderr.trim().split('\n').at(-1)}`
  spawnSync('buildah', ['rm', probe.stdout.trim()])
  return undefined
}

const why = process.env.WAIAAS_SKIP_IMAGE_BUILD === '1' ? 'WAIAAS_SKIP_IMAGE_BUILD=1' : cannotBuild()
const IMAGE = 'localhost/waiaas:test'

describe.skipIf(why !== undefined)(`image build and run with buildah${why !== undefined ? ` (skipped: ${why})` : ''}`, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-image-'))
  const containers: string[] = []
  afterAll(() => {
    for (const c of containers) spawnSync('buildah', ['rm', c])
    fs.rmSync(work, { recursive: true, force: true })
  })

  it('builds the Dockerfile and runs its entrypoint to a healthy, auto-provisioned daemon', async () => {
    const base = execFileSync(path.join(ROOT, 'test/ops/image-base.sh'), [path.join(os.tmpdir(), 'waiaas-image-base')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
    expect(base).toBe('localhost/waiaas-node-base:20-bookworm-slim')
    const build = spawnSync(
      'buildah',
      ['build', '--isolation', 'chroot', '--layers', '--format', 'docker', '--build-arg', 'BASE=localhost/waiaas-node-base', '--build-arg', 'BASE_TAG=20-bookworm-slim', '-t', IMAGE, ROOT],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    )
    expect(build.status, build.stderr.slice(-3000) + build.stdout.slice(-3000)).toBe(0)

    const config = JSON.parse(execFileSync('buildah', ['inspect', '--type', 'image', IMAGE], { encoding: 'utf8' })) as {
      Docker: { config: { User: string; Entrypoint: string[]; Env: string[]; Healthcheck?: { Test: string[] }; Volumes?: Record<string, unknown> } }
    }
    const c = config.Docker.config
    expect(c.User).toBe('1001:1001')
    expect(c.Env).toContain('WAIAAS_DATA_DIR=/data')
    expect(Object.keys(c.Volumes ?? {})).toEqual(['/data'])
    expect(c.Healthcheck?.Test[0]).toBe('CMD')
    const health = c.Healthcheck!.Test.slice(1)

    const ctr = execFileSync('buildah', ['from', '--quiet', IMAGE], { encoding: 'utf8' }).trim()
    containers.push(ctr)
    const runArgs = (cmd: string[], env: string[] = []): string[] => ['run', '--isolation', 'chroot', ...env.flatMap((e) => ['--env', e]), ctr, '--', ...cmd]
    const healthy = (): number | null => spawnSync('buildah', runArgs(health), { encoding: 'utf8' }).status
    expect(healthy(), 'unhealthy before the daemon starts').not.toBe(0)

    const daemon = spawn('buildah', runArgs(c.Entrypoint, ['WAIAAS_AUTO_PROVISION=true']), { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    daemon.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    daemon.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)))
    try {
      const deadline = Date.now() + 60_000
      while (healthy() !== 0) {
        if (Date.now() > deadline || daemon.exitCode !== null) throw new Error(`the daemon never became healthy:\n${out}`)
        await new Promise((r) => setTimeout(r, 1000))
      }
      const status = JSON.parse(execFileSync('buildah', runArgs(['node', '/app/bin/run.js', 'status', '--json']), { encoding: 'utf8' }))
      expect(status.data).toMatchObject({ initialized: true, locked: false, dataDir: '/data', socket: '/data/waiaas.sock' })
      const stat = execFileSync('buildah', runArgs(['stat', '-c', '%a %u %n', '/data', '/data/recovery.key', '/data/waiaas.db']), { encoding: 'utf8' })
      expect(stat.trim().split('\n')).toEqual(['700 1001 /data', '600 1001 /data/recovery.key', '600 1001 /data/waiaas.db'])
      const pw = execFileSync('buildah', runArgs(['cat', '/data/recovery.key']), { encoding: 'utf8' }).trim()
      expect(out).not.toContain(pw)
    } finally {
      // The daemon runs as a child of tini inside the container: stop it through its own CLI, as `docker stop` would via SIGTERM.
      spawnSync('buildah', runArgs(['node', '/app/bin/run.js', 'daemon', 'stop', '--json']))
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 30_000)
      await exited
      clearTimeout(timer)
    }
    expect(out).toContain('daemon stopping')
  }, 1_200_000)
})
