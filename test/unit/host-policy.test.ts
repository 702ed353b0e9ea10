// The host grammar every connector's config shares, the policy's resolver
// (resolve once, check every address, fail closed), the lookup adapter that
// connectors hand to their drivers, and the MySQL auth plugins that refuse to
// encrypt the password with a key the server supplies over plain TCP.
import type { LookupAddress } from 'node:dns'
import { describe, expect, it } from 'vitest'
import { HostRefusedError } from '../../connectors/connector'
import { hostGrammarError } from '../../connectors/shared/config-fields'
import { lookupVia } from '../../connectors/shared/network'
import { PASSWORD_REFUSED_MESSAGE, refuseServerKey } from '../../connectors/mysql/auth'
import { credentialMovingChanges } from '../../src/connections/connection-service'
import { hostResolver, resolveAndCheck, type DnsLookup, type HostPolicyOptions } from '../../src/security/host-policy'

const fakeDns = (zone: Record<string, string[]>): DnsLookup => async (name) => {
  const a = zone[name]
  if (!a) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })
  return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
}
const policy = (p: HostPolicyOptions['policy'], zone: Record<string, string[]> = {}): HostPolicyOptions => ({ policy: p, allowSocketHosts: false, lookup: fakeDns(zone) })

describe('hostGrammarError', () => {
  it.each([
    'db', 'db.example.com', 'my_db', 'db-1.internal', 'xn--bcher-kva.example', '127.0.0.1', '203.0.113.10', '::1', '[::1]',
    '2001:db8::1', '::ffff:127.0.0.1', 'a'.repeat(63) + '.com',
  ])('accepts %s', (h) => {
    expect(hostGrammarError(h)).toBeNull()
  })

  it.each([
    ['', 'empty'], ['x@127.0.0.1', 'userinfo'], ['127.0.0.1/x', 'path'], ['127.0.0.1#', 'fragment'], ['127.0.0.1?x', 'query'],
    ['169.254.169.254%2e', 'percent escape'], ['169.254.169.254.', 'trailing dot'], ['db.example.com.', 'trailing dot on a name'],
    ['127.0.0.1\\inst', 'SQL Server instance'], ['127.0.0.1:5432', 'port'], ['[::1]:5432', 'port after IPv6'],
    ['2130706433', 'integer IPv4'], ['0x7f.0.0.1', 'hex IPv4'], ['0177.0.0.1', 'octal IPv4'], ['127.1', 'short IPv4'],
    ['256.1.1.1', 'out of range'], ['db.123', 'numeric last label'], ['fe80::1%eth0', 'IPv6 zone'], ['a..b', 'empty label'],
    ['-db.example', 'label starting with -'], ['bücher.example', 'non-ASCII'], ['db example', 'space'], ['a'.repeat(64) + '.com', 'long label'],
    ['http://db', 'scheme'],
  ])('refuses %s (%s)', (h) => {
    expect(hostGrammarError(h)).not.toBeNull()
  })
})

describe('resolveAndCheck', () => {
  it('returns the checked addresses of a name', async () => {
    expect(await resolveAndCheck('db.test', policy('external', { 'db.test': ['203.0.113.5', '2001:db8::5'] })))
      .toEqual([{ address: '203.0.113.5', family: 4 }, { address: '2001:db8::5', family: 6 }])
  })

  it('checks IP literals without resolving them', async () => {
    expect(await resolveAndCheck('[2001:db8::1]', policy('external'))).toEqual([{ address: '2001:db8::1', family: 6 }])
    await expect(resolveAndCheck('127.0.0.1', policy('external'))).rejects.toMatchObject({ code: 'host_not_allowed' })
  })

  it('refuses a name when any one of its addresses is refused', async () => {
    await expect(resolveAndCheck('db.test', policy('external', { 'db.test': ['203.0.113.5', '10.0.0.1'] }), 'config.host'))
      .rejects.toMatchObject({ code: 'host_not_allowed', details: [{ path: 'config.host', issue: 'host_not_allowed' }] })
  })

  it('fails closed on a name that does not resolve, or resolves to nothing, in every policy', async () => {
    for (const p of ['all', 'private', 'external'] as const) {
      await expect(resolveAndCheck('nowhere.test', policy(p))).rejects.toThrow(/does not resolve/)
      await expect(resolveAndCheck('empty.test', policy(p, { 'empty.test': [] }))).rejects.toThrow(/does not resolve/)
    }
  })

  it('refuses socket paths unless allowed', async () => {
    await expect(resolveAndCheck('/var/run/postgresql', policy('all'))).rejects.toMatchObject({ code: 'host_not_allowed' })
    expect(await resolveAndCheck('/var/run/postgresql', { ...policy('all'), allowSocketHosts: true })).toEqual([])
  })
})

describe('hostResolver (connect time)', () => {
  it('throws HostRefusedError for a refused address and ENOTFOUND for a name that does not resolve', async () => {
    const resolve = hostResolver(policy('external', { 'meta.test': ['169.254.169.254'] }))
    await expect(resolve('meta.test')).rejects.toBeInstanceOf(HostRefusedError)
    await expect(resolve('meta.test')).rejects.toMatchObject({ code: 'EHOSTREFUSED' })
    await expect(resolve('nowhere.test')).rejects.toMatchObject({ code: 'ENOTFOUND' })
  })
})

describe('lookupVia (the dns.lookup the drivers get)', () => {
  const lookup = lookupVia(hostResolver(policy('all', { 'db.test': ['203.0.113.5', '2001:db8::5'], 'meta.test': ['169.254.169.254'] })))
  const call = (host: string, options: object) => new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
    (lookup as unknown as (h: string, o: object, cb: (e: NodeJS.ErrnoException | null, a: string | LookupAddress[], f?: number) => void) => void)(host, options, (err, address, family) => resolve({ err, address, family })))

  it('answers one address, all of them, or those of one family, as node asks', async () => {
    expect(await call('db.test', {})).toMatchObject({ err: null, address: '203.0.113.5', family: 4 })
    expect((await call('db.test', { all: true })).address).toEqual([{ address: '203.0.113.5', family: 4 }, { address: '2001:db8::5', family: 6 }])
    expect(await call('db.test', { family: 6 })).toMatchObject({ err: null, address: '2001:db8::5', family: 6 })
  })

  it('passes refusals and unresolvable names on as errors', async () => {
    expect((await call('meta.test', { all: true })).err).toMatchObject({ code: 'EHOSTREFUSED' })
    expect((await call('nowhere.test', {})).err).toMatchObject({ code: 'ENOTFOUND' })
  })
})

describe('MySQL auth over plain TCP', () => {
  // A stand-in for mysql2's plugin: it asks for the server key as its first step (as sha256_password does without TLS).
  const asksForKey = () => () => () => Buffer.from([1])
  const meta = (password: string) => ({ connection: { config: { password } }, command: 'auth' }) as never

  it('refuses to ask for the server key (and so to send the password encrypted with it) when a password is set', async () => {
    const step = refuseServerKey('sha256_password', asksForKey)(meta('Secret-123'))
    await expect(Promise.resolve(step(Buffer.alloc(20)))).rejects.toThrow(PASSWORD_REFUSED_MESSAGE)
  })

  it('refuses the full-authentication step of the real caching_sha2_password plugin', async () => {
    const step = refuseServerKey('caching_sha2_password')(meta('Secret-123'))
    const token = step(Buffer.alloc(20, 7))
    expect(Buffer.isBuffer(token) && token.length).toBe(32)
    // The server answers "perform full authentication" (0x04): the plugin would now request the key.
    await expect(Promise.resolve(step(Buffer.from([4])))).rejects.toMatchObject({ passwordRefused: true })
  })

  it('lets the fast (challenge-response) path and empty passwords through', () => {
    const fast = refuseServerKey('caching_sha2_password')(meta('Secret-123'))
    fast(Buffer.alloc(20, 7))
    expect(fast(Buffer.from([3]))).toBeNull()
    expect(refuseServerKey('sha256_password', asksForKey)(meta(''))(Buffer.alloc(20))).toEqual(Buffer.from([1]))
  })
})

describe('credentialMovingChanges', () => {
  const base = { host: 'db.test', port: 5432, database: 'a', user: 'u', ssl: 'require', schemas: ['x'] }
  it('names every changed field that moves the credentials, and ignores neutral ones', () => {
    expect(credentialMovingChanges(base, { ...base, schemas: ['y'] })).toEqual([])
    expect(credentialMovingChanges(base, { ...base, host: 'other.test', port: 1 })).toEqual(['host', 'port'])
    expect(credentialMovingChanges(base, { ...base, ssl_ca: '-----BEGIN CERTIFICATE-----' })).toEqual(['ssl_ca'])
  })
})
