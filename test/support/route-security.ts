// Shared authentication / authorization / tenant-isolation checks for routes.
//
// One fixture per test app (`createSecurityFixture`) prepares every credential
// the checks need: bad credentials of each kind, keys holding or lacking one
// scope, logged-in users per role, and a second tenant owning one object of
// each kind. `checkRouteSecurity(fixture, route)` then proves, for one route:
//   no credential → 401 (envelope, WWW-Authenticate, rate-limit headers)
//   malformed / unknown / expired / revoked / forged credential → 401
//   a key lacking the scope → 403, a user whose role lacks it → 403
//   a key holding only that scope gets past authorization (positive control)
//   another tenant's object id → 404, exactly like an id that does not exist
//   another tenant's object named in the body or query → same answer as a missing one
// Route tests anywhere in the suite can call it with their own RouteSpec.
import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { SignJWT } from 'jose'
import { expect } from 'vitest'
import type { TestApp, TestResponse } from './test-app'
import { apiKeys as apiKeysTable } from '../../src/store/schema'
import { ROLE_SCOPES, SCOPES, hasScope, type Role, type Scope } from '../../src/identity/scopes'
import { demoSemanticFiles } from '../../src/bootstrap'

/** Kinds of tenant-owned objects a path `{id}` can name. */
export type ObjectKind = 'connection' | 'metric' | 'dimension' | 'model' | 'query' | 'user' | 'apiKey' | 'group'
/** Kinds of references that can appear in a body or query string. */
export type RefKind = 'connection' | 'conversation' | 'model'

export type ObjectIds = Record<ObjectKind | 'conversation', string>

export interface RouteSpec {
  operationId: string
  method: string
  /** OpenAPI path template, e.g. /api/v1/connections/{id}. */
  path: string
  /** Scope `requireScope` demands; null for routes open to any valid credential. */
  scope: Scope | null
  /** The kind of object `{id}` names (required when the path has `{id}`). */
  object?: ObjectKind
  /** A body that passes validation (so 401/403/404 are not masked by a 400). */
  body?: () => unknown
  /** Query string appended to every probe, without `?`. */
  query?: string
  /** Places where the route accepts a reference to another object: each is probed with a foreign id. */
  refs?: RefProbe[]
  /**
   * Scopes the positive-control key holds besides `scope`, for routes whose
   * action is also bounded by the caller's own scopes (granting a role needs
   * that role's scopes): without them the control would rightly get a 403.
   */
  holding?: Scope[]
}

export interface RefProbe {
  kind: RefKind
  /** Where the reference goes: a body field or a query parameter. */
  in: 'body' | 'query'
  field: string
  /**
   * How a foreign reference must be answered: 'same-as-missing' (status and code
   * equal to those for an id that does not exist, and never 2xx) or 'filtered'
   * (a list that must simply not contain the other tenant's data).
   */
  expect?: 'same-as-missing' | 'filtered'
  /** The status a missing (and so a foreign) reference gets; api.md says 404 for objects of another tenant. */
  status?: number
}

export interface Clock { set(d: Date): void; now(): Date }

/** A settable clock for `createTestApp(env, { now: clock.now })`: lets the fixture mint an expired access token. */
export function settableClock(start = new Date()): Clock {
  let t = start
  return { set: (d) => { t = d }, now: () => t }
}

export interface SecurityFixture {
  t: TestApp
  /** Credentials that must all be refused with 401, by label. */
  badCredentials: Array<{ label: string; authorization: string }>
  /** An access token per role in the main tenant. */
  tokens: Record<Role, string>
  /** The other tenant, its admin key, and one object of each kind it owns. */
  other: { tenantId: string; adminKey: string; ids: ObjectIds }
  /** A key of the main tenant holding exactly `scopes` (cached). */
  keyWith(scopes: string[]): Promise<string>
}

export const PASSWORD = 'route-security password 1'
/** An id of the right shape that no tenant owns. */
export const MISSING_ID = 'zz_missing0000000000000'

const suffix = () => randomBytes(4).toString('hex')

async function json(res: TestResponse, what: string, status: number) {
  const text = await res.text()
  if (res.status !== status) throw new Error(`fixture: ${what} answered ${res.status}, expected ${status}: ${text.slice(0, 500)}`)
  return text ? JSON.parse(text) : null
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

/**
 * Builds the credentials and the other tenant's objects. Costs a few logins
 * (scrypt); build it once per file. With `clock` (the one given to the app)
 * an expired access token is added to the bad credentials.
 */
export async function createSecurityFixture(t: TestApp, opts: { clock?: Clock } = {}): Promise<SecurityFixture> {
  const tag = suffix()
  const admin = (method: string, path: string, body?: unknown, key = t.adminKey) => t.request(method, path, { body, key })

  // Users of the main tenant, one per role, and their access tokens.
  const emails = {} as Record<Role, string>
  const tokens = {} as Record<Role, string>
  const login = async (email: string) =>
    (await json(await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: PASSWORD } }), `login ${email}`, 200)).access_token as string
  for (const role of ['admin', 'analyst', 'viewer'] as const) {
    emails[role] = `sec-${role}-${tag}@example.com`
    await json(await admin('POST', '/api/v1/users', { email: emails[role], password: PASSWORD, role }), `create ${role} user`, 201)
    tokens[role] = await login(emails[role])
  }

  // Keys of the main tenant: revoked, expired.
  const createKey = async (scopes: string[], name = `sec-${scopes.join('+')}`) =>
    json(await admin('POST', '/api/v1/api-keys', { name: name.slice(0, 100), scopes }), `create key ${name}`, 201) as Promise<{ id: string; key: string }>
  const revoked = await createKey(['*'], 'sec-revoked')
  await json(await admin('DELETE', `/api/v1/api-keys/${revoked.id}`), 'revoke key', 204)
  const expired = await createKey(['*'], 'sec-expired')
  // Expiry is whole days from creation; move it into the past directly.
  await t.services.store.db.update(apiKeysTable).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(apiKeysTable.id, expired.id))

  // Access tokens that must not work: logged out, forged, unsigned, and (with a clock) expired.
  const loggedOut = await login(emails.admin)
  await json(await t.request('POST', '/api/v1/auth/logout', { key: loggedOut }), 'logout', 204)
  const [h, p, s] = tokens.viewer.split('.')
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
  const escalated = [h, b64url({ ...claims, role: 'admin' }), s].join('.')
  const unsigned = [b64url({ alg: 'none', typ: 'JWT', kid: JSON.parse(Buffer.from(h, 'base64url').toString()).kid }), b64url({ ...claims, role: 'admin' }), ''].join('.')
  const wrongKey = await new SignJWT({ ...claims, role: 'admin' })
    .setProtectedHeader({ alg: 'HS256', kid: JSON.parse(Buffer.from(h, 'base64url').toString()).kid, typ: 'JWT' })
    .sign(randomBytes(32))
  const badCredentials = [
    { label: 'a Basic credential', authorization: 'Basic ' + Buffer.from('admin:admin').toString('base64') },
    { label: '"Bearer" without a token', authorization: 'Bearer' },
    { label: 'a Bearer header with two tokens', authorization: `Bearer ${t.adminKey} extra` },
    { label: 'an API key without the Bearer scheme', authorization: t.adminKey },
    { label: 'an unknown API key', authorization: `Bearer nxa_${randomBytes(32).toString('hex').slice(0, 43)}` },
    { label: 'a truncated admin key', authorization: `Bearer ${t.adminKey.slice(0, -1)}` },
    { label: 'a revoked API key', authorization: `Bearer ${revoked.key}` },
    { label: 'an expired API key', authorization: `Bearer ${expired.key}` },
    { label: 'the access token of a logged-out session', authorization: `Bearer ${loggedOut}` },
    { label: 'an access token with an altered role claim', authorization: `Bearer ${escalated}` },
    { label: 'an unsigned (alg none) access token', authorization: `Bearer ${unsigned}` },
    { label: 'an access token signed with another key', authorization: `Bearer ${wrongKey}` },
    { label: 'a random opaque token', authorization: `Bearer ${randomBytes(24).toString('base64url')}` },
  ]
  if (opts.clock) {
    const realNow = opts.clock.now()
    opts.clock.set(new Date(realNow.getTime() - 2 * 3600_000))
    try {
      badCredentials.push({ label: 'an expired access token', authorization: `Bearer ${await login(emails.analyst)}` })
    } finally {
      opts.clock.set(realNow)
    }
  }

  // The other tenant and one object of each kind, made through the public API.
  const other = await t.newTenant(`sec-other-${tag}`)
  const as = (method: string, path: string, body?: unknown) => admin(method, path, body, other.adminKey)
  const conn = await json(await as('POST', '/api/v1/connections', { name: `other-demo-${tag}`, type: 'pglite', config: { demo: true }, is_default: true }), 'other connection', 201)
  await json(await as('POST', '/api/v1/semantic/import', { connection_id: conn.id, files: demoSemanticFiles(), mode: 'replace', refresh_sample_values: false, check_relations: false }), 'other import', 200)
  const first = async (path: string) => {
    const list = await json(await as('GET', path), `list ${path}`, 200)
    if (!list.data.length) throw new Error(`fixture: ${path} of the other tenant is empty`)
    return list.data[0].id as string
  }
  // Queued (async) so it needs no warehouse; the job worker is not started in tests.
  const queued = await json(await as('POST', '/api/v1/query', { question: 'total sales last quarter', async: true }), 'other query', 202)
  const queryDetail = await json(await as('GET', `/api/v1/query/${queued.id}`), 'other query detail', 200)
  const user = await json(await as('POST', '/api/v1/users', { email: `sec-other-${tag}@example.com`, password: PASSWORD, role: 'viewer' }), 'other user', 201)
  const key = await json(await as('POST', '/api/v1/api-keys', { name: 'other key', scopes: ['query:read'] }), 'other key', 201)
  const group = await json(await as('POST', '/api/v1/groups', { display_name: `Other ${tag}`, members: [user.id] }), 'other group', 201)
  const ids: ObjectIds = {
    connection: conn.id, metric: await first('/api/v1/semantic/metrics'), dimension: await first('/api/v1/semantic/dimensions'),
    model: await first('/api/v1/semantic/models'), query: queued.id, conversation: queryDetail.conversation_id, user: user.id, apiKey: key.id,
    group: group.id,
  }
  for (const [k, v] of Object.entries(ids)) if (!v) throw new Error(`fixture: no ${k} id for the other tenant`)

  const keyCache = new Map<string, Promise<string>>()
  const keyWith = (scopes: string[]) => {
    const id = [...scopes].sort().join(' ')
    if (!keyCache.has(id)) keyCache.set(id, createKey(scopes).then((k) => k.key))
    return keyCache.get(id)!
  }
  return { t, badCredentials, tokens, other: { ...other, ids }, keyWith }
}

// ---------------------------------------------------------------------------

export interface Probe { path: string; body?: unknown }

/** Fills `{id}` and appends the route's query string. */
export function probeFor(route: RouteSpec, id = MISSING_ID): Probe {
  const base = route.path.replace('{id}', encodeURIComponent(id))
  return { path: route.query ? `${base}?${route.query}` : base, body: route.body?.() }
}

async function send(f: SecurityFixture, route: RouteSpec, probe: Probe, auth: { authorization?: string; key?: string }) {
  const headers: Record<string, string> = auth.authorization !== undefined ? { authorization: auth.authorization } : {}
  return f.t.request(route.method.toUpperCase(), probe.path, { key: auth.key ?? null, headers, body: probe.body })
}

const describeRoute = (r: RouteSpec) => `${r.method.toUpperCase()} ${r.path}`

/** Asserts the error envelope of api.md with the request id and rate-limit headers. */
export async function expectErrorEnvelope(res: TestResponse, status: number, code: string, context = '') {
  const text = await res.text()
  expect(res.status, `${context}: status (body ${text.slice(0, 300)})`).toBe(status)
  expect(res.headers.get('content-type') ?? '', `${context}: content-type`).toMatch(/^application\/json/)
  const body = JSON.parse(text)
  expect(body, `${context}: envelope`).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Array), request_id: res.headers.get('x-request-id') },
  })
  expect(res.headers.get('x-request-id'), `${context}: X-Request-Id`).toBeTruthy()
  expectRateLimitHeaders(res, context)
  return body as { error: { code: string; message: string; details: Array<Record<string, unknown>>; request_id: string } }
}

export function expectRateLimitHeaders(res: TestResponse, context = '') {
  expect(res.headers.get('x-ratelimit-limit'), `${context}: X-RateLimit-Limit`).toMatch(/^\d+$/)
  expect(res.headers.get('x-ratelimit-remaining'), `${context}: X-RateLimit-Remaining`).toMatch(/^\d+$/)
  expect(res.headers.get('x-ratelimit-reset'), `${context}: X-RateLimit-Reset`).toMatch(/^\d+$/)
}

/** No credential → 401 `unauthorized` with WWW-Authenticate and rate-limit headers. */
export async function expectUnauthenticated(f: SecurityFixture, route: RouteSpec) {
  const res = await send(f, route, probeFor(route), {})
  await expectErrorEnvelope(res, 401, 'unauthorized', `${describeRoute(route)} without a credential`)
  expect(res.headers.get('www-authenticate'), `${describeRoute(route)}: WWW-Authenticate`).toMatch(/^Bearer/)
}

/** Every bad credential → 401 `unauthorized`. */
export async function expectBadCredentialsRefused(f: SecurityFixture, route: RouteSpec) {
  for (const cred of f.badCredentials) {
    const res = await send(f, route, probeFor(route), { authorization: cred.authorization })
    await expectErrorEnvelope(res, 401, 'unauthorized', `${describeRoute(route)} with ${cred.label}`)
  }
}

/** The scopes a key needs to hold everything except `scope` (never `*`). */
export const scopesWithout = (scope: Scope) => SCOPES.filter((s) => s !== scope && s !== '*')

/** A role whose scope set lacks `scope`, if any. */
export function roleLacking(scope: Scope): Role | undefined {
  return (['viewer', 'analyst'] as const).find((r) => !hasScope(ROLE_SCOPES[r], scope))
}

/**
 * Authorization: a key holding every scope but the route's → 403; a user whose
 * role lacks it → 403; a key holding only that scope (and, when every role has
 * it, a viewer) gets past authorization: any status but 401/403/5xx.
 */
export async function expectScopeEnforced(f: SecurityFixture, route: RouteSpec) {
  const where = describeRoute(route)
  if (route.scope) {
    const lacking = await f.keyWith(scopesWithout(route.scope))
    const body = await expectErrorEnvelope(await send(f, route, probeFor(route), { key: lacking }), 403, 'forbidden', `${where} with a key lacking ${route.scope}`)
    expect(body.error.message, `${where}: 403 names the scope`).toContain(route.scope)
    const role = roleLacking(route.scope)
    if (role) {
      await expectErrorEnvelope(await send(f, route, probeFor(route), { key: f.tokens[role] }), 403, 'forbidden', `${where} as a ${role} user`)
    } else {
      await expectAuthorized(await send(f, route, probeFor(route), { key: f.tokens.viewer }), `${where} as a viewer user`)
    }
  }
  const held = [route.scope ?? 'query:read', ...(route.holding ?? [])]
  const only = await f.keyWith(held)
  await expectAuthorized(await send(f, route, probeFor(route), { key: only }), `${where} with a key holding only ${held.join(', ')}`)
}

async function expectAuthorized(res: TestResponse, context: string) {
  const text = await res.text()
  expect([401, 403], `${context}: must pass authorization (got ${res.status} ${text.slice(0, 300)})`).not.toContain(res.status)
  expect(res.status, `${context}: no 5xx (${text.slice(0, 300)})`).toBeLessThan(500)
}

/**
 * Tenant isolation: with a key holding every scope, another tenant's object id
 * in the path → 404 `not_found`, the same answer as an id nobody owns; foreign
 * references in the body or query string are answered like missing ones.
 */
export async function expectTenantIsolation(f: SecurityFixture, route: RouteSpec) {
  const where = describeRoute(route)
  const admin = f.t.adminKey
  if (route.path.includes('{id}')) {
    if (!route.object) throw new Error(`${where}: the route spec must name the kind of object {id} refers to`)
    const foreignId = f.other.ids[route.object]
    const missing = await expectErrorEnvelope(await send(f, route, probeFor(route), { key: admin }), 404, 'not_found', `${where} with an id that does not exist`)
    const res = await send(f, route, probeFor(route, foreignId), { key: admin })
    const foreign = await expectErrorEnvelope(res, 404, 'not_found', `${where} with another tenant's ${route.object} id`)
    // Same message shape as a missing id: nothing tells the two apart.
    expect(foreign.error.message.replace(foreignId, MISSING_ID), `${where}: foreign and missing ids answer alike`).toBe(missing.error.message)
  }
  for (const ref of route.refs ?? []) {
    const foreignId = f.other.ids[ref.kind]
    const label = `${where} with another tenant's ${ref.kind} in ${ref.in} ${ref.field}`
    const withRef = (id: string): Probe => {
      const p = probeFor(route)
      if (ref.in === 'body') return { ...p, body: { ...(p.body as object), [ref.field]: id } }
      return { ...p, path: `${p.path}${p.path.includes('?') ? '&' : '?'}${ref.field}=${encodeURIComponent(id)}` }
    }
    const res = await send(f, route, withRef(foreignId), { key: admin })
    const text = await res.text()
    expect(res.status, `${label}: no 5xx (${text.slice(0, 300)})`).toBeLessThan(500)
    if ((ref.expect ?? 'same-as-missing') === 'filtered') {
      expect(res.status, `${label}: ${text.slice(0, 300)}`).toBe(200)
      for (const id of Object.values(f.other.ids)) if (id !== foreignId) expect(text, `${label}: leaks ${id}`).not.toContain(id)
      continue
    }
    const miss = await send(f, route, withRef(MISSING_ID), { key: admin })
    const missText = await miss.text()
    expect(res.status, `${label}: must not succeed (${text.slice(0, 300)})`).toBeGreaterThanOrEqual(400)
    expect(res.status, `${label}: answered like a missing ${ref.kind} (${missText.slice(0, 200)} vs ${text.slice(0, 200)})`).toBe(miss.status)
    expect(JSON.parse(text).error.code, `${label}: same error code as a missing ${ref.kind}`).toBe(JSON.parse(missText).error.code)
    expect(res.status, `${label}: status for another tenant's ${ref.kind}`).toBe(ref.status ?? 404)
  }
}

/** Every check for one route. */
export async function checkRouteSecurity(f: SecurityFixture, route: RouteSpec) {
  await expectUnauthenticated(f, route)
  await expectBadCredentialsRefused(f, route)
  await expectScopeEnforced(f, route)
  await expectTenantIsolation(f, route)
}

/**
 * After probing, the other tenant's objects must be exactly as they were:
 * nothing was deleted, renamed, revoked or cancelled through a foreign id.
 */
export async function expectOtherTenantIntact(f: SecurityFixture) {
  const as = (path: string) => f.t.request('GET', path, { key: f.other.adminKey })
  const { ids } = f.other
  for (const [kind, path] of [
    ['connection', `/api/v1/connections/${ids.connection}`], ['metric', `/api/v1/semantic/metrics/${ids.metric}`],
    ['dimension', `/api/v1/semantic/dimensions/${ids.dimension}`], ['model', `/api/v1/semantic/models/${ids.model}`],
    ['query', `/api/v1/query/${ids.query}`], ['user', `/api/v1/users/${ids.user}`], ['group', `/api/v1/groups/${ids.group}`],
  ] as const) {
    const res = await as(path)
    const text = await res.text()
    expect(res.status, `the other tenant's ${kind} is still there (${text.slice(0, 200)})`).toBe(200)
    expect(text, `the other tenant's ${kind} was not renamed/relabelled`).not.toContain('attacker')
    if (kind === 'query') expect(JSON.parse(text).status, 'the other tenant\'s queued query was not cancelled').toBe('queued')
  }
  const group = await (await as(`/api/v1/groups/${ids.group}`)).json()
  expect(group.members.map((m: { id: string }) => m.id), "the other tenant's group kept its members").toEqual([ids.user])
  const keys = await (await as('/api/v1/api-keys?limit=100')).json()
  expect(keys.data.map((k: { id: string }) => k.id), "the other tenant's API key was not revoked").toContain(ids.apiKey)
}

// ---------------------------------------------------------------------------

export interface DocumentedRoute { operationId: string; method: string; path: string; secured: boolean }

/** Every operation in an OpenAPI document. */
export function routesFromOpenApi(doc: { paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>> }): DocumentedRoute[] {
  const out: DocumentedRoute[] = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      out.push({ operationId: op.operationId ?? `${method} ${path}`, method, path, secured: Array.isArray(op.security) && op.security.length > 0 })
    }
  }
  return out
}

/** Routes the Hono app actually serves (method + OpenAPI-style path), middleware excluded. */
export function routesServed(app: { routes: Array<{ method: string; path: string }> }): Array<{ method: string; path: string }> {
  const seen = new Map<string, { method: string; path: string }>()
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.endsWith('*')) continue
    const path = r.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')
    seen.set(`${r.method} ${path}`, { method: r.method.toLowerCase(), path })
  }
  return [...seen.values()]
}
