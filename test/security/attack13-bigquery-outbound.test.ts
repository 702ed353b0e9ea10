// Attack: use a BigQuery connection to make the service reach internal
// addresses (SSRF). `api_endpoint` may name a tenant's own server, and its
// host was checked against the network policy only when the connection was
// saved: the SDK then resolved the name itself on every request (a name can
// be rebound to an internal address afterwards), followed redirects to any
// address, and reached the OAuth token endpoint without any check. A
// service-account key is tenant-controlled too (`token_uri`,
// `universe_domain` inside it must not choose where the service goes).
//
// The policy in this test: the endpoint's own address (127.0.0.1, where the
// stand-in and the hostile server listen) is allowed, as a tenant's endpoint
// would be; Google's token host is refused (no network here, and it shows the
// token request meets the policy); everything else goes through the
// service's `external` policy, which refuses loopback. The "internal" server
// listens on 127.0.0.2 and on 127.0.0.1 (reached by the name `localhost`).
import { generateKeyPairSync } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { BigQuery } from '@google-cloud/bigquery'
import { OAuth2Client } from 'google-auth-library'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBigQueryConnector } from '../../connectors/bigquery/connector'
import { HostRefusedError, type Connector, type HostResolver } from '../../connectors/connector'
import { hostResolver } from '../../src/security/host-policy'
import { drain } from '../support/crash-probe'
import { BigQueryTestServer, bqResult } from '../support/bigquery-server'
import { BigQueryInterposer } from '../support/bigquery-interposer'

process.env.METADATA_SERVER_DETECTION = 'none'

const FIELDS = [{ name: 'v', type: 'STRING', mode: 'NULLABLE' as const }]
const TOKEN_HOST = 'oauth2.googleapis.com'

/** A server standing for an internal service; counts what reaches it. */
class InternalServer {
  hits = 0
  private readonly servers: http.Server[] = []

  async listen(host: string): Promise<number> {
    const server = http.createServer((req, res) => {
      this.hits++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"access_token":"internal-secret","kind":"bigquery#getQueryResultsResponse","jobComplete":true}')
    })
    this.servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, host, resolve))
    return (server.address() as AddressInfo).port
  }

  async stop(): Promise<void> {
    for (const s of this.servers) {
      s.closeAllConnections()
      await new Promise<void>((resolve) => s.close(() => resolve()))
    }
  }
}

class HostileBigQuery extends BigQueryInterposer {
  redirects = 0
  constructor(upstream: BigQueryTestServer, private readonly redirectTo: () => string) { super(upstream) }

  protected async intercept(url: URL, sql: string | undefined, res: http.ServerResponse): Promise<boolean> {
    if (!sql?.includes('REDIRECTED') || url.pathname.endsWith('/jobs')) return false
    this.redirects++
    res.writeHead(302, { location: this.redirectTo() })
    res.end()
    return true
  }
}

function tenantPolicy(): { resolve: HostResolver; asked: string[] } {
  const external = hostResolver({ policy: 'external', allowSocketHosts: false })
  const asked: string[] = []
  return {
    asked,
    resolve: async (host) => {
      asked.push(host)
      if (host === '127.0.0.1') return [{ address: '127.0.0.1', family: 4 }]
      if (host === TOKEN_HOST) throw new HostRefusedError(`host ${host} is not allowed: refused by this test's policy`)
      return external(host)
    },
  }
}

let upstream: BigQueryTestServer
let hostile: HostileBigQuery
let internal: InternalServer
let literalPort: number
let namedPort: number
let policy: ReturnType<typeof tenantPolicy>
const opened: Connector[] = []

function connect(over: { endpoint?: string; credentials?: Record<string, unknown> } = {}): Connector {
  const c = createBigQueryConnector({
    type: 'bigquery',
    config: { project_id: upstream.projectId, location: 'US', api_endpoint: over.endpoint ?? hostile.url },
    credentials: over.credentials ?? { access_token: 'test-access-token' },
    resolveHost: policy.resolve,
  })
  opened.push(c)
  return c
}

describe('attack: a BigQuery endpoint or key that sends the service to addresses the network policy refuses', () => {
  beforeAll(async () => {
    upstream = await new BigQueryTestServer().start()
    upstream.on('SELECT v FROM small', bqResult(FIELDS, [['a'], ['b']]))
    upstream.on('SELECT v FROM REDIRECTED', bqResult(FIELDS, [['unused']]))
    internal = new InternalServer()
    literalPort = await internal.listen('127.0.0.2')
    namedPort = await internal.listen('127.0.0.1')
    hostile = await new HostileBigQuery(upstream, () => `http://127.0.0.2:${literalPort}/secret`).start()
    policy = tenantPolicy()
  })
  afterAll(async () => {
    for (const c of opened) await c.close()
    await hostile?.stop()
    await internal?.stop()
    await upstream?.stop()
  })

  it('answers through the allowed endpoint, resolving its host through the policy (control)', async () => {
    const r = await drain(connect(), 'SELECT v FROM small')
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['a'], ['b']])
    expect(policy.asked).toContain('127.0.0.1')
  })

  it('does not reach an endpoint name that now resolves to an internal address', async () => {
    const before = internal.hits
    const r = await drain(connect({ endpoint: `http://localhost:${namedPort}` }), 'SELECT v FROM small', 30_000)
    expect(internal.hits).toBe(before)
    expect(r.error).toMatchObject({ code: 'unreachable' })
    expect(r.error!.message).toMatch(/localhost is not allowed/)
    expect(policy.asked).toContain('localhost')
  }, 40_000)

  it('does not reach an endpoint given as an internal IP address', async () => {
    const before = internal.hits
    const r = await drain(connect({ endpoint: `http://127.0.0.2:${literalPort}` }), 'SELECT v FROM small', 30_000)
    expect(internal.hits).toBe(before)
    expect(r.error).toMatchObject({ code: 'unreachable' })
    expect(r.error!.message).toMatch(/127\.0\.0\.2 is not allowed/)
  }, 40_000)

  it('does not follow a redirect from the allowed endpoint to an internal address', async () => {
    const before = internal.hits
    const r = await drain(connect(), 'SELECT v FROM REDIRECTED', 30_000)
    expect(hostile.redirects).toBeGreaterThan(0)
    expect(internal.hits).toBe(before)
    expect(r.rows).toEqual([])
    expect(r.error).toMatchObject({ code: 'unreachable' })
    expect(r.error!.message).toMatch(/redirect \(HTTP 302\), which is not followed/)
    expect(r.ms).toBeLessThan(10_000) // failed, not polled until the time limit
  }, 40_000)

  it('sends the token request of a service-account key only where the policy allows, whatever token_uri the key names', async () => {
    const before = internal.hits
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    const key = {
      type: 'service_account',
      client_email: 'svc@nexatron-test.iam.gserviceaccount.com',
      private_key: privateKey,
      token_uri: `http://127.0.0.2:${literalPort}/token`,
      universe_domain: `127.0.0.2:${literalPort}`,
    }
    const r = await drain(connect({ endpoint: upstream.url, credentials: { service_account_json: JSON.stringify(key) } }), 'SELECT v FROM small', 30_000)
    expect(internal.hits).toBe(before)
    expect(r.rows).toEqual([])
    expect(policy.asked).toContain(TOKEN_HOST)
    expect(r.error).toMatchObject({ code: 'unreachable' })
    expect(r.error!.message).toMatch(/oauth2\.googleapis\.com is not allowed/)
  }, 40_000)

  it('refuses a BigQuery request made outside any connection call (fail closed, not unchecked)', async () => {
    await drain(connect(), 'SELECT v FROM small') // the connector module and its HTTP hooks are loaded
    const before = internal.hits
    const authClient = new OAuth2Client()
    authClient.setCredentials({ access_token: 'test-access-token' })
    const stray = new BigQuery({ projectId: upstream.projectId, apiEndpoint: `http://localhost:${namedPort}`, authClient, retryOptions: { autoRetry: false } })
    await expect(stray.getDatasets()).rejects.toThrow()
    expect(internal.hits).toBe(before)
  }, 40_000)

  it('still answers on a connector afterwards', async () => {
    expect(await drain(connect(), 'SELECT v FROM small')).toMatchObject({ rows: [['a'], ['b']] })
  })
})
