// POST /api/v1/semantic/import with format "dbt_semantic_manifest": dbt's
// compiled target/semantic_manifest.json, as one file or as a parsed `manifest`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { dbtSemanticManifest } from '../support/dbt-semantic-manifest'
import type { PGlite } from '@electric-sql/pglite'

const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp & { demoDb?: PGlite }
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => NOW }) })
afterAll(async () => { await t?.close() })

const scalar = async (sql: string) => Number(Object.values((await t.demoDb!.query<Record<string, unknown>>(sql)).rows[0])[0])
const importManifest = (body: Record<string, unknown>) =>
  t.request('POST', '/api/v1/semantic/import', { body: { format: 'dbt_semantic_manifest', refresh_sample_values: false, ...body } })

describe('POST /api/v1/semantic/import (dbt_semantic_manifest)', () => {
  it('imports target/semantic_manifest.json given as a file and counts what it wrote', async () => {
    const res = await importManifest({ files: [{ path: 'target/semantic_manifest.json', content: JSON.stringify(dbtSemanticManifest()) }], mode: 'merge' })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ mode: 'merge', models: 3, metrics: 9, saved_queries: 2, time_spines: 1 })
  })

  it('makes the imported metrics queryable with the figures of the warehouse', async () => {
    const metrics = (await (await t.request('GET', '/api/v1/semantic/metrics?limit=100')).json()).data
    const gross = metrics.find((m: { name: string }) => m.name === 'gross_revenue')
    expect(gross).toMatchObject({ label: 'Gross revenue', synonyms: ['turnover'], format: { type: 'currency', currency: 'USD', decimals: 2 } })
    // the demo layer is still there (merge)
    expect(metrics.map((m: { name: string }) => m.name)).toContain('total_sales')

    const res = await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['gross_revenue', 'online_revenue'] } })
    expect(res.status).toBe(200)
    const row = (await res.json()).data[0]
    expect(row.gross_revenue).toBeCloseTo(await scalar('SELECT sum(amount) FROM retail.order_items'), 2)
    expect(row.online_revenue).toBeCloseTo(await scalar(`SELECT sum(i.amount) FROM retail.order_items i JOIN retail.orders o ON o.order_id = i.order_id WHERE o.channel = 'online'`), 2)
  })

  it('accepts the parsed manifest in `manifest` and replaces the layer with it', async () => {
    const res = await importManifest({ manifest: dbtSemanticManifest(), mode: 'replace' })
    expect(res.status).toBe(200)
    const names = (await (await t.request('GET', '/api/v1/semantic/metrics?limit=100')).json()).data.map((m: { name: string }) => m.name)
    expect(names).toContain('revenue_per_sale')
    expect(names).not.toContain('total_sales')
  })

  it('reports every problem at once with its JSON path, and writes nothing', async () => {
    const json = dbtSemanticManifest() as Record<string, any>
    json.metrics[0].name = 'fresh_metric'
    json.semantic_models[0].measures[0].agg = 'total'
    json.metrics[3].type_params.numerator = { name: 'no_such_metric', filter: null, alias: null, offset_window: null, offset_to_grain: null }
    json.saved_queries[0].query_params.where = { where_filters: [{ where_sql_template: "{{ Dimension('sale__status' }}" }] }
    const res = await importManifest({ files: [{ path: 'target/semantic_manifest.json', content: JSON.stringify(json) }] })
    expect(res.status).toBe(422)
    const { error } = await res.json()
    expect(error.code).toBe('invalid_model')
    const paths = error.details.map((d: { path: string }) => d.path)
    expect(paths).toEqual(expect.arrayContaining([
      'semantic_models[0].measures[0].agg',
      'saved_queries[0].query_params.where.where_filters[0].where_sql_template',
    ]))
    expect(error.details.some((d: { path: string; issue: string }) => d.path.startsWith('metrics[3]') && /no_such_metric/.test(d.issue))).toBe(true)
    expect(error.details.every((d: { file?: string }) => d.file === 'target/semantic_manifest.json')).toBe(true)
    const names = (await (await t.request('GET', '/api/v1/semantic/metrics?limit=100')).json()).data.map((m: { name: string }) => m.name)
    expect(names).not.toContain('fresh_metric')
  })

  it('refuses a file that is not a semantic manifest', async () => {
    const res = await importManifest({ files: [{ path: 'target/manifest.json', content: JSON.stringify({ nodes: {}, sources: {} }) }] })
    expect(res.status).toBe(422)
    expect((await res.json()).error.message).toMatch(/not a dbt semantic manifest/)
  })

  it('answers 400 without files or manifest, with both, or with manifest on the YAML format', async () => {
    expect((await importManifest({})).status).toBe(400)
    expect((await importManifest({ manifest: dbtSemanticManifest(), files: [{ path: 'x.json', content: '{}' }] })).status).toBe(400)
    const yaml = await t.request('POST', '/api/v1/semantic/import', { body: { format: 'metricflow', manifest: dbtSemanticManifest() } })
    expect(yaml.status).toBe(400)
    expect((await yaml.json()).error.details[0].path).toBe('manifest')
  })

  it('documents the format and the manifest field in the OpenAPI', async () => {
    const doc = await (await t.request('GET', '/openapi.json')).json()
    const schema = doc.components.schemas.SemanticImport
    expect(schema.properties.format.enum).toEqual(['metricflow', 'dbt_semantic_manifest'])
    expect(schema.properties).toHaveProperty('manifest')
  })
})
