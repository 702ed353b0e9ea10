// Attack: a layer wide enough to stall everyone. A layer's catalog and the
// planner's index of it are built on the event loop the first time it is asked
// after a change: with 4,000 metrics (what fits in one request body) the import
// took 23 s and the first question 21 s, every other tenant's requests waiting
// behind them, and a tenant with semantic:write could repeat it at will. A layer
// is now bounded (semantic/validate.ts MAX_LAYER_METRICS, MAX_LAYER_DIMENSIONS),
// refused at import as a layer problem before any walk over it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { MAX_LAYER_DIMENSIONS, MAX_LAYER_METRICS } from '../../semantic/validate'

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' }, { demo: true }) }, 120_000)
afterAll(async () => { await t?.close() })

/** One model over the demo's orders with `dims` extra dimensions and `metrics` simple metrics. */
function wide(metrics: number, dims: number, prefix: string): string {
  const d = Array.from({ length: dims }, (_, i) => `      - { name: ${prefix}_d${i}, type: categorical, expr: status }`)
  const m = Array.from({ length: metrics }, (_, i) => `  - { name: ${prefix}_m${i}, type: simple, type_params: { measure: ${prefix}_n } }`)
  return `semantic_models:
  - name: ${prefix}_orders
    model: ref('orders')
    defaults: { agg_time_dimension: ${prefix}_at }
    entities:
      - { name: ${prefix}_order, type: primary, expr: order_id }
    dimensions:
      - { name: ${prefix}_at, type: time, type_params: { time_granularity: day }, expr: ordered_at }
${d.join('\n')}
    measures:
      - { name: ${prefix}_n, agg: count, expr: order_id }
metrics:
${m.join('\n')}
`
}

const importing = (content: string, mode = 'merge') => t.request('POST', '/api/v1/semantic/import', {
  body: { connection_id: t.demoConnectionId, files: [{ path: 'models/wide.yml', content }], check_relations: false, refresh_sample_values: false, mode, relation_map: { orders: 'retail.orders' } },
})

describe('attack: a layer too wide to index without stalling the service', () => {
  it('refuses more metrics than a layer may hold, naming the limit', async () => {
    const res = await importing(wide(MAX_LAYER_METRICS + 1, 1, 'wm'))
    const body = await res.json()
    expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(422)
    expect(body.error.code).toBe('invalid_model')
    expect(JSON.stringify(body.error)).toContain(`at most ${MAX_LAYER_METRICS}`)
  }, 120_000)

  it('refuses more dimensions than a layer may hold', async () => {
    const res = await importing(wide(1, MAX_LAYER_DIMENSIONS + 1, 'wd'))
    const body = await res.json()
    expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(422)
    expect(JSON.stringify(body.error)).toContain(`at most ${MAX_LAYER_DIMENSIONS}`)
  }, 120_000)

  it('counts what is already stored: merging past the limit is refused too', async () => {
    const half = Math.ceil(MAX_LAYER_METRICS / 2) + 1
    expect((await importing(wide(half, 1, 'wa'))).status).toBe(200)
    const res = await importing(wide(half, 1, 'wb'))
    expect(res.status).toBe(422)
  }, 120_000)

  it('still imports and answers a layer of a few hundred metrics', async () => {
    const res = await importing(wide(300, 20, 'wok'), 'replace')
    expect(res.status, (await res.text()).slice(0, 300)).toBe(200)
    const q = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: t.demoConnectionId, metrics: ['wok_m7'] } })
    expect(q.status, (await q.text()).slice(0, 300)).toBe(200)
  }, 120_000)
})
