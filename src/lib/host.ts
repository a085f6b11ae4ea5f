/** What kind of address a listening host is: the HTTP plugins' bind rules and the environment's checks share it. */
import { isIP } from 'node:net'

/**
 * True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also as IPv4-mapped ::ffff:127.x) and
 * `localhost`. Everything else, 0.0.0.0, :: and other host names included, is treated as reachable from outside.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')
  if (h === 'localhost') return true
  if (isIP(h) === 4) return h.startsWith('127.')
  if (isIP(h) === 6) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.')
  }
  return false
}

/** True for something a server can listen on: an IPv4 or IPv6 address, or a DNS host name (no scheme, no port). */
export function isListenHost(host: string): boolean {
  if (isIP(host) !== 0) return true
  return host.length <= 253 && /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i.test(host)
}
