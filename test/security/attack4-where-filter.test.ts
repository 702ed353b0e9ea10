// Attack: MetricFlow where filters written to stall or crash the parser. A key
// that may write the layer imports a metric whose `filter` is a few hundred
// kilobytes of references (the parser re-read the whole text before every
// reference: seconds of event loop per import at 230 KB, minutes at 1 MB, for
// every tenant of the instance, and again at each query compiling it), or
// whose template nests lists thousands deep (the parser overflowed its stack
// and "Maximum call stack size exceeded" came back as the import problem, or
// through POST /semantic/query's `where`). Now a filter longer than the API's
// own `where` limit is refused before any work, lists nest at most
// MAX_NESTING deep, and the remaining work is linear in the filter's length.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { MAX_WHERE_FILTER_CHARS, parseWhereFilter } from '../../semantic/where-filter'

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }, { demo: true }) })
afterAll(async () => { await t?.close() })

const layer = (filter: string) => `
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
      - { name: plan, type: categorical }
    measures:
      - { name: mrr, agg: sum, expr: amount }
metrics:
  - name: mrr_filtered
    type: simple
    type_params: { measure: mrr }
    filter: ${JSON.stringify(filter)}
`

const importing = (filter: string) => t.request('POST', '/api/v1/semantic/import', {
  body: { connection_id: t.demoConnectionId, files: [{ path: 'models/x.yml', content: layer(filter) }], check_relations: false, refresh_sample_values: false },
})

const NESTED = (n: number) => `{{ Dimension('subscription__plan', entity_path=${'['.repeat(n)}) }} = 'a'`

describe('attack: hostile where filters', () => {
  it('refuses a 230 KB filter of references at import quickly, without stalling the event loop', async () => {
    const huge = `${"{{ Dimension('subscription__plan') }} = 'a' AND ".repeat(5000)} 1=1`
    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    const res = await importing(huge)
    delay.disable()
    const body = await res.json()
    expect(res.status).toBe(422)
    expect(body.error.details).toEqual([expect.objectContaining({ path: 'metrics[0].filter', issue: `filter is longer than ${MAX_WHERE_FILTER_CHARS} characters` })])
    expect(delay.max / 1e6).toBeLessThan(500)
  })

  it('refuses lists nested thousands deep in our words, at import and in a semantic query', async () => {
    const imported = await importing(NESTED(9_000))
    const body = await imported.json()
    expect(imported.status).toBe(422)
    expect(body.error.code).toBe('invalid_model')
    expect(JSON.stringify(body)).not.toMatch(/call stack/i)
    expect(() => parseWhereFilter(NESTED(9_000))).toThrow(/lists nest deeper than 32 levels/)

    const queried = await t.request('POST', '/api/v1/semantic/query', {
      body: { connection_id: t.demoConnectionId, metrics: ['total_sales'], where: `{{ Dimension('store__region', entity_path=${'['.repeat(9_000)}) }} = 'West'` },
    })
    expect(queried.status).toBe(422)
    expect(await queried.text()).not.toMatch(/call stack/i)
  })

  it('still imports an ordinary filter and tells standalone predicates as before', async () => {
    expect((await importing("{{ Dimension('subscription__plan') }} = 'pro'")).status).toBe(200)
    const f = parseWhereFilter("{{ Dimension('a__flag') }} AND NOT a__other AND x = 1 OR ({{ Dimension('a__b') }}) AND y.z__w = 2")
    expect(f.refs.map((r) => [r.name, r.standalone])).toEqual([['a__flag', true], ['a__other', true], ['a__b', true]])
    expect(parseWhereFilter("a__c = 1 AND xAND {{ Dimension('a__d') }}").refs.map((r) => r.standalone)).toEqual([false, false])
  })

  it('parses a filter at the length limit in linear time', () => {
    const atLimit = `${"{{ Dimension('a__b') }} = 'x' AND a__c = 1 AND ".repeat(1_000)}`.slice(0, MAX_WHERE_FILTER_CHARS - 10) + '1=1'
    const started = performance.now()
    for (let i = 0; i < 20; i++) { try { parseWhereFilter(atLimit) } catch { /* a cut reference is a syntax problem; the time is what counts */ } }
    expect((performance.now() - started) / 20).toBeLessThan(50)
  })
})
