// Renders a case's `check_query` and `where_filter` templates with the helper
// functions upstream MetricFlow's CheckQueryHelpers provides, each expressed
// through our Dialect hooks so the check query is correct SQL for the engine.
import type { Dialect } from '../../semantic/dialects/dialect'
import { DATE_PARTS, TIME_GRAINS, type DatePart, type TimeGrain } from '../../semantic/types'
import {
  TemplateError, asBoolean, asEnum, asNumber, asOptionalString, asString, asStringList,
  defineEnum, defineFunction, renderTemplate, type TemplateContext,
} from './template'

/** The Dialect hooks the renderer needs (a subset, so tests can pass a small fake). */
export type RenderDialect = Pick<Dialect,
  'dateTrunc' | 'extract' | 'dateAdd' | 'castToTimestamp' | 'percentile' | 'doubleTypeName' | 'randomUuid' | 'literal'>

export interface RenderEnv {
  dialect: RenderDialect
  /** Schema (database on MariaDB/ClickHouse) the fixtures were loaded into, as it should appear in SQL. */
  sourceSchema: string
  /**
   * Render approximate percentiles as the exact ones (the reference engine:
   * PostgreSQL has no approximate percentile, and on the suite's small tables
   * an approximate percentile such as ClickHouse's `quantile` is exact).
   */
  exactPercentiles?: boolean
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/**
 * The exclusive upper bound for an inclusive `stop`: a date (10 characters)
 * covers that whole day, a timestamp that whole second. Computed in UTC so the
 * machine's time zone cannot shift it.
 */
export function exclusiveStop(stop: string): string {
  let m = DATE_RE.exec(stop)
  if (m) {
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + 1))
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  }
  m = TS_RE.exec(stop)
  if (m) {
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6] + 1))
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  }
  throw new TemplateError(`time constraint bound '${stop}' is neither YYYY-MM-DD nor YYYY-MM-DD HH:MM:SS`)
}

function validBound(v: string): string {
  if (!DATE_RE.test(v) && !TS_RE.test(v)) throw new TemplateError(`time constraint bound '${v}' is neither YYYY-MM-DD nor YYYY-MM-DD HH:MM:SS`)
  return v.replace('T', ' ')
}

/** Python's repr() of a list of strings, as upstream writes `entity_path=[...]`. */
function pyList(items: string[]): string {
  return `[${items.map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`
}

function pyStr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** The functions and values both templates get (upstream's check-query context). */
export function sqlHelpers(env: RenderEnv): TemplateContext {
  const d = env.dialect
  // A bare date is written as midnight: some engines (ClickHouse 18.16's
  // toDateTime) cannot parse a date-only string as a timestamp. Same instant.
  const castToTs = (literal: string) => d.castToTimestamp(d.literal(DATE_RE.test(literal) ? `${literal} 00:00:00` : literal))
  const grain = (v: Parameters<typeof asEnum>[0], what: string) => asEnum(v, 'TimeGranularity', what) as TimeGrain
  return {
    source_schema: env.sourceSchema,
    mf_time_spine_source: `${env.sourceSchema}.mf_time_spine`,
    TimeGranularity: defineEnum('TimeGranularity', TIME_GRAINS),
    DatePart: defineEnum('DatePart', DATE_PARTS),
    double_data_type_name: d.doubleTypeName(),
    render_time_constraint: defineFunction(
      'render_time_constraint',
      [{ name: 'expr' }, { name: 'start_time', default: null }, { name: 'stop_time', default: null }],
      (a) => {
        const expr = asString(a.expr, 'render_time_constraint expr')
        const start = asOptionalString(a.start_time, 'start_time')
        const stop = asOptionalString(a.stop_time, 'stop_time')
        if (!start && !stop) throw new TemplateError('render_time_constraint() needs start_time or stop_time')
        const parts: string[] = []
        if (start) parts.push(`${d.castToTimestamp(expr)} >= ${castToTs(validBound(start))}`)
        if (stop) parts.push(`${d.castToTimestamp(expr)} < ${castToTs(exclusiveStop(validBound(stop)))}`)
        return parts.join(' AND ')
      },
    ),
    cast_to_ts: defineFunction('cast_to_ts', [{ name: 'string_literal' }], (a) => castToTs(asString(a.string_literal, 'cast_to_ts argument'))),
    render_date_trunc: defineFunction('render_date_trunc', [{ name: 'expr' }, { name: 'granularity' }], (a) =>
      d.dateTrunc(grain(a.granularity, 'render_date_trunc granularity'), d.castToTimestamp(asString(a.expr, 'render_date_trunc expr')))),
    render_extract: defineFunction('render_extract', [{ name: 'expr' }, { name: 'date_part' }], (a) =>
      d.extract(asEnum(a.date_part, 'DatePart', 'render_extract date_part') as DatePart, d.castToTimestamp(asString(a.expr, 'render_extract expr')))),
    render_date_sub: defineFunction(
      'render_date_sub',
      [{ name: 'table_alias' }, { name: 'column_alias' }, { name: 'count' }, { name: 'granularity' }],
      (a) => {
        const ref = `${asString(a.table_alias, 'table_alias')}.${asString(a.column_alias, 'column_alias')}`
        return d.dateAdd(ref, -asNumber(a.count, 'count'), grain(a.granularity, 'render_date_sub granularity'))
      },
    ),
    render_date_add: defineFunction(
      'render_date_add',
      [{ name: 'date_column' }, { name: 'count_column' }, { name: 'granularity' }],
      (a) => {
        // The count is an SQL expression here (e.g. "(cte.row_number - 1)"), not a number.
        const count = typeof a.count_column === 'number' ? a.count_column : asString(a.count_column, 'count_column')
        return d.dateAdd(asString(a.date_column, 'date_column'), count, grain(a.granularity, 'render_date_add granularity'))
      },
    ),
    render_percentile_expr: defineFunction(
      'render_percentile_expr',
      [{ name: 'expr' }, { name: 'percentile' }, { name: 'use_discrete_percentile' }, { name: 'use_approximate_percentile' }],
      (a) => d.percentile(
        asString(a.expr, 'expr'),
        asNumber(a.percentile, 'percentile'),
        asBoolean(a.use_discrete_percentile, 'use_discrete_percentile'),
        asBoolean(a.use_approximate_percentile, 'use_approximate_percentile') && !env.exactPercentiles,
      ),
    ),
    generate_random_uuid: defineFunction('generate_random_uuid', [], () => d.randomUuid()),
  }
}

/**
 * The where-filter context adds the `render_*_template` functions, which emit
 * MetricFlow filter templates (`{{ Dimension('x') }}`) for our compiler's
 * where-filter parser to read, exactly as a user would write them.
 */
export function whereFilterHelpers(env: RenderEnv): TemplateContext {
  const entityPathArg = (v: Parameters<typeof asStringList>[0]) => {
    const p = asStringList(v, 'entity_path')
    return p.length > 0 ? `, entity_path=${pyList(p)}` : ''
  }
  return {
    ...sqlHelpers(env),
    render_dimension_template: defineFunction(
      'render_dimension_template',
      [{ name: 'dimension_name' }, { name: 'entity_path', default: [] }],
      (a) => `{{ Dimension(${pyStr(asString(a.dimension_name, 'dimension_name'))}${entityPathArg(a.entity_path)}) }}`,
    ),
    render_entity_template: defineFunction(
      'render_entity_template',
      [{ name: 'entity_name' }, { name: 'entity_path', default: [] }],
      (a) => `{{ Entity(${pyStr(asString(a.entity_name, 'entity_name'))}${entityPathArg(a.entity_path)}) }}`,
    ),
    render_metric_template: defineFunction(
      'render_metric_template',
      [{ name: 'metric_name' }, { name: 'group_by', default: [] }],
      (a) => `{{ Metric(${pyStr(asString(a.metric_name, 'metric_name'))}, group_by=${pyList(asStringList(a.group_by, 'group_by'))}) }}`,
    ),
    render_time_dimension_template: defineFunction(
      'render_time_dimension_template',
      [{ name: 'time_dimension_name' }, { name: 'time_granularity', default: null }, { name: 'entity_path', default: [] }],
      (a) => {
        const g = asOptionalString(a.time_granularity, 'time_granularity')
        return `{{ TimeDimension(${pyStr(asString(a.time_dimension_name, 'time_dimension_name'))}${g ? `, ${pyStr(g)}` : ''}${entityPathArg(a.entity_path)}) }}`
      },
    ),
  }
}

export function renderCheckQuery(template: string, env: RenderEnv): string {
  return renderTemplate(template, sqlHelpers(env))
}

export function renderWhereFilter(template: string, env: RenderEnv): string {
  return renderTemplate(template, whereFilterHelpers(env)).trim()
}
