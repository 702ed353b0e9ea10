// Maps a conformance case to our SemanticQuery, and derives the output
// column order the query promises (metrics first as requested, then the
// group-bys in order) so the runner can check it.
import { DATE_PARTS, type DatePart, type GroupByItem, type SemanticManifest, type SemanticQuery } from '../../semantic/types'
import type { ConformanceCase } from './cases'

export class CaseMappingError extends Error {
  override name = 'CaseMappingError'
}

const isDatePart = (s: string): s is DatePart => (DATE_PARTS as readonly string[]).includes(s)

export interface MappedQuery {
  query: SemanticQuery
  /** Output column expectations, in order; empty when the order cannot be derived. */
  columns: ColumnExpectation[]
}

/**
 * `exact` names one column; `prefix` accepts `prefix` itself or `prefix__<grain>`.
 * `suffix` (min_max_only: `__min`/`__max`) follows either.
 */
export type ColumnExpectation = ({ exact: string } | { prefix: string }) & { suffix?: string }

function groupByItem(o: { name: string; grain?: string; date_part?: string }, where: string): GroupByItem {
  if (o.date_part !== undefined && !isDatePart(o.date_part)) throw new CaseMappingError(`${where}: unknown date_part '${o.date_part}'`)
  if (o.grain === undefined && o.date_part === undefined) return o.name
  // `grain` may be a standard TimeGrain or a custom granularity of the spine (e.g. alien_day).
  const item: { name: string; grain?: string; date_part?: DatePart } = { name: o.name }
  if (o.grain !== undefined) item.grain = o.grain
  if (o.date_part !== undefined) item.date_part = o.date_part as DatePart
  return item
}

/**
 * The column a group-by item yields. Saved queries keep MetricFlow's object
 * syntax (`TimeDimension('metric_time', 'day')`), read here too. Null when the
 * form is not understood: then the order is not checked.
 */
function expectationFor(item: GroupByItem): ColumnExpectation | null {
  if (typeof item === 'string') {
    if (/^[a-z0-9_]+$/i.test(item)) return { prefix: item }
    const dim = /^(?:Dimension|Entity)\(\s*'([a-z0-9_]+)'\s*\)$/i.exec(item)
    if (dim) return { prefix: dim[1] }
    const td = /^TimeDimension\(\s*'([a-z0-9_]+)'\s*(?:,\s*'([a-z0-9_]+)'\s*)?\)$/i.exec(item)
    if (td) return td[2] ? { exact: `${td[1]}__${td[2]}` } : { prefix: td[1] }
    return null
  }
  if (item.date_part) return { exact: `${item.name}__extract_${item.date_part}` }
  if (item.grain) return { exact: `${item.name}__${item.grain}` }
  return { prefix: item.name }
}

/**
 * Whether an output column is the one expected. Like MetricFlow, the output
 * name may spell out the entity path the compiler resolved: `user__x` can come
 * back as `listing__user__x`, so leading `entity__` segments are allowed.
 */
export function columnMatches(col: string, e: ColumnExpectation): boolean {
  let c = col.toLowerCase()
  if (e.suffix) {
    if (!c.endsWith(e.suffix.toLowerCase())) return false
    c = c.slice(0, c.length - e.suffix.length)
  }
  const base = (s: string) => {
    if ('exact' in e) return s === e.exact.toLowerCase()
    const p = e.prefix.toLowerCase()
    return s === p || (s.startsWith(`${p}__`) && /^[a-z0-9_]+$/.test(s.slice(p.length + 2)))
  }
  for (let i = 0; i >= 0; i = c.indexOf('__', i + 1)) {
    const tail = i === 0 ? c : c.slice(i + 2)
    if (base(tail)) return true
  }
  return false
}

/** Null when the order is right; otherwise why not. */
export function checkColumnOrder(actual: string[], expected: ColumnExpectation[]): string | null {
  if (expected.length === 0) return null
  const show = (e: ColumnExpectation) => `${'exact' in e ? e.exact : `${e.prefix}[__grain]`}${e.suffix ?? ''}`
  const ok = actual.length === expected.length && actual.every((c, i) => columnMatches(c, expected[i]))
  return ok ? null : `output columns are not in query order: expected [${expected.map(show).join(', ')}], got [${actual.join(', ')}]`
}

/**
 * The SemanticQuery for a case. `renderedWhere` is the case's where_filter
 * after template rendering. A saved query is passed by name (the compiler
 * expands it); `manifest` is only read to know its output columns.
 */
export function mapCase(c: ConformanceCase, manifest: SemanticManifest | undefined, renderedWhere?: string): MappedQuery {
  const query: SemanticQuery = { metrics: [...c.metrics] }
  const groupBy: GroupByItem[] = [...c.group_bys, ...c.group_by_objs.map((o, i) => groupByItem(o, `group_by_objs[${i}]`))]
  if (groupBy.length) query.group_by = groupBy
  if (renderedWhere) query.where = [renderedWhere]
  if (c.time_constraint) query.time_constraint = { start: c.time_constraint[0], end: c.time_constraint[1] }
  if (c.order_bys.length) query.order_by = [...c.order_bys]
  if (c.limit !== undefined) query.limit = c.limit
  if (c.min_max_only) query.min_max_only = true
  if (!c.apply_group_by) query.apply_group_by = false

  let metrics = c.metrics
  let outputGroupBy = groupBy
  if (c.saved_query_name) {
    const sq = manifest?.saved_queries.find((s) => s.name === c.saved_query_name)
    if (!sq) throw new CaseMappingError(`saved query '${c.saved_query_name}' is not in the imported manifest`)
    query.saved_query = c.saved_query_name
    if (!metrics.length) metrics = sq.query_params.metrics
    if (!groupBy.length) outputGroupBy = sq.query_params.group_by ?? []
  }

  const groupCols = outputGroupBy.map(expectationFor)
  let columns: ColumnExpectation[] = []
  if (groupCols.every((e) => e !== null)) {
    const items = groupCols as ColumnExpectation[]
    columns = c.min_max_only
      ? items.flatMap((e) => [{ ...e, suffix: '__min' }, { ...e, suffix: '__max' }])
      : [...metrics.map((m) => ({ exact: m })), ...items]
  }
  return { query, columns }
}
