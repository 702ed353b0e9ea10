// Which budget an anonymous caller's address spends (rate limits, the login
// budget). An IPv6 host is handed a whole /64 and may send each request from a
// new address inside it (privacy addresses rotate by design), so keying on the
// full address gave one host 2^64 fresh budgets: IPv6 callers share their /64's.
// An IPv4 caller seen through a dual-stack socket (::ffff:a.b.c.d) is its IPv4
// address. The audit log keeps the full address; this is only the budget's key.
import net from 'node:net'
import { ipv6Words } from '../../security/host-policy'

export function addressBucket(ip: string): string {
  const bare = ip.split('%')[0]
  if (!net.isIPv6(bare)) return ip
  const w = ipv6Words(bare)
  if (!w) return ip
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return `${w[6] >> 8}.${w[6] & 0xff}.${w[7] >> 8}.${w[7] & 0xff}`
  return `${w.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`
}
