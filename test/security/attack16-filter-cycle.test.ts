// Attack: a metric that depends on itself through Metric() filters. Validation
// caught cycles through derived and ratio inputs only; two simple metrics each
// filtered on `{{ Metric('<the other>', group_by=[...]) }}` imported fine, and
// every query of either recursed until the stack overflowed: a 500
// internal_error (and a stack in the error log) for anyone with query:run,
// from a layer anyone with semantic:write could upload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { compile, SemanticError } from '../../semantic'
import type { SemanticManifest } from '../../semantic/types'

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' }, { demo: true }) }, 120_000)
afterAll(async () => { await t?.close() })

const layer = (a: string, b: string) => `semantic_models:
  - name: subs_y
    model: ref('orders')
    defaults: { agg_time_dimension: started_at }
    entities:
      - { name: subscription, type: primary, expr: order_id }
    dimensions:
      - { name: started_at, type: time, type_params: { time_granularity: day }, expr: ordered_at }
    measures:
      - { name: mrr_y, agg: count, expr: order_id }
metrics:
  - { name: plain_y, type: simple, type_params: { measure: mrr_y } }
  - name: cyc_a
    type: simple
    type_params: { measure: mrr_y }
    filter: "{{ Metric('${a}', group_by=['subscription']) }} > 0"
  - name: cyc_b
    type: derived
    type_params:
      expr: x
      metrics:
        - { name: plain_y, alias: x, filter: "{{ Metric('${b}', group_by=['subscription']) }} > 0" }
`
const importing = (content: string) => t.request('POST', '/api/v1/semantic/import', {
  body: { connection_id: t.demoConnectionId, files: [{ path: 'models/y.yml', content }], check_relations: false, refresh_sample_values: false, mode: 'merge', relation_map: { orders: 'retail.orders' } },
})

describe('attack: a cycle through Metric() filters', () => {
  it('refuses the import as a layer problem naming the cycle', async () => {
    const res = await importing(layer('cyc_b', 'cyc_a'))
    const body = await res.json()
    expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(422)
    expect(JSON.stringify(body.error.details)).toMatch(/cyc_[ab].*depends on itself/)
  })

  it('refuses a query on such a stored layer as a layer problem, not a stack overflow', () => {
    // A layer stored before import checked this: built directly, not imported.
    const manifest = {
      semantic_models: [{ name: 'm', node_relation: { relation_name: 't', alias: 't', schema_name: 's' }, defaults: { agg_time_dimension: 'd' }, entities: [{ name: 'e', type: 'primary', expr: 'id' }],
        dimensions: [{ name: 'd', type: 'time', type_params: { time_granularity: 'day' } }], measures: [{ name: 'x', agg: 'count', expr: 'id' }] }],
      metrics: [
        { name: 'a', type: 'simple', type_params: { measure: 'x' }, filter: "{{ Metric('b', group_by=['e']) }} > 0" },
        { name: 'b', type: 'simple', type_params: { measure: 'x' }, filter: "{{ Metric('a', group_by=['e']) }} > 0" },
        { name: 'ok', type: 'simple', type_params: { measure: 'x' } },
      ],
      saved_queries: [], time_spines: [],
    } as unknown as SemanticManifest
    for (const q of [{ metrics: ['a'] }, { metrics: ['ok'], where: ["{{ Metric('b', group_by=['e']) }} > 0"] }]) {
      let err: unknown
      try { compile(q, manifest, 'postgres') } catch (e) { err = e }
      expect(err).toBeInstanceOf(SemanticError)
      expect((err as Error).message).toMatch(/depends on itself/)
    }
  })

  it('still imports and answers a metric filtered on another metric', async () => {
    const res = await importing(layer('plain_y', 'plain_y'))
    expect(res.status, (await res.text()).slice(0, 300)).toBe(200)
    for (const metric of ['cyc_a', 'cyc_b']) {
      const q = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: t.demoConnectionId, metrics: [metric] } })
      const body = await q.json()
      expect(q.status, JSON.stringify(body).slice(0, 300)).toBe(200)
    }
  }, 60_000)
})
