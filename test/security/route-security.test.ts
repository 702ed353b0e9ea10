// Every authenticated route of the OpenAPI document goes through the shared
// security checks (test/support/route-security.ts). The table below says, per
// operationId, which scope the route needs (api.md, and the route's
// requireScope), what `{id}` names, a body that passes validation, and where
// the route accepts references to other objects. A route in the document (or
// served by the app) that is missing from the table fails the suite, so a new
// route cannot ship without these checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { createStubConnector } from '../support/route-stub-connector'
import { demoSemanticFiles } from '../../src/bootstrap'
import {
  createSecurityFixture, expectBadCredentialsRefused, expectErrorEnvelope, expectScopeEnforced, expectTenantIsolation, expectUnauthenticated, expectOtherTenantIntact, expectRateLimitHeaders, routesFromOpenApi, routesServed, MISSING_ID,
  settableClock, type DocumentedRoute, type RouteSpec, type SecurityFixture,
} from '../support/route-security'

type Entry = Omit<RouteSpec, 'operationId' | 'method' | 'path'>
const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

const question = () => ({ question: 'total sales last quarter' })
let n = 0
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`

/** The scope and objects of every authenticated operation. */
const ROUTES: Record<string, Entry> = {
  // API keys
  listApiKeys: { scope: 'keys:manage', query: 'limit=5' },
  createApiKey: { scope: 'keys:manage', body: () => ({ name: `sec-${unique()}`, scopes: ['keys:manage'] }) },
  revokeApiKey: { scope: 'keys:manage', object: 'apiKey' },
  // Setting attributes needs an admin besides keys:manage (governance).
  updateApiKey: { scope: 'keys:manage', holding: ['*'], object: 'apiKey', body: () => ({ attributes: { region: 'West' } }) },
  getWebhookSecret: { scope: 'keys:manage' },
  getWebhookSecretStatus: { scope: 'keys:manage' },
  rotateWebhookSecret: { scope: 'keys:manage' },
  // Query
  runQuery: {
    scope: 'query:run', body: question,
    refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }, { kind: 'conversation', in: 'body', field: 'conversation_id' }],
  },
  streamQuery: {
    scope: 'query:run', body: question,
    refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }, { kind: 'conversation', in: 'body', field: 'conversation_id' }],
  },
  listQueryHistory: {
    scope: 'query:read',
    refs: [
      { kind: 'connection', in: 'query', field: 'connection_id', expect: 'filtered' },
      { kind: 'conversation', in: 'query', field: 'conversation_id', expect: 'filtered' },
    ],
  },
  getQuery: { scope: 'query:read', object: 'query' },
  deleteQuery: { scope: 'query:run', object: 'query' },
  cancelQuery: { scope: 'query:run', object: 'query' },
  // Connections
  listConnections: { scope: 'connections:read' },
  createConnection: { scope: 'connections:write', body: () => ({ name: `sec ${unique()}`, type: 'pglite', config: { demo: true }, is_default: false }) },
  getConnection: { scope: 'connections:read', object: 'connection' },
  updateConnection: { scope: 'connections:write', object: 'connection', body: () => ({ name: 'renamed by attacker' }) },
  deleteConnection: { scope: 'connections:write', object: 'connection' },
  testConnection: { scope: 'connections:read', object: 'connection' },
  getConnectionSchema: { scope: 'connections:read', object: 'connection' },
  // Semantic layer
  listMetrics: { scope: 'semantic:read', refs: [{ kind: 'connection', in: 'query', field: 'connection_id' }] },
  createMetric: {
    scope: 'semantic:write', body: () => ({ name: `sec_${unique()}`, type: 'simple', type_params: { measure: 'order_total' } }),
    refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }],
  },
  getMetric: { scope: 'semantic:read', object: 'metric' },
  updateMetric: { scope: 'semantic:write', object: 'metric', body: () => ({ label: 'attacker' }) },
  deleteMetric: { scope: 'semantic:write', object: 'metric' },
  listDimensions: { scope: 'semantic:read', refs: [{ kind: 'connection', in: 'query', field: 'connection_id' }] },
  createDimension: {
    scope: 'semantic:write', body: () => ({ semantic_model: 'stores', name: `sec_${unique()}`, type: 'categorical', expr: 'region' }),
    refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }, 
      // A model name or id is resolved inside the (own) connection: an unknown one is a 422 like any unknown reference.
      { kind: 'model', in: 'body', field: 'semantic_model', status: 422 }],
  },
  getDimension: { scope: 'semantic:read', object: 'dimension' },
  updateDimension: { scope: 'semantic:write', object: 'dimension', body: () => ({ label: 'attacker' }) },
  deleteDimension: { scope: 'semantic:write', object: 'dimension' },
  refreshDimensionValues: { scope: 'semantic:write', object: 'dimension' },
  listSemanticModels: { scope: 'semantic:read', refs: [{ kind: 'connection', in: 'query', field: 'connection_id' }] },
  createSemanticModel: {
    scope: 'semantic:write', body: () => ({ name: `sec_${unique()}`, node_relation: { alias: 'orders', schema_name: 'retail' } }),
    refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }],
  },
  getSemanticModel: { scope: 'semantic:read', object: 'model' },
  updateSemanticModel: { scope: 'semantic:write', object: 'model', body: () => ({ label: 'attacker' }) },
  deleteSemanticModel: { scope: 'semantic:write', object: 'model' },
  importSemanticLayer: {
    scope: 'semantic:write', body: () => ({ files: [{ path: 'empty.yml', content: 'semantic_models: []\n' }], refresh_sample_values: false }),
    refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }],
  },
  semanticQuery: { scope: 'query:run', body: () => ({ metrics: ['total_sales'] }), refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }] },
  validateSemanticLayer: { scope: 'semantic:read', body: () => ({}), refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }] },
  listSavedQueries: { scope: 'semantic:read', refs: [{ kind: 'connection', in: 'query', field: 'connection_id' }] },
  // Access policies (governance): admins only.
  listAccessPolicies: { scope: '*', refs: [{ kind: 'connection', in: 'query', field: 'connection_id' }] },
  replaceAccessPolicies: { scope: '*', body: () => ({ policies: [] }), refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }] },
  previewAccess: { scope: '*', body: () => ({ principal: { role: 'analyst', attributes: {} }, query: { metrics: ['total_sales'] } }), refs: [{ kind: 'connection', in: 'body', field: 'connection_id' }] },
  // Identity
  logout: { scope: null },
  getMe: { scope: null },
  listUsers: { scope: 'users:manage' },
  // Granting a role needs the role's scopes too (here the viewer's).
  createUser: { scope: 'users:manage', holding: ['query:read', 'connections:read', 'semantic:read'], body: () => ({ email: `sec-${unique()}@example.com`, password: 'a long enough password', role: 'viewer' }) },
  getUser: { scope: 'users:manage', object: 'user' },
  updateUser: { scope: 'users:manage', object: 'user', body: () => ({ name: 'attacker' }) },
  deleteUser: { scope: 'users:manage', object: 'user' },
  listGroups: { scope: 'users:manage' },
  createGroup: { scope: 'users:manage', body: () => ({ display_name: `sec-${unique()}` }) },
  getGroup: { scope: 'users:manage', object: 'group' },
  updateGroup: { scope: 'users:manage', object: 'group', body: () => ({ display_name: `attacker-${unique()}` }) },
  deleteGroup: { scope: 'users:manage', object: 'group' },
  changeGroupMembers: { scope: 'users:manage', object: 'group', body: () => ({ remove: [] }) },
  replaceGroupMembers: { scope: 'users:manage', object: 'group', body: () => ({ user_ids: [] }) },
  // Enterprise
  listAuditLog: { scope: 'audit:read', query: 'limit=5&action=user.*' },
  getUsageAnalytics: { scope: 'analytics:read', query: 'group_by=user&interval=week' },
  verifyAuditLog: { scope: 'audit:read' },
  exportAuditLog: { scope: 'audit:read', query: 'format=ndjson&action=user.' },
  getBillingPlan: { scope: null },
  getBillingUsage: { scope: 'billing:read', query: 'period=2026-01' },
  listMeterEvents: { scope: 'billing:read', query: 'since=2026-01-01' },
  getScimToken: { scope: 'users:manage' },
  rotateScimToken: { scope: 'users:manage' },
  deleteScimToken: { scope: 'users:manage' },
  // Single sign-on settings: admin only (`*`), since the role mapping can grant admin.
  getSsoSettings: { scope: '*' },
  putSsoSettings: { scope: '*', body: () => ({ issuer: 'https://idp.example.com', client_id: 'x' }) },
  deleteSsoSettings: { scope: '*' },
}

/**
 * SCIM 2.0 routes (RFC 7644): served outside the OpenAPI document, with the
 * tenant's SCIM token as the only credential and SCIM's own error format, so
 * the checks above do not apply; the "SCIM routes" block below checks them.
 * `{id}` is a user id, or a group id.
 */
const SCIM_ROUTES: Record<string, { id?: 'user' | 'group'; body?: () => unknown }> = {
  'get /scim/v2/ServiceProviderConfig': {},
  'get /scim/v2/ResourceTypes': {},
  'get /scim/v2/Users': {},
  'post /scim/v2/Users': { body: () => ({ userName: `sec-scim-${unique()}@example.com` }) },
  'get /scim/v2/Users/{id}': { id: 'user' },
  'put /scim/v2/Users/{id}': { id: 'user', body: () => ({ userName: `sec-scim-${unique()}@example.com` }) },
  'patch /scim/v2/Users/{id}': { id: 'user', body: () => ({ schemas: [SCIM_PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'attacker' }] }) },
  'delete /scim/v2/Users/{id}': { id: 'user' },
  'get /scim/v2/Groups': {},
  'post /scim/v2/Groups': { body: () => ({ displayName: 'attackers' }) },
  'get /scim/v2/Groups/{id}': { id: 'group' },
  'put /scim/v2/Groups/{id}': { id: 'group', body: () => ({ displayName: 'attackers', members: [] }) },
  'patch /scim/v2/Groups/{id}': { id: 'group', body: () => ({ schemas: [SCIM_PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: MISSING_ID }] }] }) },
  'delete /scim/v2/Groups/{id}': { id: 'group' },
}

/** Operations that answer without a credential (api.md, Authentication). */
const PUBLIC = new Set(['getHealth', 'getReadiness', 'login', 'refreshToken', 'getSsoConfig', 'startSso', 'ssoCallback'])
/** Served by the app outside the OpenAPI document, all public. */
// /metrics is the operator's (its own token, 404 without NEXATRON_METRICS_TOKEN): test/api/metrics.test.ts checks it.
// /docs/* are Swagger UI's static files and our init script; the console (GET *) is skipped by routesServed.
const UNDOCUMENTED_PUBLIC = new Set(['get /openapi.json', 'get /docs', 'get /metrics', 'get /docs/', 'get /docs/docs-init.js', 'get /docs/{file}'])

const clock = settableClock()
let t: TestApp
let f: SecurityFixture
let documented: DocumentedRoute[]

// The table is static, but the document is only known once the app exists:
// build the app at collection time so `describe.each` can enumerate routes.
// Every connection is served by an instant stub (no warehouse to start): the
// positive controls (a key holding the scope) still run the real handlers.
t = await createTestApp(
  { NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' },
  { now: clock.now, connectorFactory: (cfg) => createStubConnector(cfg) },
)
{
  // The main tenant's default connection with the demo semantic layer.
  const conn = await (await t.request('POST', '/api/v1/connections', { body: { name: 'main', type: 'pglite', config: { demo: true }, is_default: true } })).json()
  const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn.id, files: demoSemanticFiles(), mode: 'replace', check_relations: false } })
  if (imported.status !== 200) throw new Error(`setup: import answered ${imported.status}: ${await imported.text()}`)
}
documented = routesFromOpenApi(await (await t.request('GET', '/openapi.json', { key: null })).json())
const secured = documented.filter((r) => r.secured)
const specs: RouteSpec[] = secured.filter((r) => ROUTES[r.operationId]).map((r) => ({ ...ROUTES[r.operationId], operationId: r.operationId, method: r.method, path: r.path }))

beforeAll(async () => { f = await createSecurityFixture(t, { clock }) })
afterAll(async () => { await t?.close() })

describe('the route table', () => {
  it('covers every authenticated route of the OpenAPI document', () => {
    const missing = secured.filter((r) => !ROUTES[r.operationId]).map((r) => `${r.operationId} (${r.method.toUpperCase()} ${r.path})`)
    expect(missing, 'add these operations to ROUTES in test/security/route-security.test.ts').toEqual([])
    expect(secured.length).toBeGreaterThanOrEqual(40)
  })

  it('names no operation that the document lacks', () => {
    const known = new Set(secured.map((r) => r.operationId))
    expect(Object.keys(ROUTES).filter((id) => !known.has(id))).toEqual([])
  })

  it('has only the known public operations without security', () => {
    expect(documented.filter((r) => !r.secured).map((r) => r.operationId).sort()).toEqual([...PUBLIC].sort())
  })

  it('serves no route that the document does not describe', () => {
    const inDoc = new Set(documented.map((r) => `${r.method} ${r.path}`))
    const extra = routesServed(t.app).map((r) => `${r.method} ${r.path}`).filter((k) => !inDoc.has(k) && !UNDOCUMENTED_PUBLIC.has(k) && !SCIM_ROUTES[k])
    expect(extra, 'routes outside the OpenAPI document escape these checks').toEqual([])
  })

  it('lists exactly the SCIM routes the app serves', () => {
    const served = routesServed(t.app).map((r) => `${r.method} ${r.path}`).filter((k) => k.includes(' /scim/')).sort()
    expect(served).toEqual(Object.keys(SCIM_ROUTES).sort())
  })

  it('declares {id} objects for every path with {id}', () => {
    expect(specs.filter((s) => s.path.includes('{id}') && !s.object).map((s) => s.operationId)).toEqual([])
  })
})

describe('public routes', () => {
  it('answer without a credential and still carry rate-limit headers', async () => {
    const health = await t.request('GET', '/health', { key: null })
    expect(health.status).toBe(200)
    expectRateLimitHeaders(health, 'GET /health')
    const login = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'nobody@example.com', password: 'not the password' } })
    await expectErrorEnvelope(login, 401, 'unauthorized', 'login with a wrong password')
    const refresh = await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: 'nxr_' + 'x'.repeat(43) } })
    await expectErrorEnvelope(refresh, 401, 'unauthorized', 'refresh with an unknown token')
  })
})

describe.each(specs.map((s) => [`${s.method.toUpperCase()} ${s.path} (${s.operationId})`, s] as const))('%s', (_title, spec) => {
  it('returns 401 without a credential', async () => { await expectUnauthenticated(f, spec) })
  it('returns 401 for malformed, unknown, expired, revoked and forged credentials', async () => { await expectBadCredentialsRefused(f, spec) })
  it(spec.scope ? `returns 403 without the ${spec.scope} scope and passes with it` : 'passes with any valid credential', async () => { await expectScopeEnforced(f, spec) })
  it("answers another tenant's objects like missing ones (404)", async () => { await expectTenantIsolation(f, spec) })
})

describe.each(Object.entries(SCIM_ROUTES).map(([k, v]) => [k.replace(/^\w+/, (m) => m.toUpperCase()), k, v] as const))('SCIM route %s', (_title, key, spec) => {
  const [method, path] = key.split(' ')
  const ids = { user: MISSING_ID, group: 'grp_missing00000000000' }
  const at = (id?: string) => path.replace('{id}', encodeURIComponent(id ?? (spec.id ? ids[spec.id] : '')))
  const send = (authorization: string | null, target = at()) => t.request(method.toUpperCase(), target, {
    key: null, headers: { ...(authorization ? { authorization } : {}), ...(spec.body ? { 'content-type': 'application/scim+json' } : {}) }, body: spec.body?.(),
  })
  const expectScimError = async (res: Awaited<ReturnType<typeof send>>, status: number, context: string) => {
    const text = await res.text()
    expect(res.status, `${context}: ${text.slice(0, 300)}`).toBe(status)
    expect(res.headers.get('content-type') ?? '', `${context}: content-type`).toMatch(/^application\/scim\+json/)
    const body = JSON.parse(text)
    expect(body, `${context}: SCIM error`).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail: expect.any(String) })
    expectRateLimitHeaders(res, context)
    return body as { detail: string }
  }
  const scimToken = async (adminKey: string) => (await (await t.request('POST', '/api/v1/scim-token', { key: adminKey })).json()).token as string
  let own = ''
  let foreign = ''
  beforeAll(async () => {
    // Tokens are rotated per route on purpose: the scope checks above rotate the main tenant's too.
    own = await scimToken(t.adminKey)
    foreign = await scimToken(f.other.adminKey)
  })

  it('returns 401 without a credential, with a Bearer challenge', async () => {
    const res = await send(null)
    await expectScimError(res, 401, `${key} without a credential`)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
  })

  it('returns 401 for bad credentials and for Nexatron API keys and access tokens', async () => {
    for (const cred of [...f.badCredentials, { label: 'the admin API key', authorization: `Bearer ${t.adminKey}` }, { label: "an admin user's access token", authorization: `Bearer ${f.tokens.admin}` }]) {
      await expectScimError(await send(cred.authorization), 401, `${key} with ${cred.label}`)
    }
  })

  it('passes with the SCIM token', async () => {
    const res = await send(`Bearer ${own}`)
    const text = await res.text()
    expect([401, 403], `${key}: ${text.slice(0, 300)}`).not.toContain(res.status)
    expect(res.status, `${key}: ${text.slice(0, 300)}`).toBeLessThan(500)
  })

  if (spec.id === 'user') it("answers another tenant's user like a missing one (404)", async () => {
    const missing = await expectScimError(await send(`Bearer ${own}`, at(MISSING_ID)), 404, `${key} with a missing id`)
    const other = await expectScimError(await send(`Bearer ${own}`, at(f.other.ids.user)), 404, `${key} with another tenant's user`)
    expect(other.detail.replace(f.other.ids.user, MISSING_ID)).toBe(missing.detail)
    // The other tenant's own token still sees its user untouched.
    const theirs = await t.request('GET', `/scim/v2/Users/${f.other.ids.user}`, { key: foreign })
    expect(theirs.status).toBe(200)
    expect(await theirs.text()).not.toContain('attacker')
  })
})

describe('after every route was probed', () => {
  it("leaves the other tenant's objects untouched", async () => {
    await expectOtherTenantIntact(f)
  })
})
