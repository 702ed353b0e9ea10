// Bringing a dbt project: ref() lands in the connection's schema and is
// checked against the live database at import, dbt `meta`/`config.meta`
// annotations reach the planner, and annotations made through the API survive
// a merge import. Real PostgreSQL, a throwaway database with a non-public schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_dbt_${randomBytes(4).toString('hex')}`

const project = (extra = '') => `
semantic_models:
  - name: subscriptions
    model: ref('subscriptions')
    defaults: { agg_time_dimension: started_at }
    entities:
      - { name: subscription, type: primary, expr: id }
    dimensions:
      - name: started_at
        type: time
        type_params: { time_granularity: day }
      - name: plan
        type: categorical
        config:
          meta: { synonyms: [tier], label: Plan }
    measures:
      - { name: mrr, agg: sum, expr: amount }
${extra}
metrics:
  - name: mrr
    type: simple
    type_params: { measure: mrr }
    config:
      meta:
        synonyms: [zorblax income]
        format: { type: currency, currency: USD }
models:
  - name: metricflow_time_spine
`

describe.skipIf(!hasPg)('importing a dbt project into PostgreSQL', () => {
  let t: TestApp
  let admin: pg.Client
  let connId: string
  const imp = (content: string, extra: Record<string, unknown> = {}) =>
    t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connId, files: [{ path: 'models/semantic.yml', content }], refresh_sample_values: false, ...extra } })

  beforeAll(async () => {
    admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    const setup = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB })
    await setup.connect()
    await setup.query(`CREATE SCHEMA analytics;
      CREATE TABLE analytics.subscriptions (id int PRIMARY KEY, started_at date, plan text, amount numeric);
      INSERT INTO analytics.subscriptions VALUES (1, '2026-01-01', 'pro', 10), (2, '2026-01-02', 'free', 0), (3, '2026-01-03', 'pro', 20);
      CREATE TABLE analytics.metricflow_time_spine (date_day date);
      INSERT INTO analytics.metricflow_time_spine SELECT d::date FROM generate_series('2025-01-01'::date, '2027-01-01'::date, '1 day') d;`)
    await setup.end()
    t = await createTestApp()
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: 'pg', type: 'postgres', config: { host: '127.0.0.1', port: 5432, database: DB, user: 'postgres', ssl: 'disable', schemas: ['analytics'] },
      options: { allow_elevated_login: true },
    } })
    expect(res.status).toBe(201)
    connId = (await res.json()).id
  })
  afterAll(async () => {
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin?.end()
  })

  it('reports a missing relation at import as a located 422 problem, with every other problem of the import', async () => {
    const broken = project(`
  - name: invoices
    model: ref('invoices')
    entities:
      - { name: invoice, type: primary, expr: id }
    measures:
      - { name: billed, agg: summ, expr: amount, agg_time_dimension: started_at }
`)
    const res = await imp(broken)
    expect(res.status).toBe(422)
    const body = await res.json()
    const details = body.error.details as Array<{ path: string; issue: string; file?: string; line?: number }>
    // Parse problem and relation problem come back together.
    expect(details).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: 'models/semantic.yml', path: 'semantic_models[1].measures[0].agg', line: expect.any(Number) }),
      expect.objectContaining({ file: 'models/semantic.yml', path: 'semantic_models[1].model', line: expect.any(Number), issue: expect.stringContaining('analytics.invoices') }),
    ]))
    // The same project without the check imports; ref() resolved to the connection's schema.
    const ok = await imp(project(), { check_relations: false })
    expect(ok.status).toBe(200)
    const models = await (await t.request('GET', `/api/v1/semantic/models?connection_id=${connId}`)).json()
    expect(JSON.stringify(models)).toContain('analytics')
  })

  it('resolves ref() to the connection schema so the first question runs, and dbt config.meta synonyms reach the planner', async () => {
    const res = await imp(project(), { mode: 'replace' })
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(body.warnings).toEqual([])
    const q = await t.request('POST', '/api/v1/query', { body: { question: 'total zorblax income', connection_id: connId } })
    const answer = await q.json()
    expect(q.status, JSON.stringify(answer).slice(0, 600)).toBe(200)
    expect(JSON.stringify(answer)).toContain('"mrr"')
    expect(answer.sql).toMatch(/"analytics"\."subscriptions"|analytics\.subscriptions/)
    expect(JSON.stringify(answer)).toMatch(/30/)
  })

  it('keeps synonyms added through PATCH on a merge import, and replace says what it discarded', async () => {
    await imp(project(), { mode: 'replace' })
    const list = await (await t.request('GET', `/api/v1/semantic/metrics?connection_id=${connId}`)).json()
    const mrr = list.data.find((m: { name: string }) => m.name === 'mrr')
    const withoutMeta = project().replace(/    config:\n      meta:\n        synonyms: \[zorblax income\]\n        format: \{ type: currency, currency: USD \}\n/, '')
    expect(withoutMeta).not.toContain('zorblax')
    const patched = await t.request('PATCH', `/api/v1/semantic/metrics/${mrr.id}`, { body: { synonyms: ['monthly recurring revenue'], description: 'Our MRR' } })
    expect(patched.status, await patched.clone().text()).toBe(200)

    const merged = await imp(withoutMeta)
    const mergedBody = await merged.json()
    expect(merged.status, JSON.stringify(mergedBody)).toBe(200)
    expect(mergedBody.kept_annotations).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'metric mrr', fields: expect.arrayContaining(['synonyms', 'description']) })]))
    const after = await (await t.request('GET', `/api/v1/semantic/metrics/${mrr.id}`)).json()
    expect(JSON.stringify(after)).toContain('monthly recurring revenue')
    expect(JSON.stringify(after)).toContain('Our MRR')

    const replaced = await imp(withoutMeta, { mode: 'replace' })
    const replacedBody = await replaced.json()
    expect(replaced.status).toBe(200)
    expect(replacedBody.discarded_annotations).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'metric mrr', fields: expect.arrayContaining(['synonyms']) })]))
  })
})
