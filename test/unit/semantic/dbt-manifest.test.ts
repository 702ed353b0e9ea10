import { describe, expect, it } from 'vitest'
import { compile, importDbtManifest, importDbtManifestFiles } from '../../../semantic'
import { dbtSemanticManifest } from '../../support/dbt-semantic-manifest'

type Json = Record<string, any>
const manifestJson = (): Json => dbtSemanticManifest() as Json

describe('importDbtManifest', () => {
  it('maps a manifest written by dbt parse with no problems', () => {
    const { manifest, problems } = importDbtManifest(JSON.stringify(manifestJson()))
    expect(problems).toEqual([])
    expect(manifest.semantic_models.map((m) => m.name)).toEqual(['line_items', 'sales', 'shops'])
    expect(manifest.metrics.map((m) => m.name)).toEqual([
      'gross_revenue', 'sale_count', 'online_revenue', 'revenue_per_sale', 'revenue_change_wow', 'revenue_7d', 'revenue_mtd', 'sales_to_lines', 'line_count',
    ])
    expect(manifest.saved_queries.map((q) => q.name)).toEqual(['weekly_revenue_report', 'top_shops'])
  })

  it('keeps node relations as dbt resolved them and drops dbt nulls', () => {
    const { manifest } = importDbtManifest(manifestJson())
    const lines = manifest.semantic_models[0]
    expect(lines.node_relation).toEqual({ alias: 'order_items', schema_name: 'retail', database: 'postgres', relation_name: '"postgres"."retail"."order_items"' })
    expect(lines.defaults).toEqual({ agg_time_dimension: 'ordered_at' })
    expect(lines.label).toBe('Line items')
    expect(lines.entities[0]).toEqual({ name: 'line_item', type: 'primary', expr: 'order_item_id' })
    expect(lines.dimensions[0]).toEqual({ name: 'ordered_at', type: 'time', type_params: { time_granularity: 'day' } })
    expect(lines.measures.find((m) => m.name === 'p90_line_amount')).toEqual({ name: 'p90_line_amount', agg: 'percentile', expr: 'amount', agg_params: { percentile: 0.9 } })
    expect(manifest.semantic_models[1].measures.find((m) => m.name === 'last_day_buyers')?.non_additive_dimension).toEqual({ name: 'ordered_at', window_choice: 'max' })
    expect(manifest.semantic_models[2].defaults).toBeUndefined()
  })

  it('reads synonyms and value format from config.meta', () => {
    const { manifest } = importDbtManifest(manifestJson())
    expect(manifest.semantic_models[1].dimensions.find((d) => d.name === 'channel')?.synonyms).toEqual(['sales channel', 'route to market'])
    const gross = manifest.metrics[0]
    expect(gross).toMatchObject({ label: 'Gross revenue', description: 'All order lines, in dollars', synonyms: ['turnover'], format: { type: 'currency', currency: 'USD', decimals: 2 } })
    expect(gross.type_params).toEqual({ measure: 'revenue' })
  })

  it('maps metric type params: measure inputs, filters, ratio, derived offsets, cumulative and conversion', () => {
    const by = Object.fromEntries(importDbtManifest(manifestJson()).manifest.metrics.map((m) => [m.name, m]))
    expect(by.sale_count.type_params.measure).toEqual({ name: 'sale_count', join_to_timespine: true, fill_nulls_with: 0 })
    expect(by.online_revenue.filter).toBe("{{ Dimension('sale__channel') }} = 'online'")
    expect(by.revenue_per_sale.type_params).toEqual({ numerator: { name: 'gross_revenue' }, denominator: { name: 'sale_count' } })
    expect(by.revenue_change_wow.type_params).toEqual({
      expr: 'gross_revenue - revenue_last_week',
      metrics: [{ name: 'gross_revenue' }, { name: 'gross_revenue', alias: 'revenue_last_week', offset_window: '1 week' }],
    })
    expect(by.revenue_7d.type_params).toEqual({ measure: 'revenue', cumulative_type_params: { window: '7 day', period_agg: 'first' } })
    expect(by.revenue_mtd.type_params.cumulative_type_params).toEqual({ grain_to_date: 'month', period_agg: 'first' })
    expect(by.sales_to_lines.type_params.conversion_type_params).toEqual({
      base_measure: 'sale_count', conversion_measure: 'line_count', entity: 'sale', calculation: 'conversion_rate', window: '7 day',
      constant_properties: [{ base_property: 'shop', conversion_property: 'shop' }],
    })
  })

  it('maps saved queries with where_filters and ignores exports', () => {
    const [weekly, top] = importDbtManifest(manifestJson()).manifest.saved_queries
    expect(weekly).toEqual({
      name: 'weekly_revenue_report', label: 'Weekly revenue report', description: 'Gross revenue and sales by week and region, without cancelled orders',
      query_params: {
        metrics: ['gross_revenue', 'sale_count'],
        group_by: ["TimeDimension('metric_time', 'week')", "Dimension('shop__region')"],
        where: ["{{ Dimension('sale__status') }} != 'cancelled'"],
      },
    })
    expect(top.query_params).toEqual({ metrics: ['gross_revenue'], group_by: ["Dimension('shop__store_name')"], order_by: ["Metric('gross_revenue').descending(True)"], limit: 3 })
  })

  it('takes time spines from project_configuration, once per table', () => {
    const { manifest } = importDbtManifest(manifestJson())
    expect(manifest.time_spines).toEqual([{
      node_relation: { alias: 'time_spine', schema_name: 'retail', database: 'postgres', relation_name: '"postgres"."retail"."time_spine"' },
      primary_column: { name: 'date_day', time_granularity: 'day' },
    }])
  })

  it('keeps a legacy time spine configuration that names another table, and custom granularities', () => {
    const json = manifestJson()
    json.project_configuration.time_spine_table_configurations = [{ location: 'wh.util.spine_days', column_name: 'd', grain: 'day' }]
    json.project_configuration.time_spines[0].custom_granularities = [{ name: 'fiscal_quarter', column_name: 'fq' }]
    const { manifest, problems } = importDbtManifest(json)
    expect(problems).toEqual([])
    expect(manifest.time_spines[0].custom_granularities).toEqual([{ name: 'fiscal_quarter', column_name: 'fq' }])
    expect(manifest.time_spines[1]).toEqual({ node_relation: { alias: 'spine_days', schema_name: 'util', database: 'wh' }, primary_column: { name: 'd', time_granularity: 'day' } })
  })

  it('adds the metric of a create_metric measure when dbt did not write it', () => {
    const json = manifestJson()
    json.metrics = json.metrics.filter((m: Json) => m.name !== 'line_count')
    const { manifest, problems } = importDbtManifest(json)
    expect(problems).toEqual([])
    expect(manifest.metrics.find((m) => m.name === 'line_count')).toEqual({ name: 'line_count', type: 'simple', type_params: { measure: 'line_count' } })
  })

  it('compiles the imported saved query', () => {
    const { manifest } = importDbtManifest(manifestJson())
    const { sql, columns } = compile({ metrics: [], saved_query: 'weekly_revenue_report' }, manifest, 'postgres')
    expect(columns.map((c) => c.name)).toEqual(['gross_revenue', 'sale_count', 'metric_time__week', 'shop__region'])
    expect(sql).toContain('"postgres"."retail"."order_items"')
    expect(sql).toContain("'cancelled'")
  })

  it('reports every problem at once with JSON paths', () => {
    const json = manifestJson()
    json.semantic_models[0].measures[0].agg = 'total'
    json.semantic_models[1].node_relation = null
    json.semantic_models[2].dimensions[0].type = 7
    json.metrics[2].filter = { where_filters: [{ where_sql_template: "{{ Dimension('sale__channel' }} = 'x'" }] }
    json.metrics[4].type_params.metrics[1].offset_window = { count: 1, granularity: 'fortnight' }
    json.metrics[5].type_params.measure = measureName('no_such_measure')
    json.saved_queries[1].query_params.limit = -1
    json.saved_queries[1].query_params.group_by = ['Dimension(']
    json.project_configuration.time_spines[0].primary_column.time_granularity = 'daily'
    const { problems } = importDbtManifest(json, { file: 'target/semantic_manifest.json' })
    const paths = problems.map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining([
      'semantic_models[0].measures[0].agg',
      'semantic_models[1].node_relation',
      'semantic_models[2].dimensions[0].type',
      'metrics[2].filter.where_filters[0].where_sql_template',
      'metrics[4].type_params.metrics[1].offset_window',
      'saved_queries[1].query_params.limit',
      'saved_queries[1].query_params.group_by[0]',
      'project_configuration.time_spines[0].primary_column.time_granularity',
    ]))
    expect(problems.some((p) => p.path.startsWith('metrics[5]') && /no_such_measure/.test(p.message))).toBe(true)
    expect(problems.every((p) => p.file === 'target/semantic_manifest.json')).toBe(true)
    expect(problems.find((p) => p.path === 'semantic_models[0].measures[0].agg')?.message).toMatch(/"total" is not one of sum, count/)
  })

  it('refuses text that is not JSON, or JSON that is not a semantic manifest', () => {
    expect(importDbtManifest('{"semantic_models": [').problems[0].message).toMatch(/not valid JSON/)
    expect(importDbtManifest({ nodes: {}, sources: {} }).problems[0].message).toMatch(/not a dbt semantic manifest/)
    expect(importDbtManifest([1, 2]).problems[0].message).toMatch(/expected the object/)
  })

  it('takes exactly one file through importDbtManifestFiles', () => {
    expect(importDbtManifestFiles([{ path: 'target/semantic_manifest.json', content: JSON.stringify(manifestJson()) }]).problems).toEqual([])
    const two = importDbtManifestFiles([{ path: 'a.json', content: '{}' }, { path: 'b.json', content: '{}' }])
    expect(two.problems.map((p) => p.path)).toEqual(['files'])
  })
})

function measureName(name: string) {
  return { name, filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null }
}
