/**
 * Which TCP ports a process listens on, read from Linux's /proc (its socket fds matched against the LISTEN rows of
 * /proc/net/tcp and tcp6), so a test checks what holds a port instead of assuming it.
 */
import fs from 'node:fs'

/** The local ports of the TCP sockets in LISTEN state that process `pid` holds, one entry per socket. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>()
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    const link = (() => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        return ''
      }
    })()
    const m = /^socket:\[(\d+)\]$/.exec(link)
    if (m?.[1] !== undefined) inodes.add(m[1])
  }
  const ports: number[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      const port = cols[1]?.split(':')[1]
      if (cols[3] === '0A' && cols[9] !== undefined && inodes.has(cols[9]) && port !== undefined) ports.push(parseInt(port, 16))
    }
  }
  return ports
}
