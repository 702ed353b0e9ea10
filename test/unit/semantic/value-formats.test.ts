// dbt `meta.format` on dimensions and measures (not only metrics): read by both
// importers, carried onto the compiled output columns and the catalog, and used
// when an answer prints a value.
import { describe, expect, it } from 'vitest'
import { buildCatalog, compile, importDbtManifest, importMetricFlow } from '../../../semantic'
import { summarize } from '../../../src/planner/summary'
import { dbtSemanticManifest } from '../../support/dbt-semantic-manifest'

type Json = Record<string, any>

const YAML = `
semantic_models:
  - name: orders
    model: ref('orders')
    defaults: {agg_time_dimension: ordered_at}
    entities:
      - {name: order, type: primary, expr: order_id}
    dimensions:
      - name: ordered_at
        type: time
        type_params: {time_granularity: day}
      - name: discount_rate
        type: categorical
        meta: {format: {type: percent, decimals: 0}}
      - name: channel
        type: categorical
    measures:
      - name: order_total
        agg: sum
        expr: amount
        config:
          meta: {format: {type: currency, currency: EUR, decimals: 0}}
      - name: order_count
        agg: count
        expr: order_id
        create_metric: true
metrics:
  - name: revenue
    type: simple
    type_params: {measure: order_total}
  - name: revenue_usd
    type: simple
    type_params: {measure: order_total}
    meta: {format: {type: currency, currency: USD}}
`

describe('value formats on dimensions and measures', () => {
  it('imports meta.format and config.meta.format of dimensions and measures from YAML', () => {
    const { manifest, problems } = importMetricFlow([{ path: 'orders.yml', content: YAML }], { source_schema: 'shop' })
    expect(problems).toEqual([])
    const model = manifest.semantic_models[0]
    expect(model.dimensions.find((d) => d.name === 'discount_rate')?.format).toEqual({ type: 'percent', decimals: 0 })
    expect(model.dimensions.find((d) => d.name === 'channel')?.format).toBeUndefined()
    expect(model.measures.find((m) => m.name === 'order_total')?.format).toEqual({ type: 'currency', currency: 'EUR', decimals: 0 })
  })

  it('reports a malformed dimension format at its YAML path', () => {
    const bad = YAML.replace('{format: {type: percent, decimals: 0}}', '{format: {type: fraction}}')
    const { problems } = importMetricFlow([{ path: 'orders.yml', content: bad }], { source_schema: 'shop' })
    expect(problems.map((p) => p.path).join(' ')).toMatch(/dimensions\[1\]\.meta\.format/)
  })

  it("gives a simple metric its measure's format unless the metric sets its own, in columns and catalog", () => {
    const { manifest } = importMetricFlow([{ path: 'orders.yml', content: YAML }], { source_schema: 'shop' })
    const { columns } = compile({ metrics: ['revenue', 'revenue_usd'], group_by: ['order__discount_rate', 'order__channel'] }, manifest, 'postgres')
    const byName = new Map(columns.map((c) => [c.name, c]))
    expect(byName.get('revenue')?.format).toEqual({ type: 'currency', currency: 'EUR', decimals: 0 })
    expect(byName.get('revenue_usd')?.format).toEqual({ type: 'currency', currency: 'USD' })
    expect(byName.get('order__discount_rate')?.format).toEqual({ type: 'percent', decimals: 0 })
    expect(byName.get('order__channel')?.format).toBeUndefined()
    const catalog = buildCatalog(manifest)
    expect(catalog.metrics.find((m) => m.name === 'revenue')?.format).toEqual({ type: 'currency', currency: 'EUR', decimals: 0 })
  })

  it('reads format from meta of dimensions and measures in semantic_manifest.json', () => {
    const json = dbtSemanticManifest() as Json
    const sales = json.semantic_models.find((m: Json) => m.name === 'sales')
    sales.measures.find((m: Json) => m.name === 'sale_count').config = { meta: { format: { type: 'number', decimals: 0 } } }
    sales.dimensions.find((d: Json) => d.name === 'status').config = { meta: { format: { type: 'percent' } } }
    const { manifest, problems } = importDbtManifest(json)
    expect(problems).toEqual([])
    const model = manifest.semantic_models.find((m) => m.name === 'sales')!
    expect(model.measures.find((m) => m.name === 'sale_count')?.format).toEqual({ type: 'number', decimals: 0 })
    expect(model.dimensions.find((d) => d.name === 'status')?.format).toEqual({ type: 'percent' })
    const { columns } = compile({ metrics: ['sale_count'] }, manifest, 'postgres')
    expect(columns[0].format).toEqual({ type: 'number', decimals: 0 })
  })

  it('prints metric and dimension values of an answer in their formats', () => {
    const { manifest } = importMetricFlow([{ path: 'orders.yml', content: YAML }], { source_schema: 'shop' })
    const query = { metrics: ['revenue'], group_by: ['order__discount_rate'] }
    const { columns } = compile(query, manifest, 'postgres')
    const rows = [[1200, 0.1], [800, 0.25]]
    const text = summarize({ kind: 'semantic', query } as never, columns, rows, { timezone: 'UTC' } as never)
    expect(text).toContain('€1,200')
    expect(text).toContain('10%')
    expect(text).toContain('25%')
  })
})
