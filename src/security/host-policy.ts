// Network policy for outbound connections (databases, webhooks): stops the
// service from being used to reach places it should not (SSRF). Every address
// a host name resolves to is checked, not just the first.
import { lookup } from 'node:dns/promises'
import net from 'node:net'
import { AppError } from '../http/errors'

export type NetworkPolicy = 'all' | 'private' | 'external'

// Cloud metadata endpoints: refused whatever the policy.
// `::` and 0.0.0.0 mean "this host" to most stacks: refused like the metadata addresses.
const ALWAYS_BLOCKED = ['169.254.169.254/32', '169.254.170.2/32', '100.100.100.200/32', 'fd00:ec2::254/128', '0.0.0.0/8', '::/128']
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

/** Expands an IPv6 address (with or without an embedded dotted IPv4 tail) to 8 hextets. */
function ipv6Words(ip: string): number[] | null {
  let text = ip.split('%')[0]
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const b = dotted[1].split('.').map(Number)
    text = text.slice(0, -dotted[1].length) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`
  }
  const [head, tail] = text.split('::')
  const h = head ? head.split(':') : []
  const t = tail !== undefined && tail !== '' ? tail.split(':') : []
  const fill = text.includes('::') ? 8 - h.length - t.length : 0
  const words = [...h, ...Array(Math.max(0, fill)).fill('0'), ...t].map((w) => parseInt(w, 16))
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null
}

/**
 * The IPv4 address an IPv6 address carries, for the forms that reach it:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
 * (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::). Checking the embedded
 * address stops these spellings from dodging the lists.
 */
function embeddedIpv4(ip: string): string | null {
  const w = ipv6Words(ip)
  if (!w) return null
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0)
  if (zeros(0, 5) && w[5] === 0xffff) return v4(w[6], w[7])
  if (zeros(0, 6) && (w[6] !== 0 || w[7] > 1)) return v4(w[6], w[7])
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return v4(w[6], w[7])
  if (w[0] === 0x2002) return v4(w[1], w[2])
  return null
}

function normalizeIp(ip: string): string {
  return net.isIPv6(ip) ? embeddedIpv4(ip) ?? ip : ip
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
