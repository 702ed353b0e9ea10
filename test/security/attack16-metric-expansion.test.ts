// Attack: a semantic layer built to make every later query expensive. A
// derived metric that reads the metric below it twice (as two aliases, the
// second with a filter) is valid MetricFlow, but compiling it walks its inputs
// as a tree: each level doubles the work. With 14 levels one /semantic/query
// burned about 5 s of CPU before the SQL length guard refused it, and with 20
// levels the import alone took 28 s of CPU (validation walks the same tree) —
// any caller with semantic:write could stall the event loop for everyone, and
// any caller with query:run could do it again on each request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { compile } from '../../semantic'
import type { SemanticManifest } from '../../semantic/types'

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' }, { demo: true }) }, 120_000)
afterAll(async () => { await t?.close() })

const MODEL = `semantic_models:
  - name: subs_x
    model: ref('orders')
    defaults: { agg_time_dimension: started_at }
    entities:
      - { name: subscription, type: primary, expr: order_id }
    dimensions:
      - { name: started_at, type: time, type_params: { time_granularity: day }, expr: ordered_at }
      - { name: status_x, type: categorical, expr: status }
    measures:
      - { name: mrr_x, agg: count, expr: order_id }
metrics:
  - { name: base_x, type: simple, type_params: { measure: mrr_x } }
`

/** `levels` derived metrics, each reading the one below twice. */
function doubling(levels: number, prefix: string): string {
  const lines: string[] = []
  for (let i = 1; i <= levels; i++) {
    const prev = i === 1 ? 'base_x' : `${prefix}${i - 1}`
    lines.push(`  - name: ${prefix}${i}`, '    type: derived', '    type_params:', '      expr: a + b', '      metrics:',
      `        - { name: ${prev}, alias: a }`, `        - { name: ${prev}, alias: b, filter: "{{ Dimension('subscription__status_x') }} = 'x${i}'" }`)
  }
  return MODEL + lines.join('\n') + '\n'
}

const importing = (content: string) => t.request('POST', '/api/v1/semantic/import', {
  body: { connection_id: t.demoConnectionId, files: [{ path: 'models/x.yml', content }], check_relations: false, refresh_sample_values: false, mode: 'merge', relation_map: { orders: 'retail.orders' } },
})

describe('attack: a layer whose metrics expand exponentially', () => {
  it('refuses the import quickly as a layer problem naming the metric', async () => {
    const started = performance.now()
    const res = await importing(doubling(17, 'dbl'))
    const ms = performance.now() - started
    const body = await res.json()
    expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(422)
    expect(JSON.stringify(body.error.details)).toMatch(/dbl\d+.*expands/)
    expect(ms).toBeLessThan(1500)
  }, 120_000)

  it('refuses a query on such a stored layer before compiling it', () => {
    // A layer stored before the import check existed: built directly, not imported.
    const metric = (name: string, prev: string) => ({ name, type: 'derived' as const, type_params: { expr: 'a + b', metrics: [{ name: prev, alias: 'a' }, { name: prev, alias: 'b' }] } })
    const manifest = {
      semantic_models: [{ name: 'm', node_relation: { relation_name: 't', alias: 't', schema_name: 's' }, defaults: { agg_time_dimension: 'd' }, entities: [{ name: 'e', type: 'primary', expr: 'id' }],
        dimensions: [{ name: 'd', type: 'time', type_params: { time_granularity: 'day' } }], measures: [{ name: 'x', agg: 'count', expr: 'id' }] }],
      metrics: [{ name: 'l0', type: 'simple', type_params: { measure: 'x' } }, ...Array.from({ length: 30 }, (_, i) => metric(`l${i + 1}`, `l${i}`))],
      saved_queries: [], time_spines: [],
    } as unknown as SemanticManifest
    const started = performance.now()
    expect(() => compile({ metrics: ['l30'] }, manifest, 'postgres')).toThrow(/expands to more than/)
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('still imports and answers a layer with a few shared derived inputs', async () => {
    const res = await importing(doubling(4, 'few'))
    expect(res.status, (await res.text()).slice(0, 300)).toBe(200)
    const q = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: t.demoConnectionId, metrics: ['few4'] } })
    const body = await q.json()
    expect(q.status, JSON.stringify(body).slice(0, 300)).toBe(200)
    expect(body.data).toHaveLength(1)
  }, 60_000)
})
