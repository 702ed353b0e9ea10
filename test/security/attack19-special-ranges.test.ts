// Attack (left over by the nineteenth pass, written before the fix): with
// NEXATRON_ALLOWED_NETWORKS=external a connection or webhook may reach only
// public addresses, yet ranges that are not public were let through: the
// benchmarking block 198.18.0.0/15 and IETF 192.0.0.0/24 (both in use inside
// networks), RFC 8215's local-use NAT64 prefix 64:ff9b:1::/48 (a way to the
// private IPv4 network behind a local translator), and addresses no database or
// webhook can live at (multicast, reserved, broadcast).
import { describe, expect, it } from 'vitest'
import { checkAddress } from '../../src/security/host-policy'

describe('attack: non-public ranges under the external network policy', () => {
  it.each(['198.18.0.1', '198.19.255.254', '192.0.0.8', '64:ff9b:1::a00:1', '64:ff9b:1:ffff::1'])('refuses %s as not public', (ip) => {
    expect(checkAddress(ip, 'external')).toMatch(/private/)
  })

  it.each(['224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255', 'ff02::1', '::ffff:240.1.2.3'])('refuses %s whatever the policy', (ip) => {
    for (const policy of ['all', 'private', 'external'] as const) expect(checkAddress(ip, policy), policy).not.toBeNull()
  })

  it('still lets public addresses through, and a local NAT64 address under the private policy', () => {
    for (const ip of ['8.8.8.8', '198.17.255.1', '198.20.0.1', '2606:4700::1111', '64:ff9b::808:808']) expect(checkAddress(ip, 'external'), ip).toBeNull()
    expect(checkAddress('64:ff9b:1::a00:1', 'private')).toBeNull()
    expect(checkAddress('198.18.0.1', 'private')).toBeNull()
  })
})
