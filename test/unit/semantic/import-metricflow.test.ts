import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importMetricFlow } from '../../../semantic'
import { METRICFLOW_SUITE_DIR } from '../../support/metricflow-suite'

const SUITE = METRICFLOW_SUITE_DIR
const MANIFESTS = join(SUITE, 'manifests')

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

function files(dir: string) {
  return walk(dir).map((p) => ({ path: p.slice(dir.length + 1), content: readFileSync(p, 'utf8') }))
}

describe.skipIf(!existsSync(MANIFESTS))('importMetricFlow on the MetricFlow conformance manifests', () => {
  const names = existsSync(MANIFESTS) ? readdirSync(MANIFESTS).sort() : []
  it('finds the six manifests', () => {
    expect(names).toHaveLength(6)
  })
  for (const name of names) {
    it(`imports ${name} with no problems`, () => {
      const { manifest, problems } = importMetricFlow(files(join(MANIFESTS, name)), { source_schema: 'fixtures' })
      expect(problems).toEqual([])
      expect(manifest.semantic_models.length).toBeGreaterThan(0)
      expect(manifest.metrics.length).toBeGreaterThan(0)
      expect(manifest.time_spines.length).toBeGreaterThan(0)
      for (const m of manifest.semantic_models) expect(m.node_relation.schema_name).toBe('fixtures')
    })
  }
  it('reads metrics, create_metric measures, saved queries and custom granularities of the simple manifest', () => {
    const { manifest } = importMetricFlow(files(join(MANIFESTS, 'simple_manifest')), { source_schema: 'fixtures' })
    const byName = new Map(manifest.metrics.map((m) => [m.name, m]))
    expect(byName.get('bookings_per_view')?.type).toBe('ratio')
    expect(byName.get('new_users')?.type_params.measure).toBe('new_users') // from create_metric
    expect(byName.get('trailing_2_months_revenue')?.type_params.cumulative_type_params).toEqual({ window: '2 month', period_agg: 'average' })
    expect(manifest.saved_queries.map((q) => q.name)).toContain('p0_booking')
    const daySpine = manifest.time_spines.find((s) => s.primary_column.time_granularity === 'day')
    expect(daySpine?.custom_granularities).toEqual([{ name: 'alien_day' }])
    // The legacy table configuration and time_spines describe the same table once.
    expect(manifest.time_spines.filter((s) => s.node_relation.alias === 'mf_time_spine')).toHaveLength(1)
  })
})

describe('importMetricFlow problems', () => {
  it('reports every problem at once with file, YAML path and line', () => {
    const content = [
      'semantic_models:',
      '  - name: orders',
      '    node_relation: { schema_name: shop, alias: orders }',
      '    defaults: { agg_time_dimension: ordered_at }',
      '    dimensions:',
      '      - { name: ordered_at, type: time, type_params: { time_granularity: day } }',
      '    measures:',
      '      - { name: revenue, agg: sum }',
      '      - { name: orders, agg: count }',
      '      - { name: broken, agg: summ }',
      '      - { name: p90, agg: percentile }',
      '    entities:',
      '      - { name: order, type: primary }',
    ].join('\n')
    const metrics = [
      'metrics:',
      '  - name: revenue',
      '    type: simple',
      '    type_params: { measure: revenu }',
      '  - name: conversion',
      '    type: weird',
    ].join('\n')
    const { problems } = importMetricFlow([{ path: 'models/orders.yml', content }, { path: 'models/metrics.yml', content: metrics }])
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: 'models/orders.yml', path: 'semantic_models[0].measures[2].agg', line: 10, message: expect.stringContaining('summ') }),
      expect.objectContaining({ file: 'models/orders.yml', path: 'semantic_models[0].measures[3].agg_params.percentile', message: expect.stringContaining('percentile') }),
      expect.objectContaining({ file: 'models/metrics.yml', path: 'metrics[1].type', line: 6 }),
      expect.objectContaining({ file: 'models/metrics.yml', path: 'metrics[0].type_params.measure', message: expect.stringMatching(/^measure "revenu" does not exist \(did you mean revenue/) }),
    ]))
    expect(problems.length).toBeGreaterThanOrEqual(4)
  })

  it('reports YAML syntax errors with their line', () => {
    const { problems } = importMetricFlow([{ path: 'bad.yml', content: 'metrics:\n  - name: x\n   type: [simple\n' }])
    expect(problems[0]).toMatchObject({ file: 'bad.yml', path: '' })
    expect(problems[0].message).toMatch(/YAML/)
  })

  it('locates problems inside multi-document files', () => {
    const content = [
      '---',
      'semantic_model:',
      '  name: a',
      '  node_relation: { alias: a }',
      '---',
      'semantic_model:',
      '  name: b',
      '  node_relation: { alias: b }',
      '  entities:',
      '    - { name: id, type: primry }',
    ].join('\n')
    const { problems, manifest } = importMetricFlow([{ path: 'multi.yml', content }])
    expect(manifest.semantic_models.map((m) => m.name)).toEqual(['a', 'b'])
    expect(problems).toEqual([expect.objectContaining({ file: 'multi.yml', path: 'semantic_model.entities[0].type', line: 10 })])
  })

  it('resolves $source_schema, ref() through relation_map and reports a missing source_schema', () => {
    const content = [
      'semantic_models:',
      '  - name: a',
      '    node_relation: { schema_name: $source_schema, alias: a }',
      "  - name: b",
      "    model: ref('stg_b')",
      "  - name: c",
      "    model: ref('stg_c')",
    ].join('\n')
    const ok = importMetricFlow([{ path: 'm.yml', content }], { source_schema: 'raw', relation_map: { stg_b: 'analytics.dbt_prod.stg_b_v2' } })
    expect(ok.problems).toEqual([])
    expect(ok.manifest.semantic_models.map((m) => m.node_relation)).toEqual([
      { alias: 'a', schema_name: 'raw' },
      { alias: 'stg_b_v2', schema_name: 'dbt_prod', database: 'analytics' },
      { alias: 'stg_c', schema_name: 'raw' },
    ])
    const missing = importMetricFlow([{ path: 'm.yml', content }])
    expect(missing.problems).toEqual([expect.objectContaining({ path: 'semantic_models[0].node_relation.schema_name', message: expect.stringContaining('source_schema') })])
  })

  it('checks references: agg_time_dimension, ratio inputs, derived cycles, duplicate names', () => {
    const content = [
      'semantic_models:',
      '  - name: orders',
      '    node_relation: { alias: orders }',
      '    defaults: { agg_time_dimension: created }',
      '    entities: [{ name: order, type: primary }]',
      '    dimensions:',
      '      - { name: ordered_at, type: time, type_params: { time_granularity: day } }',
      '      - { name: status, type: categorical }',
      '      - { name: status, type: categorical }',
      '    measures: [{ name: revenue, agg: sum }]',
      'metrics:',
      '  - { name: a, type: derived, type_params: { expr: b + 1, metrics: [{ name: b }] } }',
      '  - { name: b, type: derived, type_params: { expr: a + 1, metrics: [{ name: a }] } }',
      '  - { name: r, type: ratio, type_params: { numerator: a, denominator: nope } }',
    ].join('\n')
    const { problems } = importMetricFlow([{ path: 'x.yml', content }])
    const messages = problems.map((p) => `${p.path}: ${p.message}`)
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/defaults\.agg_time_dimension: agg_time_dimension "created" is not a time dimension/),
      expect.stringMatching(/dimensions\[2\]\.name: dimension "status".*same name/),
      expect.stringMatching(/depends on itself: a -> b -> a/),
      expect.stringMatching(/metrics\[2\]\.type_params\.denominator.*metric "nope" does not exist/),
    ]))
  })

  it('rejects names with double underscores, which would break query names', () => {
    const { problems } = importMetricFlow([{ path: 'x.yml', content: 'metrics:\n  - { name: a__b, type: simple, type_params: { measure: m } }\n' }])
    expect(problems[0]).toMatchObject({ path: 'metrics[0].name' })
    expect(problems[0].message).toMatch(/__/)
  })

  it('reports invalid filter templates where they are written', () => {
    const content = [
      'metrics:',
      '  - name: m',
      '    type: simple',
      '    type_params: { measure: x }',
      "    filter: \"{{ Dimensoin('a__b') }}\"",
    ].join('\n')
    const { problems } = importMetricFlow([{ path: 'f.yml', content }])
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'metrics[0].filter', line: 5, message: expect.stringMatching(/Dimensoin/) })]))
  })

  it('reads dbt model time spine configuration', () => {
    const content = [
      'models:',
      '  - name: time_spine_daily',
      '    time_spine:',
      '      standard_granularity_column: date_day',
      '      custom_granularities: [{ name: fiscal_year, column_name: fy }]',
      '    columns:',
      '      - { name: date_day, granularity: day }',
      '  - name: some_other_model',
      '    description: ignored',
    ].join('\n')
    const { manifest, problems } = importMetricFlow([{ path: 'spine.yml', content }], { source_schema: 'marts' })
    expect(problems).toEqual([])
    expect(manifest.time_spines).toEqual([{
      node_relation: { alias: 'time_spine_daily', schema_name: 'marts' },
      primary_column: { name: 'date_day', time_granularity: 'day' },
      custom_granularities: [{ name: 'fiscal_year', column_name: 'fy' }],
    }])
  })
})

describe('importMetricFlow filter references', () => {
  it('reports a metric filter naming a dimension the metric cannot reach, with suggestions', () => {
    const content = [
      'semantic_models:',
      '  - name: orders',
      '    node_relation: { alias: orders }',
      '    defaults: { agg_time_dimension: ordered_at }',
      '    entities: [{ name: order, type: primary }]',
      '    dimensions:',
      '      - { name: ordered_at, type: time, type_params: { time_granularity: day } }',
      '      - { name: status, type: categorical }',
      '    measures: [{ name: revenue, agg: sum }]',
      'metrics:',
      "  - { name: shipped_revenue, type: simple, type_params: { measure: revenue }, filter: \"{{ Dimension('order__stauts') }} = 'shipped'\" }",
      "  - { name: ok_revenue, type: simple, type_params: { measure: revenue }, filter: \"{{ Dimension('order__status') }} = 'ok' AND {{ TimeDimension('metric_time', 'day') }} > '2020-01-01'\" }",
    ].join('\n')
    const { problems } = importMetricFlow([{ path: 'f.yml', content }])
    expect(problems).toEqual([expect.objectContaining({ path: 'metrics[0].filter', line: 11, message: expect.stringMatching(/order__stauts.*did you mean order__status\b/) })])
  })
})
