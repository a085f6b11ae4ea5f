/**
 * processRunning: a zombie has exited, though kill(pid, 0) still succeeds on it until its parent collects it (for an
 * orphan, the init process, whenever it gets to it). Made here with a shell that starts a short `sleep` in the background and
 * then becomes `sleep`, which never waits for it.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { processAlive, processRunning } from '../../src/lib/process.js'

const state = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
}

describe.skipIf(process.platform !== 'linux')('processRunning', () => {
  it('is true for a running process and false for a zombie and for a pid that is gone', async () => {
    const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(String(d).trim()))))
      for (let i = 0; i < 200 && state(zombie) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10))
      expect(state(zombie)).toBe('Z')
      expect(processAlive(zombie)).toBe(true) // kill(pid, 0) succeeds: the pid is not free yet
      expect(processRunning(zombie)).toBe(false)
      expect(processRunning(parent.pid!)).toBe(true)
    } finally {
      parent.kill('SIGKILL')
    }
    await new Promise((resolve) => parent.once('close', resolve))
    expect(processRunning(parent.pid!)).toBe(false)
    expect(processAlive(parent.pid!)).toBe(false)
  })
})
