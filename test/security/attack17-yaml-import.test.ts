// Attack: a semantic import (POST /semantic/import) whose YAML is cheap to send
// and dear to read. The yaml library checks each new key of a mapping against
// every key before it, so one mapping of 60,000 keys (600 KB, under the body
// limit) kept the event loop busy for half a minute, twice (policies and layer
// each parse the files), and 100,000 keys for two minutes: every tenant of the
// instance waited. Keys are now checked for duplicates in one pass of our own
// (semantic/import/yaml-source.ts); duplicates stay a syntax problem.
// Held, and pinned here: many documents in one file, merge keys (`<<`), which
// YAML 1.2 does not merge, and odd dbt manifest shapes (wrong types, nulls,
// __proto__ and constructor keys) are bounded import problems, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }, { demo: true }) })
afterAll(async () => { await t?.close() })

const importing = (body: Record<string, unknown>) => t.request('POST', '/api/v1/semantic/import', {
  body: { connection_id: t.demoConnectionId, check_relations: false, refresh_sample_values: false, ...body },
})
const yaml = (content: string) => ({ files: [{ path: 'models/x.yml', content }] })

const layer = `
semantic_models:
  - name: subs
    model: ref('subs')
    defaults: { agg_time_dimension: started_at }
    entities:
      - { name: subscription, type: primary, expr: id }
    dimensions:
      - name: started_at
        type: time
        type_params: { time_granularity: day }
    measures:
      - { name: mrr, agg: sum, expr: amount }
`

/** `n` distinct keys in one mapping under `vars:` (a dbt key the importer leaves alone). */
const manyKeys = (n: number, flow: boolean) => {
  const keys = Array.from({ length: n }, (_, i) => `k${i}: 1`)
  return flow ? `${layer}vars: {${keys.join(', ')}}\n` : `${layer}vars:\n${keys.map((k) => `  ${k}`).join('\n')}\n`
}

describe('attack: YAML that costs the server more than it costs the sender', () => {
  it.each([['a block mapping', false], ['a flow mapping', true]])('reads %s of 60,000 keys in linear time', async (_label, flow) => {
    const started = Date.now()
    const res = await importing({ ...yaml(manyKeys(60_000, flow)), mode: 'replace' })
    expect(res.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(8_000)
  })

  it('still refuses a duplicate key, in a block or a flow mapping, and names its line', async () => {
    for (const content of [`${layer}vars:\n  a: 1\n  b: 2\n  a: 3\n`, `${layer}vars: { a: 1, b: 2, a: 3 }\n`]) {
      const res = await importing(yaml(content))
      const body = await res.json()
      expect(res.status).toBe(422)
      expect(body.error.code).toBe('invalid_model')
      expect(body.error.details).toEqual([expect.objectContaining({ file: 'models/x.yml', issue: expect.stringMatching(/unique/i), line: expect.any(Number) })])
    }
  })

  it('refuses keys that read as the same name, 1 and "1", as a duplicate rather than keeping one silently', async () => {
    const res = await importing(yaml(layer.replace("    model: ref('subs')\n", "    model: ref('subs')\n    1: a\n    '1': b\n")))
    expect(res.status).toBe(422)
    expect(JSON.stringify(await res.json())).toMatch(/unique/i)
  })

  it('reads many empty documents in one file as nothing, within the body limit and quickly', async () => {
    const started = Date.now()
    const res = await importing(yaml(`${layer}${'---\n'.repeat(100_000)}`))
    expect(res.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(8_000)
  })

  it('does not merge a `<<` key (YAML 1.2): an anchored mapping cannot smuggle fields into a model', async () => {
    const res = await importing(yaml(`${layer.replace('  - name: subs\n', '  - <<: { name: subs }\n')}`))
    expect(res.status).toBe(422)
    expect((await res.json()).error.details).toEqual([expect.objectContaining({ path: 'semantic_models[0].name' })])
  })

  it.each([
    ['wrong types everywhere', { semantic_models: [null, 1, 'a', [], { name: 'a', node_relation: 'x', entities: 'y', measures: {}, dimensions: [null] }], metrics: [null, { name: 'm', type: 'simple', type_params: 'x' }] }],
    ['odd metric and filter shapes', { semantic_models: [], metrics: [{ name: 'n', type: 'derived', type_params: { metrics: 'x', expr: 5 } }, { name: 'r', type: 'simple', filter: { where_filters: [null, 5, { where_sql_template: {} }] } }] }],
    ['__proto__ and constructor keys', JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "semantic_models": [{"__proto__": {"name": "x"}, "name": "constructor", "node_relation": {"__proto__": {"alias": "x"}}}]}')],
  ])('answers a dbt manifest with %s as import problems, leaving Object.prototype alone', async (_label, manifest) => {
    const res = await importing({ format: 'dbt_semantic_manifest', manifest })
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBe('invalid_model')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).name).toBeUndefined()
  })
})
