// Attack: use a Snowflake connection to make the service fetch internal URLs
// (SSRF). `access_url` may name a tenant's own server, and it is checked
// against the network policy only when the connection is saved. The query
// response names the result-chunk URLs the SDK then GETs, so a hostile
// endpoint can point them at any address (loopback, metadata, the private
// network), and a redirect from an allowed URL leads anywhere too. The hostile
// server here forwards login and session traffic to the stand-in
// (test/support/snowflake-server.ts) and answers chosen queries itself.
//
// The policy in this test: the endpoint's own address (127.0.0.1, where the
// stand-in and the hostile server listen) is allowed, as a tenant's endpoint
// would be; everything else goes through the service's `external` policy,
// which refuses loopback. The "internal" server listens on 127.0.0.2 and on
// `localhost`, both refused.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSnowflakeConnector } from '../../connectors/snowflake/connector'
import type { Connector, HostResolver } from '../../connectors/connector'
import { hostResolver } from '../../src/security/host-policy'
import { drain } from '../support/crash-probe'
import { SnowflakeTestServer } from '../support/snowflake-server'
import { SnowflakeInterposer } from '../support/snowflake-interposer'

const ROWTYPE = [{ name: 'V', type: 'text', precision: null, scale: null, nullable: true, length: 100, byteLength: 100, database: '', schema: '', table: '', collation: null }]

/** A server standing for an internal service; counts what reaches it. */
class InternalServer {
  hits = 0
  private readonly servers: http.Server[] = []

  async listen(host: string): Promise<string> {
    const server = http.createServer((req, res) => {
      this.hits++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('["internal-secret"]')
    })
    this.servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, host, resolve))
    return `${(server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    for (const s of this.servers) {
      s.closeAllConnections()
      await new Promise<void>((resolve) => s.close(() => resolve()))
    }
  }
}

class HostileSnowflake extends SnowflakeInterposer {
  /** Requests for the redirecting chunk, to show it was asked for. */
  redirects = 0
  constructor(upstream: SnowflakeTestServer, private readonly chunkUrls: Record<string, () => string>, private readonly redirectTo: string) { super(upstream) }

  protected async intercept(url: URL, sql: string | undefined, res: http.ServerResponse): Promise<boolean> {
    if (url.pathname === '/redirect-chunk') {
      this.redirects++
      res.writeHead(302, { location: this.redirectTo })
      res.end()
      return true
    }
    const name = sql === undefined ? undefined : Object.keys(this.chunkUrls).find((k) => sql.includes(k))
    if (!name) return false
    const data = {
      queryId: `q-${name}`, rowtype: ROWTYPE, total: 1, returned: 1, queryResultFormat: 'json', statementTypeId: 4096,
      parameters: [{ name: 'TIMEZONE', value: 'UTC' }], rowset: [],
      chunks: [{ url: this.chunkUrls[name](), rowCount: 1, uncompressedSize: 20, compressedSize: 20 }], chunkHeaders: {},
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ success: true, code: null, message: null, data }))
    return true
  }
}

/** The tenant's endpoint (127.0.0.1) is allowed; anything else meets the `external` policy. */
function tenantPolicy(): { resolve: HostResolver; asked: string[] } {
  const external = hostResolver({ policy: 'external', allowSocketHosts: false })
  const asked: string[] = []
  return {
    asked,
    resolve: async (host) => {
      asked.push(host)
      return host === '127.0.0.1' ? [{ address: '127.0.0.1', family: 4 }] : external(host)
    },
  }
}

let upstream: SnowflakeTestServer
let hostile: HostileSnowflake
let internal: InternalServer
let connector: Connector
let policy: ReturnType<typeof tenantPolicy>

describe('attack: a Snowflake endpoint that sends the service to addresses the network policy refuses', () => {
  beforeAll(async () => {
    upstream = await new SnowflakeTestServer({ chunkRows: 2 }).start()
    upstream.on('SELECT V FROM SMALL', { columns: [{ name: 'V', type: 'text' }], rows: [['a'], ['b']] })
    upstream.on('SELECT V FROM CHUNKED', { columns: [{ name: 'V', type: 'text' }], rows: [['a'], ['b'], ['c'], ['d'], ['e']] })
    internal = new InternalServer()
    const literalPort = await internal.listen('127.0.0.2')
    const namedPort = await internal.listen('127.0.0.1')
    const secret = `http://127.0.0.2:${literalPort}/secret`
    hostile = await new HostileSnowflake(upstream, {
      INTERNAL_LITERAL: () => secret,
      INTERNAL_NAME: () => `http://localhost:${namedPort}/secret`,
      REDIRECTED: () => `${hostile.url}/redirect-chunk`,
    }, secret).start()
    policy = tenantPolicy()
    connector = createSnowflakeConnector({
      type: 'snowflake',
      config: { account: 'acme-test', database: 'ANALYTICS', access_url: hostile.url },
      credentials: { username: 'nexatron', password: 'secret' },
      resolveHost: policy.resolve,
    })
  })
  afterAll(async () => {
    await connector?.close()
    await hostile?.stop()
    await internal?.stop()
    await upstream?.stop()
  })

  it('answers through the allowed endpoint, result chunks included (control)', async () => {
    expect(await drain(connector, 'SELECT V FROM SMALL')).toMatchObject({ rows: [['a'], ['b']] })
    const r = await drain(connector, 'SELECT V FROM CHUNKED')
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['a'], ['b'], ['c'], ['d'], ['e']])
    expect(upstream.requests.some((p) => p.includes('chunk'))).toBe(true)
  })

  it('does not fetch a result chunk from an internal IP address', async () => {
    const r = await drain(connector, 'SELECT V FROM INTERNAL_LITERAL', 30_000)
    expect(internal.hits).toBe(0)
    expect(r.rows).toEqual([])
    expect(r.error).toMatchObject({ code: 'unreachable' })
    expect(r.error!.message).toMatch(/127\.0\.0\.2 is not allowed/)
  }, 40_000)

  it('does not fetch a result chunk from a name that resolves to an internal address', async () => {
    const r = await drain(connector, 'SELECT V FROM INTERNAL_NAME', 30_000)
    expect(internal.hits).toBe(0)
    expect(r.rows).toEqual([])
    expect(r.error).toMatchObject({ code: 'unreachable' })
    expect(r.error!.message).toMatch(/localhost is not allowed/)
    expect(policy.asked).toContain('localhost')
  }, 40_000)

  it('does not follow a redirect from an allowed URL to an internal one', async () => {
    const r = await drain(connector, 'SELECT V FROM REDIRECTED', 30_000)
    expect(hostile.redirects).toBeGreaterThan(0)
    expect(internal.hits).toBe(0)
    expect(r.rows).toEqual([])
    expect(r.error).toBeDefined()
  }, 40_000)

  it('still answers on the same connector afterwards', async () => {
    expect(await drain(connector, 'SELECT V FROM SMALL')).toMatchObject({ rows: [['a'], ['b']] })
  })
})
