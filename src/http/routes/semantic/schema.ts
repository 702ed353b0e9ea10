import { z } from '@hono/zod-openapi'
import { TIME_GRAINS, DATE_PARTS } from '../../../../semantic/types'
import { CacheStatusSchema } from '../query/schema'
import { AdhocMetric, planQueryFields } from './query-parts'

const name = z.string().trim().min(1).max(200).regex(/^[a-z][a-z0-9_]*$/, 'lower snake_case: letters, digits, underscores')
const plannerFields = {
  label: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  synonyms: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
}
export const ValueFormatSchema = z.union([
  z.object({ type: z.literal('number'), decimals: z.number().int().min(0).max(10).optional() }).strict(),
  z.object({ type: z.literal('currency'), currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as USD'), decimals: z.number().int().min(0).max(10).optional() }).strict(),
  z.object({ type: z.literal('percent'), decimals: z.number().int().min(0).max(10).optional() }).strict(),
]).openapi('ValueFormat')

const connectionId = z.string().min(1).max(64).optional().openapi({ description: "Defaults to the tenant's default connection" })
const filter = z.union([z.string().max(4000), z.array(z.string().max(4000)).max(20)]).optional()
const inputRef = z.union([z.string(), z.object({ name: z.string(), filter, alias: z.string().optional(), offset_window: z.string().optional(), offset_to_grain: z.enum(TIME_GRAINS).optional(), join_to_timespine: z.boolean().optional(), fill_nulls_with: z.number().optional() }).strict()])

const measureRef = z.union([z.string().min(1).max(300), z.object({
  name: z.string().min(1).max(300), filter, alias: z.string().optional(), join_to_timespine: z.boolean().optional(), fill_nulls_with: z.number().optional(),
}).strict()])
const ConversionParamsSchema = z.object({
  base_measure: measureRef,
  conversion_measure: measureRef,
  entity: z.string().min(1).max(300),
  calculation: z.enum(['conversions', 'conversion_rate']).optional(),
  window: z.string().max(100).optional(),
  constant_properties: z.array(z.object({ base_property: z.string().min(1).max(300), conversion_property: z.string().min(1).max(300) }).strict()).max(50).optional(),
}).strict()

export const MetricBodySchema = z.object({
  connection_id: connectionId,
  name,
  ...plannerFields,
  format: ValueFormatSchema.optional(),
  type: z.enum(['simple', 'ratio', 'derived', 'cumulative', 'conversion']),
  filter,
  time_granularity: z.enum(TIME_GRAINS).optional(),
  type_params: z.object({
    measure: inputRef.optional(),
    numerator: inputRef.optional(),
    denominator: inputRef.optional(),
    expr: z.string().max(4000).optional(),
    metrics: z.array(z.object({ name: z.string(), filter, alias: z.string().optional(), offset_window: z.string().optional(), offset_to_grain: z.enum(TIME_GRAINS).optional() }).strict()).optional(),
    window: z.string().optional(),
    grain_to_date: z.enum(TIME_GRAINS).optional(),
    cumulative_type_params: z.object({ window: z.string().optional(), grain_to_date: z.enum(TIME_GRAINS).optional(), period_agg: z.enum(['first', 'last', 'average']).optional() }).strict().optional(),
    conversion_type_params: ConversionParamsSchema.optional(),
    join_to_timespine: z.boolean().optional(),
    fill_nulls_with: z.number().optional(),
  }).strict(),
}).strict().openapi('MetricInput')
export const MetricPatchSchema = MetricBodySchema.omit({ connection_id: true }).partial().strict().openapi('MetricPatch')

export const MetricSchema = z.object({
  id: z.string().openapi({ example: 'met_9sK2mQ9xLp3RtV7wYz1A' }),
  connection_id: z.string(),
  name: z.string().openapi({ example: 'total_sales' }),
  label: z.string().nullable(),
  description: z.string().nullable(),
  synonyms: z.array(z.string()),
  format: z.any().nullable(),
  type: z.string(),
  type_params: z.any(),
  filter: z.any().nullable(),
  time_granularity: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Metric')

export const DimensionBodySchema = z.object({
  connection_id: connectionId,
  semantic_model: z.string().min(1).max(200).openapi({ description: 'Name or id of the semantic model the dimension belongs to', example: 'stores' }),
  name,
  ...plannerFields,
  type: z.enum(['categorical', 'time']),
  expr: z.string().max(4000).optional(),
  is_partition: z.boolean().optional(),
  type_params: z.object({ time_granularity: z.enum(TIME_GRAINS).optional(), validity_params: z.object({ is_start: z.boolean().optional(), is_end: z.boolean().optional() }).strict().optional() }).strict().optional(),
  sample_values: z.array(z.union([z.string(), z.number(), z.boolean()])).max(1000).optional(),
  format: ValueFormatSchema.optional().openapi({ description: "How the dimension's values are printed in answers (dbt meta.format)" }),
}).strict().openapi('DimensionInput')
export const DimensionPatchSchema = DimensionBodySchema.omit({ connection_id: true, semantic_model: true }).partial().strict().openapi('DimensionPatch')

export const DimensionSchema = z.object({
  id: z.string().openapi({ example: 'dim_4kT9x0aQ1bZ7yW2eR4uI' }),
  connection_id: z.string(),
  model_id: z.string(),
  semantic_model: z.string(),
  name: z.string().openapi({ example: 'region' }),
  query_name: z.string().nullable().openapi({ description: 'Name to use in queries, e.g. store__region', example: 'store__region' }),
  label: z.string().nullable(),
  description: z.string().nullable(),
  synonyms: z.array(z.string()),
  format: z.any().nullable(),
  type: z.string(),
  expr: z.string().nullable(),
  is_partition: z.boolean(),
  type_params: z.any().nullable(),
  sample_values: z.array(z.any()).nullable(),
  sample_values_refreshed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Dimension')

const EntitySchema = z.object({ name, type: z.enum(['primary', 'unique', 'foreign', 'natural']), expr: z.string().max(4000).optional(), role: z.string().optional(), ...plannerFields }).strict()
const MeasureSchema = z.object({
  name, ...plannerFields,
  agg: z.enum(['sum', 'count', 'count_distinct', 'average', 'min', 'max', 'sum_boolean', 'median', 'percentile']),
  expr: z.string().max(4000).optional(),
  create_metric: z.boolean().optional(),
  agg_time_dimension: z.string().optional(),
  agg_params: z.object({ percentile: z.number().min(0).max(1).optional(), use_discrete_percentile: z.boolean().optional(), use_approximate_percentile: z.boolean().optional() }).strict().optional(),
  non_additive_dimension: z.object({ name: z.string(), window_choice: z.enum(['min', 'max']).optional(), window_groupings: z.array(z.string()).optional() }).strict().optional(),
  format: ValueFormatSchema.optional().openapi({ description: 'Display format; a simple metric over the measure without its own format uses it' }),
}).strict()
const ModelDimensionSchema = DimensionBodySchema.omit({ connection_id: true, semantic_model: true })

export const ModelBodySchema = z.object({
  connection_id: connectionId,
  name,
  ...plannerFields,
  node_relation: z.object({
    alias: z.string().min(1).max(255).openapi({ example: 'orders' }),
    schema_name: z.string().min(1).max(255).optional().openapi({ example: 'analytics' }),
    database: z.string().min(1).max(255).optional(),
  }).strict(),
  defaults: z.object({ agg_time_dimension: z.string().optional() }).strict().optional(),
  primary_entity: z.string().optional(),
  entities: z.array(EntitySchema).max(100).default([]),
  dimensions: z.array(ModelDimensionSchema).max(500).default([]),
  measures: z.array(MeasureSchema).max(500).default([]),
}).strict().openapi('SemanticModelInput')
// Without the create body's `default([])`s: a PATCH that does not send a list
// must keep it, not replace it with an empty one.
export const ModelPatchSchema = ModelBodySchema.omit({ connection_id: true }).extend({
  entities: z.array(EntitySchema).max(100),
  dimensions: z.array(ModelDimensionSchema).max(500),
  measures: z.array(MeasureSchema).max(500),
}).partial().strict().openapi('SemanticModelPatch')

export const ModelSchema = z.object({
  id: z.string().openapi({ example: 'sm_2kT9x0aQ1bZ7yW2eR4uI' }),
  connection_id: z.string(),
  name: z.string(),
  label: z.string().nullable(),
  description: z.string().nullable(),
  synonyms: z.array(z.string()),
  node_relation: z.any(),
  defaults: z.any().nullable(),
  primary_entity: z.string().nullable(),
  entities: z.array(z.any()),
  measures: z.array(z.any()),
  dimensions: z.array(z.any()),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('SemanticModel')

export const ListQuery = z.object({
  connection_id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
})
export const pageOf = <T extends z.ZodTypeAny>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable() })

export const ImportBodySchema = z.object({
  connection_id: connectionId,
  format: z.enum(['metricflow', 'dbt_semantic_manifest']).default('metricflow').openapi({
    description: '`metricflow`: the YAML files of a dbt project. `dbt_semantic_manifest`: dbt\'s compiled target/semantic_manifest.json ' +
      '(relations already resolved by dbt), as the one file in `files` or parsed in `manifest`.',
  }),
  files: z.array(z.object({ path: z.string().min(1).max(1000), content: z.string().max(2_000_000) }).strict()).min(1).max(2000).optional()
    .openapi({ description: 'Required unless `manifest` is given' }),
  manifest: z.record(z.string(), z.unknown()).optional()
    .openapi({ description: 'With format dbt_semantic_manifest: the parsed contents of target/semantic_manifest.json, instead of `files`' }),
  mode: z.enum(['merge', 'replace']).default('merge'),
  source_schema: z.string().max(255).optional().openapi({ description: 'Replaces $source_schema (defaults to the connection schema)' }),
  relation_map: z.record(z.string(), z.string()).optional().openapi({ description: "dbt ref('x') -> table" }),
  refresh_sample_values: z.boolean().default(true),
  check_relations: z.boolean().default(true).openapi({ description: 'Check every relation and column against the live schema (a missing one is a 422 problem)' }),
}).strict().openapi('SemanticImport')

const ImportNote = z.object({ file: z.string().optional(), path: z.string(), line: z.number().optional(), message: z.string() })
const AnnotationList = z.array(z.object({ object: z.string(), fields: z.array(z.string()) }))

export const ImportResultSchema = z.object({
  connection_id: z.string(), mode: z.string(), models: z.number(), metrics: z.number(), dimensions: z.number(),
  saved_queries: z.number(), time_spines: z.number(),
  sample_values: z.object({ refreshed: z.number(), failed: z.array(z.object({ dimension: z.string(), reason: z.string() })) }).optional(),
  warnings: z.array(ImportNote).openapi({ description: 'Non-fatal findings: sample-value refresh failures, mistyped columns, an unreachable database' }),
  kept_annotations: AnnotationList.optional().openapi({ description: 'merge: labels, synonyms, descriptions, formats and sample-value settings kept because the YAML does not set them' }),
  discarded_annotations: AnnotationList.optional().openapi({ description: 'replace: annotations the new YAML does not carry' }),
}).openapi('SemanticImportResult')

export const SemanticQueryBodySchema = z.object({
  connection_id: connectionId,
  metrics: z.array(z.union([z.string().min(1).max(300), AdhocMetric])).max(50).default([]).openapi({
    description: 'Metric names, or ad-hoc offset metrics {name, alias, offset_window | offset_to_grain} (MetricFlow offsets without editing the layer)',
    example: ['total_sales', { name: 'total_sales', alias: 'total_sales_prev_month', offset_window: '1 month' }],
  }),
  where: z.union([z.string().max(10_000), z.array(z.string().max(10_000)).max(50)]).optional()
    .openapi({ description: "MetricFlow where filters, e.g. {{ Dimension('store__region') }} = 'West'" }),
  saved_query: z.string().min(1).max(300).optional().openapi({
    description: "Runs this saved query's metrics, group_by, where, order_by and limit; fields given here override them (where filters are added to the saved ones)",
    example: 'weekly_revenue_report',
  }),
  min_max_only: z.boolean().optional().openapi({ description: 'Queries without metrics: MIN and MAX of each group-by item (`<name>__min`, `<name>__max`) instead of its values' }),
  apply_group_by: z.boolean().optional().openapi({ description: 'Queries without metrics: false returns every row instead of distinct values (default true)' }),
  ...planQueryFields,
  max_rows: z.number().int().min(1).max(10_000_000).optional(),
}).strict().openapi('SemanticQuery')

export const SemanticQueryResultSchema = z.object({
  id: z.string(),
  columns: z.array(z.any()),
  data: z.array(z.record(z.string(), z.any())),
  sql: z.string(),
  params: z.array(z.any()).openapi({ description: 'Bind parameters of `sql`, in placeholder order', example: ['2025-01-01 00:00:00'] }),
  sql_inline: z.string().openapi({ description: '`sql` with the parameters written in as literals of the dialect (display only; what runs is `sql` with `params`)' }),
  row_count: z.number().int(),
  truncated: z.boolean(),
  execution_time_ms: z.number().int(),
  cache: CacheStatusSchema,
  status: z.enum(['succeeded', 'failed']).openapi({ description: 'Last field of the streamed document: `failed` when the database failed after rows were sent (then `error` holds the error envelope body)' }),
  error: z.any().optional(),
}).openapi('SemanticQueryResult')

export const ValidateBodySchema = z.object({ connection_id: connectionId }).strict()
export const ValidationReportSchema = z.object({
  connection_id: z.string(),
  valid: z.boolean(),
  problems: z.array(z.object({ object: z.string(), path: z.string(), issue: z.string(), message: z.string(), severity: z.enum(['error', 'warning']) })),
  checked: z.object({ models: z.number(), metrics: z.number(), dimensions: z.number(), probes: z.number() }),
}).openapi('SemanticValidation')

export const SavedQuerySchema = z.object({
  connection_id: z.string(),
  name: z.string().openapi({ example: 'weekly_revenue_report' }),
  label: z.string().nullable(),
  description: z.string().nullable(),
  synonyms: z.array(z.string()),
  query_params: z.object({
    metrics: z.array(z.string()),
    group_by: z.array(z.string()),
    where: z.array(z.string()),
    order_by: z.array(z.string()),
    limit: z.number().int().nullable(),
  }),
}).openapi('SavedQuery')
