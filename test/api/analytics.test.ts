// GET /api/v1/analytics/usage: history is seeded through the API (answered,
// refused, asked-back and failed questions, LLM-written summaries, structured
// queries, from two credentials), and every figure of the report must equal what
// GET /api/v1/query/history of those credentials says. Run on PGlite and on a
// real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { PGlite } from '@electric-sql/pglite'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server'
import { serviceAvailable, SERVICES } from '../support/services'
import { queries, tenants } from '../../src/store/schema'
import { createDemoWarehouse } from '../../src/demo/warehouse'

const hasPg = await serviceAvailable('postgres')
const NOW = new Date('2026-11-23T12:00:00Z')

interface HistoryRow {
  id: string; question: string | null; status: string; error: { code: string } | null; row_count: number | null
  execution_time_ms: number | null; usage: { total_tokens?: number } | null; planner: string | null
  plan: { query?: { metrics?: string[] } } | null; connection_id: string; created_at: string
}
type Figures = Record<string, number | null>

// The test's own reading of a history record (not the server's constants): what each error code means to an admin.
const outcomeOf = (r: HistoryRow) => {
  if (r.status !== 'failed') return r.status === 'queued' || r.status === 'running' ? 'pending' : r.status
  if (r.error?.code === 'question_not_understood') return 'refused'
  if (r.error?.code === 'ambiguous_question') return 'clarified'
  return 'failed'
}
const percentile = (values: number[], p: number) => {
  if (!values.length) return null
  const v = [...values].sort((a, b) => a - b)
  const pos = p * (v.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return Math.round((v[lo] + (v[hi] - v[lo]) * (pos - lo)) * 10) / 10
}
/** The report's figures, computed from history records and the principal each belongs to. */
function expected(rows: Array<HistoryRow & { person: string }>): Figures {
  const n = (o: string) => rows.filter((r) => outcomeOf(r) === o).length
  const durations = rows.filter((r) => r.status === 'succeeded' && r.execution_time_ms !== null).map((r) => r.execution_time_ms!)
  return {
    queries: rows.length, succeeded: n('succeeded'), failed: n('failed'), refused: n('refused'), clarified: n('clarified'),
    cancelled: n('cancelled'), pending: n('pending'),
    rows: rows.reduce((s, r) => s + (r.row_count ?? 0), 0),
    llm_tokens: rows.reduce((s, r) => s + (typeof r.usage?.total_tokens === 'number' ? r.usage.total_tokens : 0), 0),
    active_users: new Set(rows.map((r) => r.person)).size,
    p50_ms: percentile(durations, 0.5), p95_ms: percentile(durations, 0.95),
  }
}
const FIGURE_KEYS = ['queries', 'succeeded', 'failed', 'refused', 'clarified', 'cancelled', 'pending', 'rows', 'llm_tokens', 'active_users', 'p50_ms', 'p95_ms']
const pick = (o: Record<string, unknown>) => Object.fromEntries(FIGURE_KEYS.map((k) => [k, o[k]]))
const normalize = (q: string) => q.trim().replace(/\s+/g, ' ').replace(/[\s?.!]+$/, '').toLowerCase()

let llm: FakeOpenAIServer
let demoDb: PGlite | undefined
beforeAll(async () => {
  llm = await startFakeOpenAIServer()
  // One demo warehouse for both stores' apps (they close only one they made themselves).
  demoDb = await createDemoWarehouse(NOW)
})
afterAll(async () => {
  await llm?.close()
  await demoDb?.close()
})

function analyticsSuite(name: string, env: () => Record<string, string>) {
  describe(`GET /api/v1/analytics/usage on ${name}`, () => {
    let t: TestApp & { demoDb?: PGlite; demoConnectionId?: string }
    let analystKey: string
    let analystKeyId: string
    let adminKeyId: string
    let userId: string
    let userToken: string
    let personalKey: string
    let personalKeyId: string
    let history: Array<HistoryRow & { person: string }>
    let range: string

    const report = async (query: string, key = t.adminKey) => {
      const res = await t.request('GET', `/api/v1/analytics/usage?${query}`, { key })
      expect(res.status, await res.clone().text()).toBe(200)
      return res.json()
    }
    const ask = async (question: string, status: number, key = t.adminKey) => {
      const res = await t.request('POST', '/api/v1/query', { key, body: { question } })
      expect(res.status, `${question}: ${await res.clone().text()}`).toBe(status)
    }
    const historyOf = async (key: string, person: string) => {
      const res = await t.request('GET', '/api/v1/query/history?limit=100', { key })
      expect(res.status).toBe(200)
      const body = await res.json()
      expect(body.next_cursor).toBeNull()
      return (body.data as HistoryRow[]).map((r) => ({ ...r, person }))
    }

    beforeAll(async () => {
      const llmEnv = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.url, NEXATRON_LLM_MODEL: 'fake-model', NEXATRON_PLANNER: 'offline', NEXATRON_LLM_SUMMARY: 'true' }
      t = await createTestApp({ ...llmEnv, ...env() }, { demo: true, demoDb, now: () => NOW })
      adminKeyId = (await (await t.request('GET', '/api/v1/auth/me')).json()).id
      const created = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'analyst key', scopes: ['query:run', 'query:read', 'semantic:read', 'connections:read'] } })).json()
      analystKey = created.key
      analystKeyId = created.id
      // A person signed in, and a key of their own: both are that one user.
      const ok = async (res: Promise<TestResponse>, status: number) => {
        const r = await res
        expect(r.status, await r.clone().text()).toBe(status)
        return r.json()
      }
      userId = (await ok(t.request('POST', '/api/v1/users', { body: { email: 'ana@example.com', password: 'a long enough password', role: 'admin' } }), 201)).id
      userToken = (await ok(t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'ana@example.com', password: 'a long enough password' } }), 200)).access_token
      const personal = await ok(t.request('POST', '/api/v1/api-keys', { key: userToken, body: { name: 'ana laptop', scopes: ['query:run', 'query:read'] } }), 201)
      personalKey = personal.key
      personalKeyId = personal.id

      llm.reset()
      // Every answered question gets an LLM-written summary: its tokens are recorded with the run.
      const answer = async (question: string, key = t.adminKey) => {
        llm.enqueue(reply.text(`Summary of ${question}.`, { usage: { prompt_tokens: 300, completion_tokens: 20 } }))
        await ask(question, 200, key)
      }
      // Answered, twice in different spellings (one question to the top list), and two more.
      await answer('total sales this year')
      await answer('  Total   sales this YEAR? ')
      await answer('sales by region last quarter', analystKey)
      await answer('top 5 stores by sales')
      await answer('orders last month', userToken)
      await answer('orders last month', personalKey)
      // Refused twice: the layer cannot ground it, a gap to fill.
      await ask('the meaning of life', 422)
      await ask('the meaning of life', 422, analystKey)
      // Asked back: two readings.
      await ask('units of headphones sold this year', 422)
      // A structured query (two metrics, no question text), and one the database fails.
      const sq = await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['total_sales', 'order_count'], group_by: ['store__region'] } })
      expect(sq.status, await sq.clone().text()).toBe(200)
      const broken = await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['total_sales'], where: ['1/(select 0) = 1'] } })
      expect((await broken.json()).error.code).toBe('query_failed')
      expect(llm.pending()).toBe(0)

      history = [
        ...await historyOf(t.adminKey, adminKeyId), ...await historyOf(analystKey, analystKeyId),
        ...await historyOf(userToken, userId), ...await historyOf(personalKey, userId),
      ]
      const day = 86_400_000
      range = `from=${new Date(Date.now() - 2 * day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`
    })
    afterAll(async () => { await t?.close() })

    it('totals equal what the query history says, every outcome present', async () => {
      const r = await report(range)
      const want = expected(history)
      expect(pick(r.totals)).toEqual(want)
      expect(want).toMatchObject({ queries: 11, succeeded: 7, refused: 2, clarified: 1, failed: 1, active_users: 3 })
      expect(want.llm_tokens).toBe(6 * 320)
      expect(r.groups).toBeUndefined()
      // The default range (the last 30 days) holds them all too.
      expect(pick((await report('')).totals)).toEqual(want)
    })

    it('has one series entry per interval, empty ones included, adding up to the totals', async () => {
      for (const interval of ['day', 'week', 'month']) {
        const r = await report(`${range}&interval=${interval}`)
        expect(r.interval).toBe(interval)
        if (interval === 'day') expect(r.series).toHaveLength(4)
        for (const key of ['queries', 'succeeded', 'failed', 'refused', 'clarified', 'rows', 'llm_tokens']) {
          expect(r.series.reduce((s: number, e: Figures) => s + (e[key] as number), 0), `${interval} ${key}`).toBe(r.totals[key])
        }
        const busy = r.series.filter((e: Figures) => (e.queries as number) > 0)
        expect(busy.length).toBeGreaterThanOrEqual(1)
        for (const e of r.series) expect(e.start).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        if (interval === 'week') for (const e of r.series) expect(new Date(`${e.start}T00:00:00Z`).getUTCDay()).toBe(1)
        if (interval === 'month') for (const e of r.series) expect(e.start.endsWith('-01')).toBe(true)
      }
    })

    it('groups by user, API key, connection, planner and metric as the history does', async () => {
      const groupsOf = async (g: string) => Object.fromEntries((await report(`${range}&group_by=${g}`)).groups.map((e: Figures & { key: string; label: string | null }) => [e.key, e]))
      const byPerson = (p: string) => history.filter((r) => r.person === p)

      const users = await groupsOf('user')
      expect(Object.keys(users).sort()).toEqual([adminKeyId, analystKeyId, userId].sort())
      expect(pick(users[analystKeyId])).toEqual(expected(byPerson(analystKeyId)))
      expect(users[analystKeyId].label).toBe('analyst key')
      expect(users[userId]).toMatchObject({ label: 'ana@example.com', queries: 2, active_users: 1 })
      expect(pick(users[userId])).toEqual(expected(byPerson(userId)))
      // By key: only runs made with a key, each key on its own (the sign-in's run is in none).
      const keys = await groupsOf('api_key')
      expect(Object.keys(keys).sort()).toEqual([adminKeyId, analystKeyId, personalKeyId].sort())
      expect(pick(keys[adminKeyId])).toEqual(expected(byPerson(adminKeyId)))
      expect(keys[personalKeyId]).toMatchObject({ label: 'ana laptop', queries: 1 })

      const conns = await groupsOf('connection')
      expect(Object.keys(conns)).toEqual([t.demoConnectionId])
      expect(pick(conns[t.demoConnectionId!])).toEqual(expected(history))

      const planners = await groupsOf('planner')
      for (const p of new Set(history.map((r) => r.planner ?? 'none'))) {
        expect(pick(planners[p]), p).toEqual(expected(history.filter((r) => (r.planner ?? 'none') === p)))
      }
      expect(Object.keys(planners).sort()).toEqual(['none', 'offline'])

      const metrics = await groupsOf('metric')
      const asked = new Set(history.flatMap((r) => r.plan?.query?.metrics ?? []))
      expect(Object.keys(metrics).sort()).toEqual([...asked].sort())
      for (const m of asked) expect(pick(metrics[m]), m).toEqual(expected(history.filter((r) => r.plan?.query?.metrics?.includes(m))))
    })

    it('lists top questions, top metrics and refused questions as the history does', async () => {
      const r = await report(`${range}&limit=100`)
      const asked = new Map<string, number>()
      for (const h of history) if (h.question) asked.set(normalize(h.question), (asked.get(normalize(h.question)) ?? 0) + 1)
      expect(Object.fromEntries(r.top_questions.map((q: { question: string; count: number }) => [normalize(q.question), q.count]))).toEqual(Object.fromEntries(asked))
      expect(r.top_questions[0]).toMatchObject({ count: 2 })
      expect(asked.get('total sales this year')).toBe(2)

      const metricCounts = new Map<string, number>()
      for (const h of history) for (const m of h.plan?.query?.metrics ?? []) metricCounts.set(m, (metricCounts.get(m) ?? 0) + 1)
      const wantMetrics = [...metricCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([metric, count]) => ({ metric, count }))
      expect(r.top_metrics.map((m: { metric: string; count: number }) => ({ metric: m.metric, count: m.count }))).toEqual(wantMetrics)

      const refused = history.filter((h) => outcomeOf(h) === 'refused')
      expect(r.refused_questions).toEqual([{
        question: 'the meaning of life', count: refused.length, code: 'question_not_understood',
        last_asked_at: refused.map((h) => h.created_at).sort().at(-1),
      }])

      const short = await report(`${range}&limit=1`)
      expect(short.top_questions).toHaveLength(1)
      expect(short.top_metrics).toHaveLength(1)
    })

    it("counts only the caller's tenant", async () => {
      const other = await t.newTenant(`analytics-other-${randomBytes(3).toString('hex')}`)
      const r = await report(`${range}&group_by=user`, other.adminKey)
      expect(r.totals).toMatchObject({ queries: 0, rows: 0, llm_tokens: 0, active_users: 0, p50_ms: null })
      expect(r.groups).toEqual([])
      expect(r.top_questions).toEqual([])
      expect(r.refused_questions).toEqual([])
    })

    it('needs analytics:read: 401 without a credential, 403 for an analyst key, 200 for a key granted it', async () => {
      expect((await t.request('GET', '/api/v1/analytics/usage', { key: null })).status).toBe(401)
      const denied = await t.request('GET', '/api/v1/analytics/usage', { key: analystKey })
      expect(denied.status).toBe(403)
      expect((await denied.json()).error.code).toBe('forbidden')
      const granted = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'dashboards', scopes: ['analytics:read'] } })).json()).key
      expect((await t.request('GET', `/api/v1/analytics/usage?${range}`, { key: granted })).status).toBe(200)
    })
  })
}

analyticsSuite('PGlite', () => ({}))

describe.skipIf(!hasPg)('on PostgreSQL', () => {
  const DB = `nexatron_analytics_${randomBytes(4).toString('hex')}`
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: SERVICES.postgres.url })
    await c.connect()
    try { await c.query(statement) } finally { await c.end() }
  }
  beforeAll(async () => { await admin(`CREATE DATABASE ${DB}`) })
  afterAll(async () => { await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`) })
  analyticsSuite('PostgreSQL', () => ({
    DATABASE_URL: `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`, NEXATRON_SECRET_KEY: randomBytes(32).toString('base64'),
  }))
})

describe('GET /api/v1/analytics/usage: parameters and time zone', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp() })
  afterAll(async () => { await t?.close() })

  it.each([
    ['interval=hour', 'interval'],
    ['group_by=day', 'group_by'],
    ['from=2026-03-12&to=2026-03-10', 'from'],
    ['from=2026-03-10&to=2026-03-10', 'from'],
    ['from=2020-01-01&to=2026-01-01', 'from'],
    ['from=2024-01-01&to=2026-01-01&interval=week', null],
    ['from=2020-01-01&to=2026-01-01&interval=month', 'from'],
    ['from=last%20week', 'from'],
    ['to=2026-13-45', 'to'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['since=2026-03-12&until=2026-03-10', 'since'],
  ])('checks %s (400 naming %s, or accepted)', async (q, field) => {
    const res = await t.request('GET', `/api/v1/analytics/usage?${q}`)
    if (field === null) return expect(res.status).toBe(200)
    expect(res.status).toBe(400)
    const { error } = await res.json()
    expect(error.code).toBe('validation_error')
    expect(error.details.map((d: { path: string }) => d.path)).toContain(field)
    expect(error.request_id).toMatch(/^req_/)
  })

  it("reads dates and buckets runs in the tenant's time zone", async () => {
    const tz = await t.newTenant('analytics-tokyo')
    await t.services.store.db.update(tenants).set({ timezone: 'Asia/Tokyo' }).where(eq(tenants.id, tz.tenantId))
    // 20:00 UTC on the 10th is the 11th in Tokyo; 14:00 UTC on the 10th is still the 10th.
    const run = (id: string, at: string) => ({ id, tenantId: tz.tenantId, principalId: 'key_x', connectionId: 'conn_x', question: 'q', status: 'succeeded', durationMs: 5, rowCount: 1, createdAt: new Date(at) })
    await t.services.store.db.insert(queries).values([run('qry_tokyo1', '2026-03-10T20:00:00Z'), run('qry_tokyo2', '2026-03-10T14:00:00Z')])
    const res = await t.request('GET', '/api/v1/analytics/usage?from=2026-03-10&to=2026-03-12', { key: tz.adminKey })
    const r = await res.json()
    expect(r).toMatchObject({ timezone: 'Asia/Tokyo', from: '2026-03-09T15:00:00.000Z', to: '2026-03-11T15:00:00.000Z' })
    expect(r.series.map((e: { start: string; queries: number }) => [e.start, e.queries])).toEqual([['2026-03-10', 1], ['2026-03-11', 1]])
    const month = await (await t.request('GET', '/api/v1/analytics/usage?from=2026-03-10&to=2026-03-12&interval=month', { key: tz.adminKey })).json()
    expect(month.series.map((e: { start: string; queries: number }) => [e.start, e.queries])).toEqual([['2026-03-01', 2]])
  })
})
