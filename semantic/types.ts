// The semantic layer's public types. This file is the contract between the
// semantic library (pure, no I/O), the planners, the store and the connectors.
// Shapes follow dbt MetricFlow's YAML so imported definitions round-trip.
import type { MaskMethod, ResolvedRowFilter } from './access/types'

export const TIME_GRAINS = [
  'nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour',
  'day', 'week', 'month', 'quarter', 'year',
] as const
export type TimeGrain = (typeof TIME_GRAINS)[number]

export const DATE_PARTS = ['year', 'quarter', 'month', 'week', 'day', 'dow', 'doy'] as const
export type DatePart = (typeof DATE_PARTS)[number]

/** SQL dialects the compiler targets. `pglite` connections use `postgres`. */
export const DIALECT_NAMES = ['postgres', 'redshift', 'mysql', 'bigquery', 'snowflake', 'mssql', 'clickhouse'] as const
export type DialectName = (typeof DIALECT_NAMES)[number]

/** Planner-facing display format of a metric value. */
export type ValueFormat =
  | { type: 'number'; decimals?: number }
  | { type: 'currency'; currency: string; decimals?: number }
  | { type: 'percent'; decimals?: number }

/** Extra fields Nexatron adds to MetricFlow objects for planners and people. */
export interface PlannerFields {
  label?: string
  description?: string
  synonyms?: string[]
}

export interface NodeRelation {
  alias: string
  schema_name?: string
  database?: string
  /** Fully qualified name as written by dbt; informational. */
  relation_name?: string
  /**
   * Set only by access/restrict.ts for one principal: the compiler reads the
   * table through these filters (ANDed) wherever it reads the model.
   */
  row_filters?: ResolvedRowFilter[]
  /** Set only by access/restrict.ts: reading the model is refused (a policy needs an attribute the principal lacks). */
  /** Set by an access policy (semantic/access/restrict.ts); `reason`, when set, is the whole explanation. */
  access_denied?: { policy: string; attribute: string; reason?: string }
}

export type EntityType = 'primary' | 'unique' | 'foreign' | 'natural'
export interface Entity extends PlannerFields {
  name: string
  type: EntityType
  expr?: string
  role?: string
}

export interface ValidityParams { is_start?: boolean; is_end?: boolean }
export interface Dimension extends PlannerFields {
  name: string
  type: 'categorical' | 'time'
  expr?: string
  is_partition?: boolean
  type_params?: { time_granularity?: TimeGrain; validity_params?: ValidityParams }
  /** Sample values of a categorical dimension, refreshed from the database. */
  sample_values?: Array<string | number | boolean>
  /** false: keep no sample-value index for this dimension (dbt `meta: {sample_values: false}`). */
  sample_values_enabled?: boolean
  /** Display format of the dimension's values (dbt `meta: {format}`), used where answers print them. */
  format?: ValueFormat
  /** Set only by access/restrict.ts: the compiler selects a masked value instead. */
  mask?: MaskMethod
  /**
   * Set only by access/restrict.ts with mask `hash`: the secret the digest is keyed with, so a
   * guessed value cannot be hashed and compared. Written into the SQL that runs; hidden wherever SQL is shown.
   */
  mask_key?: string
}

export type AggregationType =
  | 'sum' | 'count' | 'count_distinct' | 'average' | 'min' | 'max'
  | 'sum_boolean' | 'median' | 'percentile'
export interface Measure extends PlannerFields {
  name: string
  agg: AggregationType
  expr?: string
  create_metric?: boolean
  agg_time_dimension?: string
  agg_params?: { percentile?: number; use_discrete_percentile?: boolean; use_approximate_percentile?: boolean }
  non_additive_dimension?: { name: string; window_choice?: 'min' | 'max'; window_groupings?: string[] }
  /** Display format (dbt `meta: {format}`); a simple metric over this measure without its own format uses it. */
  format?: ValueFormat
}

export interface SemanticModel extends PlannerFields {
  name: string
  node_relation: NodeRelation
  defaults?: { agg_time_dimension?: string }
  primary_entity?: string
  entities: Entity[]
  dimensions: Dimension[]
  measures: Measure[]
}

export interface MetricInput {
  name: string
  /** Where-filter template(s), e.g. "{{ Dimension('booking__is_instant') }}". */
  filter?: string | string[]
  alias?: string
  offset_window?: string
  offset_to_grain?: TimeGrain
  /**
   * Internal (ad-hoc offset metrics of a query): shift whole periods of the
   * window's unit ("1 month" moves each month's total onto the next month)
   * instead of each day, so a month never borrows days of the month after.
   */
  period_aligned?: boolean
}
export interface MeasureInput {
  name: string
  filter?: string | string[]
  alias?: string
  join_to_timespine?: boolean
  fill_nulls_with?: number
}

export type MetricType = 'simple' | 'ratio' | 'derived' | 'cumulative' | 'conversion'
export interface Metric extends PlannerFields {
  name: string
  type: MetricType
  filter?: string | string[]
  format?: ValueFormat
  time_granularity?: TimeGrain
  type_params: {
    measure?: string | MeasureInput
    numerator?: string | MetricInput
    denominator?: string | MetricInput
    expr?: string
    metrics?: MetricInput[]
    window?: string
    grain_to_date?: TimeGrain
    cumulative_type_params?: { window?: string; grain_to_date?: TimeGrain; period_agg?: 'first' | 'last' | 'average' }
    conversion_type_params?: {
      base_measure: string | MeasureInput
      conversion_measure: string | MeasureInput
      entity: string
      calculation?: 'conversions' | 'conversion_rate'
      window?: string
      constant_properties?: Array<{ base_property: string; conversion_property: string }>
    }
    join_to_timespine?: boolean
    fill_nulls_with?: number
  }
}

export interface TimeSpine {
  node_relation: NodeRelation
  primary_column: { name: string; time_granularity: TimeGrain }
  custom_granularities?: Array<{ name: string; column_name?: string }>
}

export interface SavedQuery extends PlannerFields {
  name: string
  query_params: { metrics: string[]; group_by?: string[]; where?: string[]; order_by?: string[]; limit?: number }
}

/** A whole semantic layer for one connection. */
export interface SemanticManifest {
  semantic_models: SemanticModel[]
  metrics: Metric[]
  saved_queries: SavedQuery[]
  time_spines: TimeSpine[]
}

// ---------------------------------------------------------------- queries

/**
 * A group-by item: a MetricFlow query name, optionally with grain/date part.
 * `grain` may also name a custom granularity of the time spine (e.g. `fiscal_quarter`).
 */
export type GroupByItem = string | { name: string; grain?: TimeGrain | (string & {}); date_part?: DatePart }

/**
 * A structured filter produced by planners. Values always become bind
 * parameters. `field` is a dimension/entity query name (`store__region`,
 * `metric_time__month`) or a metric name (then it filters groups, like HAVING).
 */
export type FilterOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not_in' | 'between' | 'like' | 'is_null' | 'is_not_null'
export interface StructuredFilter {
  field: string
  op: FilterOp
  value?: string | number | boolean | null | Array<string | number | boolean>
}

export interface SemanticQuery {
  metrics: string[]
  group_by?: GroupByItem[]
  /** MetricFlow where-filter templates (trusted: from definitions or admins). */
  where?: string[]
  /** Planner filters (untrusted values: always parameterised). */
  filters?: StructuredFilter[]
  /** Inclusive ISO dates/timestamps on metric_time. `end` as a date covers that whole day. */
  time_constraint?: { start?: string; end?: string }
  /** Query names; a leading `-` means descending. */
  order_by?: string[]
  limit?: number
  /** Runs a saved query of the manifest; fields given here override its parameters. */
  saved_query?: string
  /** Queries without metrics: return MIN/MAX of each group-by item instead of its values. */
  min_max_only?: boolean
  /** Queries without metrics: false returns every row instead of distinct values (default true). */
  apply_group_by?: boolean
  /**
   * Ad-hoc time-shifted metrics (MetricFlow offset inputs without editing the
   * layer): each adds a metric named `alias` that `metrics` and `order_by` may use.
   */
  offset_metrics?: OffsetMetricInput[]
  /** Adds `<metric>__previous`: each metric over the time_constraint moved back by `offset_window` ("1 year"). */
  compare?: { offset_window: string }
  /** Adds `<metric>__share`: each row's share (0..1) of the total over all rows of the query, before limit. */
  share_of_total?: boolean
}

/** One ad-hoc offset metric of a query: `name` shifted by `offset_window` or to the start of `offset_to_grain`. */
export interface OffsetMetricInput {
  name: string
  alias: string
  offset_window?: string
  offset_to_grain?: TimeGrain
}

export interface OutputColumn {
  /** MetricFlow output name, e.g. `booking_value`, `metric_time__day`. */
  name: string
  kind: 'metric' | 'dimension' | 'time_dimension' | 'entity'
  /** For metrics: display metadata for summaries. */
  label?: string
  format?: ValueFormat
  grain?: TimeGrain
}

export interface CompiledQuery {
  sql: string
  params: unknown[]
  columns: OutputColumn[]
  /** Physical relations the SQL reads (schema-qualified as written), for the SQL guard's allow list. */
  relations: string[]
}

// ---------------------------------------------------------------- catalog

/** The planner-facing view of a manifest (see semantic/catalog.ts). */
export interface CatalogMetric extends PlannerFields {
  name: string
  type: MetricType
  format?: ValueFormat
  /** Query names of everything this metric can be grouped or filtered by. */
  dimensions: string[]
}
export interface CatalogDimension extends PlannerFields {
  /** Query name as accepted by the compiler: `store__region`, `metric_time`, `order__ordered_at`. */
  name: string
  type: 'categorical' | 'time' | 'entity'
  /** For time dimensions: the finest grain available. */
  grain?: TimeGrain
  value_type?: 'string' | 'number' | 'boolean'
  sample_values?: Array<string | number | boolean>
}
/** A saved query as planners see it: how people name it, and the query it runs (expanded). */
export interface CatalogSavedQuery extends PlannerFields {
  name: string
  query: SemanticQuery
}
export interface Catalog {
  metrics: CatalogMetric[]
  dimensions: CatalogDimension[]
  /** Saved queries of the manifest (absent in catalogs built before they were listed). */
  saved_queries?: CatalogSavedQuery[]
}

// ---------------------------------------------------------------- errors

export type SemanticErrorCode =
  | 'unknown_metric' | 'unknown_dimension' | 'unknown_measure' | 'invalid_query'
  | 'fan_out_join' | 'invalid_filter' | 'invalid_model' | 'unsupported' | 'access_denied'

export class SemanticError extends Error {
  constructor(
    readonly code: SemanticErrorCode,
    message: string,
    readonly details: Array<{ path?: string; issue: string; suggestions?: string[] }> = [],
  ) {
    super(message)
    this.name = 'SemanticError'
  }
}
