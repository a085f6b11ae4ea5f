/**
 * backup.list (the admin UI's Settings → Backups): the backups backup.create wrote into <data dir>/backups, newest
 * first, with their path, size and time; nothing else in that folder (other files, links, folders) and no backup
 * written elsewhere; for the operator only, over the socket and REST.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Output } from '../../src/lib/contract/index.js'
import { tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { http } from '../helpers/http.js'

const t = useDaemon()
const op = { password: PASSWORD }
const work = tempHome('waiaas-bkl-')
afterAll(() => work.cleanup())
let base = ''

beforeAll(async () => {
  await t.client.call('wallet.create', { chain: 'evm', name: 'w' }, op)
  base = ((await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
})

describe('backup.list', () => {
  it('is empty before the first backup, naming the folder it reads', async () => {
    expect(await t.client.call('backup.list', {}, op)).toEqual({ dir: t.daemon.paths.backups, backups: [] })
  })

  it('lists what backup.create wrote there, newest first, and nothing else', async () => {
    const first = await t.client.call('backup.create', {}, op)
    const second = await t.client.call('backup.create', {}, op)
    // Written elsewhere on purpose: not in the folder, not listed.
    await t.client.call('backup.create', { out: path.join(work.root, 'elsewhere.wbak') }, op)
    const dir = t.daemon.paths.backups
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a backup')
    fs.symlinkSync(first.file, path.join(dir, 'link.wbak'))
    fs.mkdirSync(path.join(dir, 'folder.wbak'))
    // The second is newer even where the file system's clock is coarse.
    fs.utimesSync(first.file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))

    const { backups } = await t.client.call('backup.list', {}, op)
    expect(backups.map((b) => b.file)).toEqual([second.file, first.file])
    for (const [b, made] of [[backups[0], second], [backups[1], first]] as const) {
      expect(b?.name).toBe(path.basename(made.file))
      expect(b?.bytes).toBe(made.bytes)
      expect(b?.bytes).toBe(fs.statSync(made.file).size)
      expect(Date.parse(b?.createdAt ?? '')).toBe(fs.statSync(made.file).mtime.getTime())
    }
    expect(Date.parse(backups[0]?.createdAt ?? '')).toBeGreaterThan(Date.parse(backups[1]?.createdAt ?? ''))
  })

  it('is the operator\'s: refused without the password on the socket, and to an agent session or no credential over REST', async () => {
    expect((await catchAsync(t.client.call('backup.list', {}))).code).toBe('AUTH_REQUIRED')
    const rest = await http(base, '/v1/backup/list', { password: PASSWORD })
    expect(rest.status).toBe(200)
    expect(rest.json.data).toEqual(await t.client.call('backup.list', {}, op))
    expect((rest.json.data as Output<'backup.list'>).backups).toHaveLength(2)
    expect((await http(base, '/v1/backup/list')).status).toBe(401)
    const { token } = await t.client.call('session.create', { wallets: ['w'] }, op)
    const agent = await http(base, '/v1/backup/list', { token })
    expect(agent.status).toBe(403)
  })
})
