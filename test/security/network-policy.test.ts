// Network policy (SSRF) and credential phishing, through the public HTTP API:
// host fields the drivers would parse their own way (userinfo, paths,
// fragments, percent-escapes, trailing dots, SQL Server's `host\instance`),
// names that do not resolve, DNS rebinding between the check and the connect
// (a resolver injected into the host policy answers differently the second
// time), pools that open new connections later, webhooks, re-pointing a saved
// connection at another server without sending its credentials again, and a
// server that asks for the password in clear text over plain TCP.
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConnector } from '../../connectors/registry'
import type { Connector, ConnectorConfig } from '../../connectors/connector'
import { createMssqlConnector } from '../../connectors/mssql/connector'
import { hostResolver, type DnsLookup, type NetworkPolicy } from '../../src/security/host-policy'
import { postWebhook } from '../../src/security/pinned-http'
import { SERVICES, serviceAvailable } from '../support/services'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'
import { TdsTestServer } from '../support/tds-server'

/** A fake DNS: names map to addresses (or to a function answering each lookup) the test can change at any time. */
const zone = new Map<string, string[] | (() => string[])>()
const dnsLookup: DnsLookup = async (name) => {
  const entry = zone.get(name.toLowerCase())
  const addrs = typeof entry === 'function' ? entry() : entry
  if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
  return addrs.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }))
}
/** Answers `first` once, then `later` for every further lookup (a rebinding DNS server). */
const rebinding = (first: string, later: string) => {
  let calls = 0
  return () => [++calls === 1 ? first : later]
}

const pgUp = await serviceAvailable('postgres')
const mariaUp = await serviceAvailable('mariadb')
const chUp = await serviceAvailable('clickhouse')

/** A TCP listener that counts who reached it (it must stay at zero when refused). */
async function listener(onSocket: (s: net.Socket) => void = (s) => s.destroy()) {
  let accepted = 0
  const server = net.createServer((s) => { accepted++; onSocket(s) })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { port: (server.address() as AddressInfo).port, get accepted() { return accepted }, close: () => new Promise<void>((r) => server.close(() => r())) }
}

let ext: TestApp
let all: TestApp
let n = 0
const uniq = (s: string) => `${s} ${++n}`

beforeAll(async () => {
  ext = await createTestApp({ NEXATRON_ALLOWED_NETWORKS: 'external' }, { dnsLookup })
  all = await createTestApp({}, { dnsLookup })
})
afterAll(async () => {
  await ext?.close()
  await all?.close()
})

const body = async (res: TestResponse) => {
  const text = await res.text()
  try { return { text, json: JSON.parse(text) } } catch { return { text, json: {} } }
}

const configFor = (type: string, host: string, port = 5432): Record<string, unknown> => {
  switch (type) {
    case 'postgres': return { host, port, database: 'x', user: 'x', ssl: 'disable' }
    case 'mysql': return { host, port, database: 'x', user: 'x', ssl: 'disable' }
    case 'clickhouse': return { host, port, ssl: 'disable' }
    case 'mssql': return { host, port, database: 'x', encrypt: false }
    default: throw new Error(type)
  }
}
const credentialsFor = (type: string) => (type === 'mssql' ? { username: 'sa', password: 'Secret-123' } : { password: 'Secret-123' })

const TYPES = ['postgres', 'mysql', 'clickhouse', 'mssql'] as const

describe('host fields are plain host names or IP literals', () => {
  // Each of these was accepted before: the policy resolved the text as a name
  // (failed, so it failed open) while the driver parsed it its own way, e.g.
  // ClickHouse's URL turns `x@127.0.0.1` into user `x` at 127.0.0.1.
  const spellings = [
    'x@169.254.169.254', '169.254.169.254/latest/meta-data/#', '169.254.169.254%2e', '169.254.169.254.',
    'x@127.0.0.1', '127.0.0.1#', '127.0.0.1?x=1', '127.0.0.1:8123', 'user:pw@10.0.0.1',
    '2130706433', '0x7f.0.0.1', '0177.0.0.1', '127.1', 'fe80::1%25eth0', 'fe80::1%eth0', 'db.example.com.', '.example.com',
    'a..b', 'bücher.example', 'x y',
  ]
  for (const type of TYPES) {
    it.each(spellings)(`${type}: refuses config.host %s with 422 naming config.host`, async (host) => {
      const res = await ext.request('POST', '/api/v1/connections', { body: { name: uniq(type), type, config: configFor(type, host), credentials: credentialsFor(type) } })
      const { text, json } = await body(res)
      expect(res.status, text).toBe(422)
      expect(json.error.details.map((d: { path?: string }) => d.path), text).toContain('config.host')
    })
  }

  it.each(['169.254.169.254\\SQLEXPRESS', '127.0.0.1\\inst', 'sql.example.com\\inst'])('mssql: refuses a named instance in config.host (%s); it has its own field', async (host) => {
    const res = await all.request('POST', '/api/v1/connections', { body: { name: uniq('mssql'), type: 'mssql', config: { host, database: 'x' }, credentials: credentialsFor('mssql') } })
    const { text, json } = await body(res)
    expect(res.status, text).toBe(422)
    expect(json.error.details.map((d: { path?: string }) => d.path)).toContain('config.host')
  })

  it('mssql: accepts instance_name as its own field, and refuses odd characters in it', async () => {
    zone.set('sql.named.test', ['203.0.113.20'])
    const ok = await ext.request('POST', '/api/v1/connections', { body: { name: uniq('mssql'), type: 'mssql', config: { host: 'sql.named.test', instance_name: 'SQLEXPRESS', database: 'x' }, credentials: credentialsFor('mssql') } })
    expect(ok.status, await ok.clone().text()).toBe(201)
    const bad = await ext.request('POST', '/api/v1/connections', { body: { name: uniq('mssql'), type: 'mssql', config: { host: 'sql.named.test', instance_name: 'a\\b', database: 'x' }, credentials: credentialsFor('mssql') } })
    expect(bad.status).toBe(422)
    expect((await bad.json()).error.details.map((d: { path?: string }) => d.path)).toContain('config.instance_name')
  })

  it('refuses the spellings with NEXATRON_ALLOWED_NETWORKS=all too (grammar, not policy)', async () => {
    for (const host of ['x@127.0.0.1', '127.0.0.1/', '127.0.0.1%2e']) {
      const res = await all.request('POST', '/api/v1/connections', { body: { name: uniq('ch'), type: 'clickhouse', config: configFor('clickhouse', host) } })
      expect(res.status, host).toBe(422)
    }
  })

  it('snowflake: refuses an account that is not a plain account identifier', async () => {
    for (const account of ['x@169.254.169.254', 'acct.', '.acct', 'a..b', 'acct/x', 'acct#', 'acct%2e']) {
      const res = await all.request('POST', '/api/v1/connections', { body: { name: uniq('sf'), type: 'snowflake', config: { account, database: 'DB' }, credentials: { username: 'u', password: 'p' } } })
      const { text, json } = await body(res)
      expect(res.status, `${account}: ${text}`).toBe(422)
      expect(json.error.details.map((d: { path?: string }) => d.path)).toContain('config.account')
    }
  })

  it('clickhouse: a local listener behind "x@127.0.0.1" is never reached', async () => {
    const l = await listener((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n23.8.1.1'))
    try {
      const res = await ext.request('POST', '/api/v1/connections', { body: { name: uniq('ch'), type: 'clickhouse', config: configFor('clickhouse', 'x@127.0.0.1', l.port) } })
      if (res.status === 201) {
        const { id } = await res.json()
        const tested = await ext.request('POST', `/api/v1/connections/${id}/test`)
        expect.fail(`created; /test answered ${tested.status} ${await tested.text()}`)
      }
      expect(res.status).toBe(422)
      expect(l.accepted).toBe(0)
    } finally {
      await l.close()
    }
  })
})

describe('names are resolved, every address checked, and unresolvable names refused', () => {
  it.each(TYPES)('%s: refuses a name that does not resolve (fails closed) with 422 host_not_allowed', async (type) => {
    const res = await ext.request('POST', '/api/v1/connections', { body: { name: uniq(type), type, config: configFor(type, 'nowhere.invalid'), credentials: credentialsFor(type) } })
    const { text, json } = await body(res)
    expect(res.status, text).toBe(422)
    expect(json.error.code).toBe('host_not_allowed')
    expect(json.error.details[0].path).toBe('config.host')
  })

  it('refuses an unresolvable name whatever the policy', async () => {
    const res = await all.request('POST', '/api/v1/connections', { body: { name: uniq('pg'), type: 'postgres', config: configFor('postgres', 'nowhere.invalid'), credentials: credentialsFor('postgres') } })
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBe('host_not_allowed')
  })

  it('refuses a name with one blocked address among public ones', async () => {
    zone.set('mixed.test', ['203.0.113.9', '10.1.2.3'])
    const res = await ext.request('POST', '/api/v1/connections', { body: { name: uniq('pg'), type: 'postgres', config: configFor('postgres', 'mixed.test') } })
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBe('host_not_allowed')
  })

  it('refuses a name resolving to the metadata address even with NEXATRON_ALLOWED_NETWORKS=all', async () => {
    zone.set('meta.attacker.test', ['169.254.169.254'])
    const res = await all.request('POST', '/api/v1/connections', { body: { name: uniq('ch'), type: 'clickhouse', config: configFor('clickhouse', 'meta.attacker.test', 80) } })
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBe('host_not_allowed')
  })

  it('refuses a webhook_url whose name resolves to a blocked address, or does not resolve', async () => {
    zone.set('hook.attacker.test', ['10.0.0.5'])
    zone.set('rebind-public.test', ['203.0.113.10'])
    const conn = await ext.request('POST', '/api/v1/connections', { body: { name: uniq('pub'), type: 'postgres', config: configFor('postgres', 'rebind-public.test'), is_default: true } })
    expect(conn.status, await conn.clone().text()).toBe(201)
    for (const url of ['http://hook.attacker.test/x', 'https://nowhere.invalid/x']) {
      const res = await ext.request('POST', '/api/v1/query', { body: { question: 'total sales', webhook_url: url } })
      const { text, json } = await body(res)
      expect(res.status, `${url}: ${text}`).toBe(422)
      expect(json.error.code).toBe('host_not_allowed')
    }
  })
})

describe('DNS rebinding: the connection goes to the address that was checked', () => {
  // The name resolves to a public address when the connection is saved and
  // when the service checks it again before building the connector, then to a
  // local one (the listener) when the driver would connect.
  it.each(TYPES)('%s: a name that rebinds to 127.0.0.1 after the check never reaches the local listener', async (type) => {
    const l = await listener()
    const name = `rebind-${type}.test`
    zone.set(name, ['203.0.113.77'])
    try {
      const created = await ext.request('POST', '/api/v1/connections', { body: { name: uniq(type), type, config: configFor(type, name, l.port), credentials: credentialsFor(type) } })
      expect(created.status, await created.clone().text()).toBe(201)
      const { id } = await created.json()
      zone.set(name, rebinding('203.0.113.77', '127.0.0.1'))
      const res = await ext.request('POST', `/api/v1/connections/${id}/test`)
      const { text, json } = await body(res)
      expect(res.status, text).not.toBe(200)
      expect(['host_not_allowed', 'unreachable'], text).toContain(json.error.code)
      expect(json.error.message).toMatch(/not allowed|network policy/i)
      expect(l.accepted).toBe(0)
    } finally {
      await l.close()
    }
  })

  it('mssql: the SQL Server Browser probe for a named instance goes only to checked addresses', async () => {
    const name = 'rebind-browser.test'
    zone.set(name, ['203.0.113.78'])
    const created = await ext.request('POST', '/api/v1/connections', { body: { name: uniq('mssql'), type: 'mssql', config: { host: name, instance_name: 'INST', database: 'x' }, credentials: credentialsFor('mssql') } })
    expect(created.status, await created.clone().text()).toBe(201)
    const { id } = await created.json()
    // Passes the build-time check, rebinds before the connector's own lookup.
    zone.set(name, rebinding('203.0.113.78', '127.0.0.1'))
    const res = await ext.request('POST', `/api/v1/connections/${id}/test`)
    const { text, json } = await body(res)
    expect(res.status, text).not.toBe(200)
    expect(json.error.message, text).toMatch(/not allowed|network policy/i)
  })
})

describe('connectors connect through the checked resolver, on every new physical connection', () => {
  /** A resolver like the service's, over the fake DNS, with the given policy. */
  const resolver = (policy: NetworkPolicy = 'all') => hostResolver({ policy, allowSocketHosts: false, lookup: dnsLookup })

  /** Runs test() once, rebinds the name to the metadata address, then needs new connections. */
  async function pinAndRebind(name: string, connector: Connector) {
    try {
      const first = await connector.test()
      expect(first.ok).toBe(true)
      zone.set(name, ['169.254.169.254'])
      // Three at once: the idle connection serves one, the others must connect anew.
      const results = await Promise.allSettled([connector.test(), connector.test(), connector.test()])
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(refused.length, JSON.stringify(results.map((r) => r.status))).toBeGreaterThan(0)
      for (const r of refused) expect(String((r.reason as Error).message)).toMatch(/not allowed|network policy/i)
    } finally {
      await connector.close()
    }
  }

  it.skipIf(!pgUp)('postgres: connects by a name only the policy resolver knows, and refuses a new pooled connection after a rebind', async () => {
    zone.set('pg.pin.test', ['127.0.0.1'])
    const cfg: ConnectorConfig = { type: 'postgres', config: { host: 'pg.pin.test', port: SERVICES.postgres.port, database: 'test', user: 'postgres', ssl: 'disable' }, credentials: {}, options: { pool_max: 4 }, resolveHost: resolver() }
    await pinAndRebind('pg.pin.test', createConnector(cfg))
  })

  it.skipIf(!mariaUp)('mysql: connects by a name only the policy resolver knows, and refuses a new pooled connection after a rebind', async () => {
    zone.set('my.pin.test', ['127.0.0.1'])
    const cfg: ConnectorConfig = { type: 'mysql', config: { host: 'my.pin.test', port: SERVICES.mariadb.port, database: 'test', user: 'root', ssl: 'disable' }, credentials: { password: '' }, options: { pool_max: 4 }, resolveHost: resolver() }
    await pinAndRebind('my.pin.test', createConnector(cfg))
  })

  it.skipIf(!chUp)('clickhouse: connects by a name only the policy resolver knows, and refuses a new pooled connection after a rebind', async () => {
    zone.set('ch.pin.test', ['127.0.0.1'])
    const cfg: ConnectorConfig = { type: 'clickhouse', config: { host: 'ch.pin.test', port: SERVICES.clickhouse.port, ssl: 'disable', database: 'default', user: 'default' }, credentials: { password: '' }, options: { pool_max: 4 }, resolveHost: resolver() }
    await pinAndRebind('ch.pin.test', createConnector(cfg))
  })

  it('mssql: connects by a name only the policy resolver knows, and refuses a new pooled connection after a rebind', async () => {
    const server = await new TdsTestServer().start()
    try {
      zone.set('sql.pin.test', ['127.0.0.1'])
      const connector = createMssqlConnector({ type: 'mssql', config: { host: 'sql.pin.test', port: server.port, database: 'analytics', encrypt: false }, credentials: { username: 'nexatron', password: 'Secret-123' }, options: { pool_max: 4 }, resolveHost: resolver() })
      await pinAndRebind('sql.pin.test', connector)
    } finally {
      await server.stop()
    }
  })

  it('a connector refuses a name that stops resolving (fails closed at connect time)', async () => {
    zone.set('gone.test', ['127.0.0.1'])
    const l = await listener()
    const c = createConnector({ type: 'postgres', config: { host: 'gone.test', port: l.port, database: 'x', user: 'x', ssl: 'disable' }, credentials: {}, resolveHost: resolver() })
    zone.delete('gone.test')
    try {
      await expect(c.test()).rejects.toMatchObject({ code: 'unreachable' })
      expect(l.accepted).toBe(0)
    } finally {
      await c.close()
      await l.close()
    }
  })
})

describe('webhooks connect to the checked address', () => {
  async function receiver() {
    const hits: string[] = []
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? '')
      if (req.url === '/redirect') { res.statusCode = 302; res.setHeader('location', 'http://169.254.169.254/latest/meta-data/'); res.end(); return }
      req.resume(); req.on('end', () => res.end('ok'))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    return { hits, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) }
  }

  it('delivers to a name through the policy resolver (the only place that knows it)', async () => {
    const r = await receiver()
    zone.set('hook.pin.test', ['127.0.0.1'])
    try {
      const res = await postWebhook(`http://hook.pin.test:${r.port}/ok`, { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5_000, hostPolicy: { policy: 'all', allowSocketHosts: false, lookup: dnsLookup } })
      expect(res.status).toBe(200)
      expect(r.hits).toEqual(['/ok'])
    } finally {
      await r.close()
    }
  })

  it('refuses a name that rebinds to a private address at connect time, without connecting', async () => {
    const r = await receiver()
    // Public for the check before the request, then 127.0.0.1 when the socket resolves it.
    zone.set('hook.rebind.test', rebinding('203.0.113.30', '127.0.0.1'))
    try {
      await expect(postWebhook(`http://hook.rebind.test:${r.port}/x`, { headers: {}, body: '{}', timeoutMs: 5_000, hostPolicy: { policy: 'external', allowSocketHosts: false, lookup: dnsLookup } }))
        .rejects.toThrow(/not allowed|network policy/i)
      expect(r.hits).toEqual([])
    } finally {
      await r.close()
    }
  })

  it('does not follow redirects', async () => {
    const r = await receiver()
    try {
      const res = await postWebhook(`http://127.0.0.1:${r.port}/redirect`, { headers: {}, body: '{}', timeoutMs: 5_000, hostPolicy: { policy: 'all', allowSocketHosts: false } })
      expect(res.status).toBe(302)
      expect(r.hits).toEqual(['/redirect'])
    } finally {
      await r.close()
    }
  })
})

describe('re-pointing a saved connection requires its credentials again', () => {
  let id: string
  const base = { host: '203.0.113.10', port: 5432, database: 'analytics', user: 'nexatron', ssl: 'require' }
  beforeAll(async () => {
    const res = await ext.request('POST', '/api/v1/connections', { body: { name: uniq('phish'), type: 'postgres', config: base, credentials: { password: 'Secret-123' } } })
    expect(res.status, await res.clone().text()).toBe(201)
    id = (await res.json()).id
  })

  it.each([
    ['host', { host: '203.0.113.66' }],
    ['port', { port: 6543 }],
    ['user', { user: 'someone_else' }],
    ['database', { database: 'other' }],
    ['ssl', { ssl: 'disable' }],
  ])('refuses a PATCH changing config.%s without credentials, with 422 naming credentials', async (_field, change) => {
    const res = await ext.request('PATCH', `/api/v1/connections/${id}`, { body: { config: { ...base, ...change } } })
    const { text, json } = await body(res)
    expect(res.status, text).toBe(422)
    expect(json.error.details.map((d: { path?: string }) => d.path), text).toContain('credentials')
    // Nothing changed.
    const now = await (await ext.request('GET', `/api/v1/connections/${id}`)).json()
    expect(now.config.host).toBe(base.host)
    expect(now.config.ssl).toBe(base.ssl)
  })

  it('accepts the same change when the credentials come with it', async () => {
    const res = await ext.request('PATCH', `/api/v1/connections/${id}`, { body: { config: { ...base, host: '203.0.113.66' }, credentials: { password: 'Other-456' } } })
    expect(res.status, await res.clone().text()).toBe(200)
    expect((await res.json()).config.host).toBe('203.0.113.66')
    base.host = '203.0.113.66'
  })

  it('accepts changes that do not move the credentials (schemas, name, options) without them', async () => {
    const res = await ext.request('PATCH', `/api/v1/connections/${id}`, { body: { name: uniq('renamed'), config: { ...base, schemas: ['sales'] }, options: { max_rows: 10 } } })
    expect(res.status, await res.clone().text()).toBe(200)
    expect((await res.json()).has_credentials).toBe(true)
  })
})

describe('the postgres driver never sends a password in clear text over plain TCP', () => {
  it('refuses AuthenticationCleartextPassword when ssl is disable: a fake server gets no password', async () => {
    const received: string[] = []
    const l = await listener((s) => {
      let startup = true
      s.on('data', (buf: Buffer) => {
        if (startup) {
          startup = false
          // AuthenticationCleartextPassword: 'R', length 8, code 3.
          const r = Buffer.alloc(9); r.write('R', 0); r.writeInt32BE(8, 1); r.writeInt32BE(3, 5)
          s.write(r)
          return
        }
        received.push(buf.toString('latin1'))
      })
      s.on('error', () => {})
    })
    try {
      const created = await all.request('POST', '/api/v1/connections', { body: { name: uniq('clear'), type: 'postgres', config: { host: '127.0.0.1', port: l.port, database: 'x', user: 'x', ssl: 'disable' }, credentials: { password: 'hunter2-Secret' } } })
      expect(created.status, await created.clone().text()).toBe(201)
      const { id } = await created.json()
      const res = await all.request('POST', `/api/v1/connections/${id}/test`)
      const { text } = await body(res)
      expect(res.status, text).not.toBe(200)
      expect(text).toMatch(/clear text/i)
      await new Promise((r) => setTimeout(r, 100))
      expect(received.join('')).not.toContain('hunter2-Secret')
    } finally {
      await l.close()
    }
  })
})
