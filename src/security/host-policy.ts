// Network policy for outbound connections (databases, webhooks): stops the
// service from being used to reach places it should not (SSRF). Every address
// a host name resolves to is checked, not just the first.
import { lookup } from 'node:dns/promises'
import net from 'node:net'
import { AppError } from '../errors'
import { HostRefusedError, type HostResolver, type ResolvedAddress } from '../../connectors/connector'

export type NetworkPolicy = 'all' | 'private' | 'external'

// Cloud metadata endpoints: refused whatever the policy.
// `::` and 0.0.0.0 mean "this host" to most stacks: refused like the metadata addresses.
// fd00:ec2::23 is the IPv6 twin of EKS Pod Identity's 169.254.170.23 (credentials),
// which link-local already covers; fd00:ec2::254 is IMDS over IPv6.
// Multicast, the reserved 240/4 and broadcast: no database or webhook lives there.
const ALWAYS_BLOCKED = ['169.254.169.254/32', '169.254.170.2/32', '100.100.100.200/32', 'fd00:ec2::254/128', 'fd00:ec2::23/128', '0.0.0.0/8', '::/128',
  '224.0.0.0/4', '240.0.0.0/4', 'ff00::/8']
const LINK_LOCAL = ['169.254.0.0/16', 'fe80::/10']
// Not public: RFC 1918, loopback, CGNAT, ULA, and ranges used inside networks though not RFC 1918: IETF's
// 192.0.0.0/24, the benchmarking 198.18.0.0/15, and the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215),
// through which a local translator reaches the private IPv4 network (its IPv4 may sit anywhere in the address).
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '100.64.0.0/10', '192.0.0.0/24', '198.18.0.0/15',
  '::1/128', 'fc00::/7', '64:ff9b:1::/48']

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
export function ipv6Words(ip: string): number[] | null {
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

/** Resolves a name to all its addresses (node's dns.lookup by default; tests inject their own). */
export type DnsLookup = (name: string) => Promise<Array<{ address: string; family: number }>>

export interface HostPolicyOptions {
  policy: NetworkPolicy
  allowSocketHosts: boolean
  /** The resolver (default: the system's, through dns.lookup with all addresses). */
  lookup?: DnsLookup
}

const systemLookup: DnsLookup = (name) => lookup(name, { all: true, verbatim: true })

const isSocketHost = (host: string) => host.startsWith('/') || host.includes('.s.PGSQL') || host.startsWith('unix:')

/** Why the policy refuses `host`, or the checked addresses it resolves to. */
async function resolveChecked(host: string, opts: HostPolicyOptions): Promise<{ refused: string; unresolved?: boolean } | { addresses: ResolvedAddress[] }> {
  const bare = host.replace(/^\[|\]$/g, '')
  let found: Array<{ address: string; family: number }>
  if (net.isIP(bare)) found = [{ address: bare, family: net.isIPv6(bare) ? 6 : 4 }]
  else {
    try {
      found = await (opts.lookup ?? systemLookup)(bare)
    } catch {
      found = []
    }
    // Fail closed: a name that resolves to nothing now is refused, not waved through.
    if (!found.length) return { refused: `host ${host} does not resolve`, unresolved: true }
  }
  const addresses: ResolvedAddress[] = []
  for (const a of found) {
    const why = checkAddress(a.address, opts.policy)
    if (why) return { refused: `host ${host} is not allowed: ${why}` }
    addresses.push({ address: a.address, family: a.family === 6 || net.isIPv6(a.address) ? 6 : 4 })
  }
  return { addresses }
}

/**
 * Resolves `host` once and checks every address it resolves to; returns them
 * (connect to these, not to the name). Throws AppError('host_not_allowed')
 * naming `field` when the host, one of its addresses, or a name that resolves
 * to nothing is refused. Socket paths resolve to no address.
 */
export async function resolveAndCheck(host: string, opts: HostPolicyOptions, field = 'config.host'): Promise<ResolvedAddress[]> {
  const refuse = (why: string): never => { throw new AppError('host_not_allowed', `${field}: ${why}`, [{ path: field, issue: 'host_not_allowed' }]) }
  if (isSocketHost(host)) {
    if (!opts.allowSocketHosts) refuse('Unix-socket hosts are not allowed (set NEXATRON_ALLOW_SOCKET_HOSTS=true)')
    return []
  }
  const r = await resolveChecked(host, opts)
  if ('refused' in r) return refuse(r.unresolved ? `${r.refused}; a host must resolve to an address the network policy allows` : r.refused)
  return r.addresses
}

/**
 * Throws AppError('host_not_allowed') when `host` (name or IP) or any address
 * it resolves to is refused, or when a name resolves to nothing. `field` names
 * the config field in the error.
 */
export async function assertHostAllowed(host: string, opts: HostPolicyOptions, field = 'config.host'): Promise<void> {
  await resolveAndCheck(host, opts, field)
}

/**
 * The resolver connectors and outbound HTTP use at connect time: every new
 * physical connection resolves the name again and checks every address, and
 * the caller connects to the addresses returned (so a name that rebinds after
 * the save-time check cannot lead anywhere the policy refuses). Rejects with
 * HostRefusedError (policy) or an ENOTFOUND error (nothing resolves).
 */
export function hostResolver(opts: HostPolicyOptions): HostResolver {
  return async (host) => {
    if (isSocketHost(host)) {
      if (!opts.allowSocketHosts) throw new HostRefusedError(`host ${host} is not allowed: Unix-socket hosts are not allowed`)
      return []
    }
    const r = await resolveChecked(host, opts)
    if ('addresses' in r) return r.addresses
    if (r.unresolved) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host })
    throw new HostRefusedError(r.refused)
  }
}
