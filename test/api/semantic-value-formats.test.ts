// dbt `meta.format` on dimensions and measures through the API: stored at
// import, returned by the semantic endpoints, and carried on the query's columns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { dbtSemanticManifest } from '../support/dbt-semantic-manifest'

type Json = Record<string, any>
let t: TestApp
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => new Date('2026-11-23T12:00:00Z') }) })
afterAll(async () => { await t?.close() })

function manifestWithFormats(): Json {
  const json = dbtSemanticManifest() as Json
  const sales = json.semantic_models.find((m: Json) => m.name === 'sales')
  sales.measures.find((m: Json) => m.name === 'sale_count').config = { meta: { format: { type: 'number', decimals: 0 } } }
  sales.dimensions.find((d: Json) => d.name === 'channel').config.meta.format = { type: 'currency', currency: 'EUR' }
  return json
}

describe('formats of dimensions and measures', () => {
  it('stores them at import and returns them from the dimension, model and query endpoints', async () => {
    const imp = await t.request('POST', '/api/v1/semantic/import', { body: { format: 'dbt_semantic_manifest', manifest: manifestWithFormats(), mode: 'replace', refresh_sample_values: false } })
    expect(imp.status).toBe(200)

    const dims = (await (await t.request('GET', '/api/v1/semantic/dimensions?limit=100')).json()).data
    expect(dims.find((d: Json) => d.name === 'channel')).toMatchObject({ format: { type: 'currency', currency: 'EUR' }, synonyms: ['sales channel', 'route to market'] })
    expect(dims.find((d: Json) => d.name === 'status').format).toBeNull()

    const models = (await (await t.request('GET', '/api/v1/semantic/models?limit=100')).json()).data
    const sales = models.find((m: Json) => m.name === 'sales')
    expect(sales.measures.find((m: Json) => m.name === 'sale_count').format).toEqual({ type: 'number', decimals: 0 })

    const res = await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['sale_count'], group_by: ['sale__channel'] } })
    expect(res.status).toBe(200)
    const columns = (await res.json()).columns
    expect(columns.find((c: Json) => c.name === 'sale_count').format).toEqual({ type: 'number', decimals: 0 })
    expect(columns.find((c: Json) => c.name === 'sale__channel').format).toEqual({ type: 'currency', currency: 'EUR' })
  })

  it('keeps a dimension format set through PATCH on a merge import whose manifest sets none', async () => {
    const dims = (await (await t.request('GET', '/api/v1/semantic/dimensions?limit=100')).json()).data
    const status = dims.find((d: Json) => d.name === 'status')
    const patched = await t.request('PATCH', `/api/v1/semantic/dimensions/${status.id}`, { body: { format: { type: 'percent', decimals: 1 } } })
    expect(patched.status).toBe(200)
    expect((await patched.json()).format).toEqual({ type: 'percent', decimals: 1 })
    const imp = await t.request('POST', '/api/v1/semantic/import', { body: { format: 'dbt_semantic_manifest', manifest: manifestWithFormats(), mode: 'merge', refresh_sample_values: false } })
    expect(imp.status).toBe(200)
    expect(JSON.stringify((await imp.json()).kept_annotations)).toMatch(/status[^\]]*format/)
    const after = (await (await t.request('GET', `/api/v1/semantic/dimensions/${status.id}`)).json())
    expect(after.format).toEqual({ type: 'percent', decimals: 1 })
  })

  it('refuses a malformed dimension format with a 422 naming its JSON path', async () => {
    const json = manifestWithFormats()
    json.semantic_models.find((m: Json) => m.name === 'sales').dimensions.find((d: Json) => d.name === 'status').config = { meta: { format: { type: 'fraction' } } }
    const res = await t.request('POST', '/api/v1/semantic/import', { body: { format: 'dbt_semantic_manifest', manifest: json, mode: 'merge', refresh_sample_values: false } })
    expect(res.status).toBe(422)
    expect(JSON.stringify((await res.json()).error.details)).toMatch(/dimensions\[\d\]\.config\.meta\.format/)
  })
})
