// The console's HTTP surface: static serving with its fallback, security
// headers, the offline API reference, and the cookie session scheme.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { OpenAPIHono } from '@hono/zod-openapi'
import { createTestApp, type TestApp } from '../support/test-app'
import { registerConsole, CONSOLE_DIST } from '../../src/http/routes/console'
import { packageRoot } from '../../src/http/routes/console/console-routes'

let t: TestApp
const PASSWORD = 'correct horse battery staple'
const CONSOLE = { 'X-Nexatron-Console': '1' }
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000' })
  const res = await t.request('POST', '/api/v1/users', { body: { email: 'ada@example.com', password: PASSWORD, role: 'analyst' } })
  expect(res.status).toBe(201)
})
afterAll(async () => { await t?.close() })

function expectSecurityHeaders(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? ''
  for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(d)
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/)
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('referrer-policy')).toBe('no-referrer')
}

describe('serving the console bundle', () => {
  let dist: string
  const app = new OpenAPIHono()
  beforeAll(() => {
    dist = mkdtempSync(path.join(os.tmpdir(), 'nexatron-console-'))
    mkdirSync(path.join(dist, 'assets'))
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/index-abc123.js"></script>')
    writeFileSync(path.join(dist, 'assets/index-abc123.js'), 'console.log(1)')
    app.get('/api/v1/thing', (c) => c.json({ ok: true }))
    registerConsole(app as never, dist)
    app.notFound((c) => c.json({ error: { code: 'not_found' } }, 404))
  })
  afterAll(() => rmSync(dist, { recursive: true, force: true }))

  it('serves index.html at / and for console routes that ask for HTML', async () => {
    for (const p of ['/', '/history', '/settings/api-keys']) {
      const res = await app.request(p, { headers: { accept: 'text/html' } })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(await res.text()).toContain('<title>console</title>')
      expectSecurityHeaders(res)
    }
  })

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await app.request('/assets/index-abc123.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(res.headers.get('cache-control')).toContain('immutable')
    expectSecurityHeaders(res)
  })

  it('leaves API paths, missing assets and non-HTML requests to the API 404', async () => {
    expect((await app.request('/api/v1/thing')).status).toBe(200)
    for (const p of ['/api/v1/nope', '/assets/gone.js', '/health/x', '/docs/nope.js']) {
      const res = await app.request(p, { headers: { accept: 'text/html' } })
      expect(res.status, p).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/json/)
    }
    expect((await app.request('/history', { headers: { accept: 'application/json' } })).status).toBe(404)
  })

  it('never serves a file outside the bundle', async () => {
    for (const p of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json']) {
      const res = await app.request(p, { headers: { accept: 'application/json' } })
      expect(res.status, p).toBe(404)
    }
  })

  it('finds the bundle from the sources and from the built server (dist/src) alike', () => {
    const root = path.resolve(import.meta.dirname, '../..')
    expect(CONSOLE_DIST).toBe(path.join(root, 'console/dist'))
    expect(packageRoot(path.join(root, 'dist/src'))).toBe(root)
    expect(packageRoot(path.join(root, 'src/http/routes/console'))).toBe(root)
  })

  it('answers a short page saying how to build when the bundle is missing', async () => {
    const bare = new OpenAPIHono()
    registerConsole(bare as never, path.join(dist, 'missing'))
    const res = await bare.request('/', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('npm run build')
    expectSecurityHeaders(res)
  })
})

describe('the app', () => {
  it('serves /docs offline from the pinned package, with no inline script and no remote origin', async () => {
    const res = await t.request('GET', '/docs', { key: null })
    expect(res.status).toBe(200)
    expectSecurityHeaders(res as unknown as Response)
    const html = await res.text()
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\ssrc=)[^>]*>/)
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])
    expect(scripts).toEqual(['/docs/swagger-ui-bundle.js', '/docs/docs-init.js'])
    for (const src of [...scripts, '/docs/swagger-ui.css']) {
      const asset = await t.request('GET', src, { key: null })
      expect(asset.status, src).toBe(200)
      expect((await asset.text()).length).toBeGreaterThan(10)
    }
    expect(await (await t.request('GET', '/docs/docs-init.js', { key: null })).text()).toContain("'/openapi.json'")
  })

  it('still answers unknown API paths with the JSON 404 envelope', async () => {
    const res = await t.request('GET', '/api/v1/nothing-here', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('not_found')
  })

  it('documents chart on answers and the cookie refresh in OpenAPI', async () => {
    const doc = await (await t.request('GET', '/openapi.json', { key: null })).json()
    expect(doc.components.schemas.QueryResult.properties.chart).toBeDefined()
    expect(doc.paths['/api/v1/auth/refresh'].post.description).toContain('X-Nexatron-Console')
  })
})

describe('the console session cookie', () => {
  const cookieOf = (res: Response) => res.headers.get('set-cookie') ?? ''
  const tokenOf = (setCookie: string) => /nexatron_refresh=([^;]*)/.exec(setCookie)?.[1] ?? ''

  it('keeps JSON tokens for API clients', async () => {
    const res = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'ada@example.com', password: PASSWORD } })
    expect(res.status).toBe(200)
    expect((await res.json()).refresh_token).toMatch(/^nxr_/)
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('sets the refresh token as an HttpOnly, Secure, SameSite=Strict cookie scoped to the auth path, not in the body', async () => {
    const res = await t.request('POST', '/api/v1/auth/login', { key: null, headers: CONSOLE, body: { email: 'ada@example.com', password: PASSWORD } })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.access_token).toBeTruthy()
    expect(body.refresh_token).toBeUndefined()
    const c = cookieOf(res as unknown as Response)
    expect(tokenOf(c)).toMatch(/^nxr_/)
    expect(c).toMatch(/HttpOnly/)
    expect(c).toMatch(/Secure/)
    expect(c).toMatch(/SameSite=Strict/)
    expect(c).toMatch(/Path=\/api\/v1\/auth(;|$)/)
    expect(c).toMatch(/Max-Age=\d+/)
  })

  it('refreshes from the cookie with the console header, rotating it; the spent cookie no longer works', async () => {
    const login = await t.request('POST', '/api/v1/auth/login', { key: null, headers: CONSOLE, body: { email: 'ada@example.com', password: PASSWORD } })
    const first = tokenOf(cookieOf(login as unknown as Response))
    const res = await t.request('POST', '/api/v1/auth/refresh', { key: null, headers: { ...CONSOLE, cookie: `nexatron_refresh=${first}` }, body: {} })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.refresh_token).toBeUndefined()
    const me = await t.request('GET', '/api/v1/auth/me', { key: body.access_token })
    expect((await me.json()).user.email).toBe('ada@example.com')
    const second = tokenOf(cookieOf(res as unknown as Response))
    expect(second).toMatch(/^nxr_/)
    expect(second).not.toBe(first)
    const replay = await t.request('POST', '/api/v1/auth/refresh', { key: null, headers: { ...CONSOLE, cookie: `nexatron_refresh=${first}` }, body: {} })
    expect(replay.status).toBe(401)
    expect(cookieOf(replay as unknown as Response)).toMatch(/nexatron_refresh=;.*Max-Age=0/)
  })

  it('refuses a cookie refresh without the console header (a cross-site form cannot set it)', async () => {
    const login = await t.request('POST', '/api/v1/auth/login', { key: null, headers: CONSOLE, body: { email: 'ada@example.com', password: PASSWORD } })
    const token = tokenOf(cookieOf(login as unknown as Response))
    const res = await t.request('POST', '/api/v1/auth/refresh', { key: null, headers: { cookie: `nexatron_refresh=${token}` }, body: {} })
    expect(res.status).toBe(403)
    const err = (await res.json()).error
    expect(err.code).toBe('forbidden')
    expect(err.details[0]).toMatchObject({ path: 'X-Nexatron-Console', issue: 'csrf_header_missing' })
    // the cookie was not spent: our own page can still use it
    const ok = await t.request('POST', '/api/v1/auth/refresh', { key: null, headers: { ...CONSOLE, cookie: `nexatron_refresh=${token}` }, body: {} })
    expect(ok.status).toBe(200)
  })

  it('names refresh_token when neither a token nor a cookie is sent, and 401s a console refresh with no cookie', async () => {
    const bare = await t.request('POST', '/api/v1/auth/refresh', { key: null, body: {} })
    expect(bare.status).toBe(400)
    expect((await bare.json()).error.details[0].path).toBe('refresh_token')
    const noCookie = await t.request('POST', '/api/v1/auth/refresh', { key: null, headers: CONSOLE, body: {} })
    expect(noCookie.status).toBe(401)
  })

  it('clears the cookie on logout', async () => {
    const login = await t.request('POST', '/api/v1/auth/login', { key: null, headers: CONSOLE, body: { email: 'ada@example.com', password: PASSWORD } })
    const { access_token } = await login.json()
    const res = await t.request('POST', '/api/v1/auth/logout', { key: access_token, headers: CONSOLE })
    expect(res.status).toBe(204)
    expect(cookieOf(res as unknown as Response)).toMatch(/nexatron_refresh=;.*Max-Age=0/)
  })
})
