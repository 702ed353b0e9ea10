// Network policy for outbound connections (databases, webhooks): stops the
// service from being used to reach places it should not (SSRF). Every address
// a host name resolves to is checked, not just the first.
import { lookup } from 'node:dns/promises'
import net from 'node:net'
import { AppError } from '../http/errors'

export type NetworkPolicy = 'all' | 'private' | 'external'

// Cloud metadata endpoints: refused whatever the policy.
const ALWAYS_BLOCKED = ['169.254.169.254/32', '169.254.170.2/32', '100.100.100.200/32', 'fd00:ec2::254/128', '0.0.0.0/8']
const LINK_LOCAL = ['169.254.0.0/16', 'fe80::/10']
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '100.64.0.0/10', '::1/128', 'fc00::/7']

function blockList(cidrs: string[]): net.BlockList {
  const list = new net.BlockList()
  for (const c of cidrs) {
    const [addr, prefix] = c.split('/')
    list.addSubnet(addr, Number(prefix), net.isIPv6(addr) ? 'ipv6' : 'ipv4')
  }
  return list
}
const blocked = blockList([...ALWAYS_BLOCKED, ...LINK_LOCAL])
const privateNets = blockList(PRIVATE)

function family(ip: string): 'ipv4' | 'ipv6' { return net.isIPv6(ip) ? 'ipv6' : 'ipv4' }

/** Unwraps IPv4-mapped IPv6 (::ffff:169.254.169.254) so it cannot dodge the lists. */
function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return m ? m[1] : ip
}

export function checkAddress(ipRaw: string, policy: NetworkPolicy): string | null {
  const ip = normalizeIp(ipRaw)
  if (blocked.check(ip, family(ip))) return `address ${ip} is a link-local or cloud metadata address`
  const isPrivate = privateNets.check(ip, family(ip))
  if (policy === 'external' && isPrivate) return `address ${ip} is private, and NEXATRON_ALLOWED_NETWORKS=external`
  if (policy === 'private' && !isPrivate) return `address ${ip} is public, and NEXATRON_ALLOWED_NETWORKS=private`
  return null
}

export interface HostPolicyOptions { policy: NetworkPolicy; allowSocketHosts: boolean }

/**
 * Throws AppError('host_not_allowed') when `host` (name or IP) or any address
 * it resolves to is refused. `field` names the config field in the error.
 */
export async function assertHostAllowed(host: string, opts: HostPolicyOptions, field = 'config.host'): Promise<void> {
  const refuse = (why: string) => { throw new AppError('host_not_allowed', `${field}: ${why}`, [{ path: field, issue: 'host_not_allowed' }]) }
  if (host.startsWith('/') || host.includes('.s.PGSQL') || host.startsWith('unix:')) {
    if (!opts.allowSocketHosts) refuse('Unix-socket hosts are not allowed (set NEXATRON_ALLOW_SOCKET_HOSTS=true)')
    return
  }
  const bare = host.replace(/^\[|\]$/g, '')
  let addresses: string[]
  if (net.isIP(bare)) addresses = [bare]
  else {
    try {
      addresses = (await lookup(bare, { all: true, verbatim: true })).map((a) => a.address)
    } catch {
      // Unresolvable now: the connector will report it unreachable; nothing to check.
      return
    }
  }
  for (const a of addresses) {
    const why = checkAddress(a, opts.policy)
    if (why) refuse(`host ${host} is not allowed: ${why}`)
  }
}
