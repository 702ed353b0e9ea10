// Attack: a semantic import of many small models. Every model's expressions
// pass the SQL guard as one probe statement, and every guard call rebuilt the
// layer's whole allow list (quoting each model's relation, parsing it back,
// joining all of it into the verdict cache's key) and matched the probe's
// table against that list one by one: work per model times models. A body of
// 4,000 entity-only models (400 KB, and layers bound only metrics and
// dimensions) kept the event loop busy for about a minute, every tenant
// waiting, and left a verdict cache whose keys each held the whole list. The
// allow list is now built once per check of a layer and matched by lookup
// (src/query/executor.ts guardFor and forLayer, src/security/sql-guard
// createGuard). The same per-statement guard made POST /semantic/validate of
// 4,000 models take 41 s (a probe per model), and the catalog built for the
// first question after such an import scanned every model at each join
// (6 s for a ring of 4,000: semantic/graph.ts now indexes models by entity).
// Worse, joins multiply: 150 models sharing two keys (20 KB) reached millions
// of two-hop elements, and the first question built them all (7 s, over a
// gigabyte; twice the models took the process down). A layer's joins are now
// bounded at import (semantic/validate.ts MAX_LAYER_LINKABLE).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { MAX_LAYER_LINKABLE } from '../../semantic/validate'

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' }, { demo: true }) })
afterAll(async () => { await t?.close() })

/** `n` models of one entity each, every one on a table of its own. */
const models = (n: number, table: (i: number) => string) => 'semantic_models:\n'
  + Array.from({ length: n }, (_, i) => `  - { name: s${i}, model: "ref('${table(i)}')", entities: [{ name: e${i}, type: primary, expr: order_id }] }`).join('\n') + '\n'

const importing = (content: string) => t.request('POST', '/api/v1/semantic/import', {
  body: {
    connection_id: t.demoConnectionId, mode: 'replace', check_relations: false, refresh_sample_values: false,
    files: [{ path: 'models/many.yml', content }], relation_map: { orders: 'retail.orders' },
  },
})

/**
 * `n` models in a ring, each joined to the next by a foreign entity; the first
 * is the demo's orders with a measure and the metric `order_total`.
 */
const ring = (n: number) => 'semantic_models:\n'
  + '  - { name: s0, model: "ref(\'orders\')", defaults: { agg_time_dimension: ordered_at }, '
  + 'dimensions: [{ name: ordered_at, type: time, type_params: { time_granularity: day } }], measures: [{ name: order_count_x, agg: count, expr: order_id }], '
  + 'entities: [{ name: e0, type: primary, expr: order_id }, { name: e1, type: foreign, expr: customer_id }] }\n'
  + Array.from({ length: n - 1 }, (_, k) => k + 1).map((i) => `  - { name: s${i}, model: "ref('t${i}')", entities: [{ name: e${i}, type: primary, expr: id }, { name: e${(i + 1) % n}, type: foreign, expr: x }] }`).join('\n')
  + '\nmetrics:\n  - { name: order_total, type: simple, type_params: { measure: order_count_x } }\n'

/** `n` models that all hold the same two keys (a primary and a unique one): every model joins every other, one and two hops away. */
const tangle = (n: number) => 'semantic_models:\n' + Array.from({ length: n }, (_, i) => `  - { name: s${i}, model: "ref('orders')", `
  + `entities: [{ name: x, type: primary, expr: order_id }, { name: y, type: unique, expr: order_id }]${i === 0
    ? ', defaults: { agg_time_dimension: d }, dimensions: [{ name: d, type: time, type_params: { time_granularity: day }, expr: ordered_at }], measures: [{ name: mm, agg: count, expr: order_id }]'
    : ''} }`).join('\n') + '\nmetrics:\n  - { name: tangled, type: simple, type_params: { measure: mm } }\n'

describe('attack: a layer of many small models', () => {
  it('imports 4,000 models on tables of their own in time linear in the models', async () => {
    const started = Date.now()
    const res = await importing(models(4_000, (i) => `t${i}`))
    expect(res.status).toBe(200)
    expect((await res.json()).models).toBe(4_000)
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('answers the first question on a ring of 4,000 joined models without scanning every model at each join', async () => {
    expect((await importing(ring(4_000))).status).toBe(200)
    const started = Date.now()
    const res = await t.request('POST', '/api/v1/query', { body: { connection_id: t.demoConnectionId, question: 'order total' } })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('validates a layer of 4,000 models against the database with one guard for every probe', async () => {
    expect((await importing(models(4_000, (i) => `t${i}`))).status).toBe(200)
    const started = Date.now()
    const res = await t.request('POST', '/api/v1/semantic/validate', { body: { connection_id: t.demoConnectionId } })
    expect(res.status).toBe(200)
    expect((await res.json()).checked.models).toBe(4_000)
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it('refuses, quickly and as a layer problem, models whose joins reach millions of elements (20 KB of YAML)', async () => {
    const started = Date.now()
    const res = await importing(tangle(150))
    const body = await res.json()
    expect(res.status).toBe(422)
    expect(body.error.code).toBe('invalid_model')
    expect(body.error.details).toEqual([expect.objectContaining({ path: 'semantic_models', issue: expect.stringContaining(`more than ${MAX_LAYER_LINKABLE}`) })])
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('still refuses an expression reading a table outside the layer, on a layer of many models', async () => {
    const content = models(500, (i) => `t${i}`).replace('expr: order_id }] }\n', 'expr: "(select 1 from pg_catalog.pg_authid)" }] }\n')
    const res = await importing(content)
    const body = await res.json()
    expect(res.status).toBe(422)
    expect(JSON.stringify(body.error.details)).toMatch(/semantic_models\[0\].*SQL guard|SQL guard.*semantic_models\[0\]/)
  })
})
