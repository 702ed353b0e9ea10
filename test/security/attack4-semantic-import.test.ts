// Attack: a dbt project import (POST /semantic/import) written to break the
// importer rather than describe a layer. A model named like a property every
// JS object inherits (`ref('constructor')`, `ref('toString')`, `__proto__`,
// `source('a', 'hasOwnProperty')`) once read that inherited function out of
// `relation_map` as its table: an internal error (500) instead of a relation.
// Held, and pinned here because no other test does: YAML aliases that expand
// exponentially (a "billion laughs" bomb) are refused quickly as an import
// problem, duplicate keys are a syntax problem, type tags (!!js/function,
// !!binary, !!set, local ones) where a name belongs are import problems, and
// `__proto__` keys in the YAML neither change what the importer reads nor
// Object.prototype.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }, { demo: true }) })
afterAll(async () => { await t?.close() })

const layer = (relation: string, modelExtra = '') => `
semantic_models:
  - name: subs
    model: ${relation}
${modelExtra}    defaults: { agg_time_dimension: started_at }
    entities:
      - { name: subscription, type: primary, expr: id }
    dimensions:
      - name: started_at
        type: time
        type_params: { time_granularity: day }
    measures:
      - { name: mrr, agg: sum, expr: amount }
`

const importing = (content: string, extra: Record<string, unknown> = {}) => t.request('POST', '/api/v1/semantic/import', {
  body: { connection_id: t.demoConnectionId, files: [{ path: 'models/x.yml', content }], check_relations: false, refresh_sample_values: false, ...extra },
})

/** Ten levels of aliases, each ten of the one before: 10^10 strings once expanded. */
function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`)
  return `${lines.join('\n')}\n`
}

describe('attack: a hostile dbt project import', () => {
  it.each([
    ["ref('constructor')", 'constructor'],
    ["ref('toString')", 'toString'],
    ["ref('__proto__')", '__proto__'],
    ["source('a', 'hasOwnProperty')", 'hasOwnProperty'],
  ])('imports a model at %s with a relation_map as the table of that name, not an inherited property', async (relation, table) => {
    const res = await importing(layer(relation), { relation_map: { other: 'shop.other' }, mode: 'replace' })
    expect(res.status).toBe(200)
    const models = await t.request('GET', `/api/v1/semantic/models?connection_id=${t.demoConnectionId}`)
    const subs = (await models.json()).data.find((m: { name: string }) => m.name === 'subs')
    expect(JSON.stringify(subs)).toContain(`"${table}"`)
    expect(JSON.stringify(subs)).not.toMatch(/native code|\[object Object\]/)
  })

  it('still maps a ref through an own relation_map entry', async () => {
    const res = await importing(layer("ref('constructor')"), { relation_map: { constructor: 'shop.subscriptions' }, mode: 'replace' })
    expect(res.status).toBe(200)
    const models = await t.request('GET', `/api/v1/semantic/models?connection_id=${t.demoConnectionId}`)
    const subs = (await models.json()).data.find((m: { name: string }) => m.name === 'subs')
    expect(JSON.stringify(subs)).toContain('"subscriptions"')
  })

  it('refuses YAML aliases that expand exponentially, quickly and as an import problem', async () => {
    const started = Date.now()
    const res = await importing(aliasBomb())
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBe('invalid_model')
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('refuses a mapping with a duplicate key as a syntax problem', async () => {
    const res = await importing(layer("ref('subs')", '    name: other\n'))
    expect(res.status).toBe(422)
    expect(JSON.stringify(await res.json())).toMatch(/unique/i)
  })

  it.each([
    ['a JS function tag', "!!js/function 'function () { return 1 }'"],
    ['a binary tag', '!!binary aGVsbG8='],
    ['a set tag', '!!set { a, b }'],
    ['an ordered map tag', '!!omap [ { a: 1 } ]'],
    ['a local tag', '!custom { a: 1 }'],
  ])('answers %s where a name belongs as an import problem, never an internal error', async (_label, value) => {
    const res = await importing(layer("ref('subs')").replace('  - name: subs\n', `  - name: ${value}\n`))
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBe('invalid_model')
  })

  it('reads nothing through __proto__ keys and leaves Object.prototype alone', async () => {
    const res = await importing(layer("ref('subs')", '    __proto__: { description: injected, label: injected }\n'), { mode: 'replace' })
    expect(res.status).toBe(200)
    const models = await t.request('GET', `/api/v1/semantic/models?connection_id=${t.demoConnectionId}`)
    expect(JSON.stringify(await models.json())).not.toContain('injected')
    expect(({} as Record<string, unknown>).description).toBeUndefined()
  })
})
