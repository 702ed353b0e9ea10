// A `target/semantic_manifest.json` shaped like the one `dbt parse` (dbt 1.9)
// writes: every optional field present as null, refs resolved to node
// relations, filters as {where_filters: [...]}, windows as {count, granularity},
// config/meta/metadata blocks dbt adds for its own use. It describes the demo
// warehouse (schema retail of the PGlite database "postgres"), so the API tests
// can import it and query it. Written for these tests; values are our own.

const DB = 'postgres'
const relation = (alias: string) => ({ alias, schema_name: 'retail', database: DB, relation_name: `"${DB}"."retail"."${alias}"` })
const meta = (m: Record<string, unknown> = {}) => ({ meta: m })
const entity = (name: string, type: string, expr: string | null) => ({ name, description: null, type, role: null, expr, metadata: null, label: null, config: meta() })
const categorical = (name: string, extra: Record<string, unknown> = {}) => ({
  name, description: null, type: 'categorical', is_partition: false, type_params: null, expr: null, metadata: null, label: null, config: meta(), ...extra,
})
const timeDim = (name: string, grain: string) => ({
  name, description: null, type: 'time', is_partition: false, type_params: { time_granularity: grain, validity_params: null }, expr: null, metadata: null, label: null, config: meta(),
})
const measure = (name: string, agg: string, expr: string | null, extra: Record<string, unknown> = {}) => ({
  name, agg, description: null, create_metric: false, expr, agg_params: null, metadata: null, non_additive_dimension: null, agg_time_dimension: null, label: null, config: meta(), ...extra,
})
const measureInput = (name: string, extra: Record<string, unknown> = {}) => ({ name, filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null, ...extra })
const metricInput = (name: string, extra: Record<string, unknown> = {}) => ({ name, filter: null, alias: null, offset_window: null, offset_to_grain: null, ...extra })
const typeParams = (p: Record<string, unknown>) => ({
  measure: null, input_measures: [], numerator: null, denominator: null, expr: null, window: null, grain_to_date: null, metrics: [],
  conversion_type_params: null, cumulative_type_params: null, ...p,
})
const metric = (name: string, type: string, tp: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name, description: '', type, type_params: typeParams(tp), filter: null, metadata: null, label: null, config: meta(), time_granularity: null, ...extra,
})
const where = (...sql: string[]) => ({ where_filters: sql.map((s) => ({ where_sql_template: s })) })

export function dbtSemanticManifest(): Record<string, unknown> {
  return {
    semantic_models: [
      {
        name: 'line_items', description: 'Order lines of the shop', node_relation: relation('order_items'),
        defaults: { agg_time_dimension: 'ordered_at' }, primary_entity: null, label: 'Line items', metadata: null, config: meta(),
        entities: [entity('line_item', 'primary', 'order_item_id'), entity('sale', 'foreign', 'order_id'), entity('shop', 'foreign', 'store_id')],
        dimensions: [timeDim('ordered_at', 'day')],
        measures: [
          measure('revenue', 'sum', 'amount', { label: 'Revenue' }),
          measure('line_count', 'count', 'order_item_id', { create_metric: true }),
          measure('p90_line_amount', 'percentile', 'amount', { agg_params: { percentile: 0.9, use_discrete_percentile: false, use_approximate_percentile: false } }),
        ],
      },
      {
        name: 'sales', description: null, node_relation: relation('orders'),
        defaults: { agg_time_dimension: 'ordered_at' }, primary_entity: null, label: null, metadata: null, config: meta(),
        entities: [entity('sale', 'primary', 'order_id'), entity('shop', 'foreign', 'store_id'), entity('buyer', 'foreign', 'customer_id')],
        dimensions: [
          timeDim('ordered_at', 'day'),
          categorical('channel', { config: meta({ synonyms: ['sales channel', 'route to market'] }) }),
          categorical('status'),
        ],
        measures: [
          measure('sale_count', 'count', 'order_id'),
          measure('buyers', 'count_distinct', 'customer_id'),
          measure('last_day_buyers', 'count_distinct', 'customer_id', { non_additive_dimension: { name: 'ordered_at', window_choice: 'max', window_groupings: [] } }),
        ],
      },
      {
        name: 'shops', description: 'Physical and online stores', node_relation: relation('stores'),
        defaults: null, primary_entity: null, label: null, metadata: null, config: meta(),
        entities: [entity('shop', 'primary', 'store_id')],
        dimensions: [categorical('store_name'), categorical('region')],
        measures: [],
      },
    ],
    metrics: [
      metric('gross_revenue', 'simple', { measure: measureInput('revenue'), input_measures: [measureInput('revenue')] },
        { label: 'Gross revenue', description: 'All order lines, in dollars', config: meta({ format: { type: 'currency', currency: 'USD', decimals: 2 }, synonyms: ['turnover'] }) }),
      metric('sale_count', 'simple', { measure: measureInput('sale_count', { join_to_timespine: true, fill_nulls_with: 0 }), input_measures: [measureInput('sale_count')] }),
      metric('online_revenue', 'simple', { measure: measureInput('revenue'), input_measures: [measureInput('revenue')] },
        { filter: where("{{ Dimension('sale__channel') }} = 'online'") }),
      metric('revenue_per_sale', 'ratio', { numerator: metricInput('gross_revenue'), denominator: metricInput('sale_count'), input_measures: [measureInput('revenue'), measureInput('sale_count')] }),
      metric('revenue_change_wow', 'derived', {
        expr: 'gross_revenue - revenue_last_week',
        metrics: [metricInput('gross_revenue'), metricInput('gross_revenue', { alias: 'revenue_last_week', offset_window: { count: 1, granularity: 'week' } })],
        input_measures: [measureInput('revenue')],
      }),
      metric('revenue_7d', 'cumulative', { measure: measureInput('revenue'), cumulative_type_params: { window: { count: 7, granularity: 'day' }, grain_to_date: null, period_agg: 'first' } }),
      metric('revenue_mtd', 'cumulative', { measure: measureInput('revenue'), cumulative_type_params: { window: null, grain_to_date: 'month', period_agg: 'first' } }),
      metric('sales_to_lines', 'conversion', {
        conversion_type_params: {
          base_measure: measureInput('sale_count'), conversion_measure: measureInput('line_count'), entity: 'sale',
          calculation: 'conversion_rate', window: { count: 7, granularity: 'day' }, constant_properties: [{ base_property: 'shop', conversion_property: 'shop' }],
        },
      }),
      // dbt writes the metric a `create_metric: true` measure asks for.
      metric('line_count', 'simple', { measure: measureInput('line_count'), input_measures: [measureInput('line_count')] }),
    ],
    project_configuration: {
      time_spine_table_configurations: [{ location: `${DB}.retail.time_spine`, column_name: 'date_day', grain: 'day' }],
      metadata: null,
      dsi_package_version: { major_version: '0', minor_version: '7', patch_version: '4' },
      time_spines: [{ node_relation: relation('time_spine'), primary_column: { name: 'date_day', time_granularity: 'day' }, custom_granularities: [] }],
    },
    saved_queries: [
      {
        name: 'weekly_revenue_report', description: 'Gross revenue and sales by week and region, without cancelled orders', label: 'Weekly revenue report',
        query_params: {
          metrics: ['gross_revenue', 'sale_count'],
          group_by: ["TimeDimension('metric_time', 'week')", "Dimension('shop__region')"],
          where: where("{{ Dimension('sale__status') }} != 'cancelled'"),
          order_by: [], limit: null,
        },
        metadata: null, tags: [], config: { cache: { enabled: false }, meta: {} }, group: null,
        exports: [{ name: 'weekly_revenue', config: { export_as: 'table', schema_name: 'exports', alias: 'weekly_revenue', database: null }, unrendered_config: {} }],
      },
      {
        name: 'top_shops', description: 'The three shops with the most revenue', label: null,
        query_params: { metrics: ['gross_revenue'], group_by: ["Dimension('shop__store_name')"], where: null, order_by: ["Metric('gross_revenue').descending(True)"], limit: 3 },
        metadata: null, tags: [], config: { cache: { enabled: false }, meta: {} }, group: null, exports: [],
      },
    ],
  }
}
