// Where filters: resolving the references of MetricFlow templates (and of the
// planner's structured filters) against a source model, and rendering them
// with the SQL expressions of the columns a row source provides.
import { SemanticError, type StructuredFilter } from '../types'
import { METRIC_TIME, formatQueryName, type ParsedName } from '../names'
import { parseWhereFilter, type FilterRef, type ParsedFilter } from '../where-filter'
import type { CompileContext } from './context'
import { resolveParsed, type QueryItem, type ResolveContext } from './items'
import type { FilterSpec } from './request-parts'
import { parseIsoInstant } from '../iso-time'

export type { FilterOrigin, FilterSpec } from './request-parts'

export interface MetricRefResolution {
  metric: string
  groupBy: QueryItem[]
  /** Column holding the metric value once joined: `listing__bookings`. */
  column: string
}

export type RefResolution = { item: QueryItem } | { metric: MetricRefResolution }

export interface ResolvedFilter {
  spec: FilterSpec
  refs: Map<FilterRef, RefResolution>
}

export function querySpec(text: string): FilterSpec {
  return { filter: parseWhereFilter(text), origin: 'query' }
}

function refToParsed(ctx: CompileContext, ref: FilterRef): ParsedName {
  const parsed = ctx.graph.parseName(ref.name)
  parsed.entityPath = [...ref.entityPath, ...parsed.entityPath]
  if (ref.grain) parsed.grain = ref.grain
  if (ref.datePart) {
    parsed.datePart = ref.datePart
    parsed.grain = undefined
  }
  return parsed
}

/** Resolves every reference of a filter for the given sources. */
export function resolveFilter(ctx: CompileContext, spec: FilterSpec, rc: ResolveContext, metricRc: (metric: string) => ResolveContext): ResolvedFilter {
  const refs = new Map<FilterRef, RefResolution>()
  for (const ref of spec.filter.refs) {
    if (ref.kind === 'metric') {
      ctx.graph.metric(ref.name) // throws unknown_metric with suggestions
      const groupBy = (ref.groupBy ?? []).map((g) => resolveParsed(ctx, ctx.graph.parseName(g), metricRc(ref.name), `filter ${spec.filter.source}`))
      if (groupBy.length !== 1 || groupBy[0].kind !== 'entity') {
        throw new SemanticError('invalid_filter', `Metric('${ref.name}', ...) in a filter needs exactly one entity in group_by`, [{ issue: 'metric_filter_group_by' }])
      }
      refs.set(ref, { metric: { metric: ref.name, groupBy, column: `${groupBy.map((g) => g.name).join('__')}__${ref.name}` } })
      continue
    }
    const parsed = refToParsed(ctx, ref)
    if (ref.kind === 'entity' && (parsed.grain || parsed.datePart)) {
      throw new SemanticError('invalid_filter', `Entity('${ref.name}') cannot take a grain`, [{ issue: 'entity_grain' }])
    }
    const item = resolveParsed(ctx, parsed, rc, `filter ${spec.filter.source}`)
    if (ref.kind === 'entity' && item.kind !== 'entity') {
      throw new SemanticError('invalid_filter', `"${ref.name}" in Entity(...) is not an entity`, [{ issue: 'not_entity' }])
    }
    refs.set(ref, { item })
  }
  return { spec, refs }
}

/** Items a resolved filter needs as columns. */
export function filterItems(f: ResolvedFilter): QueryItem[] {
  const out: QueryItem[] = []
  for (const r of f.refs.values()) if ('item' in r) out.push(r.item)
  return out
}

export function filterMetricRefs(f: ResolvedFilter): MetricRefResolution[] {
  const out: MetricRefResolution[] = []
  for (const r of f.refs.values()) if ('metric' in r) out.push(r.metric)
  return out
}

/** Renders a filter; `columnExpr` maps a column name (item or metric column) to SQL. */
export function renderResolved(ctx: CompileContext, f: ResolvedFilter, columnExpr: (name: string) => string | undefined): string {
  const parts = f.spec.filter.parts.map((p) => {
    if (typeof p === 'string') return p
    const r = f.refs.get(p)!
    const name = 'item' in r ? r.item.name : r.metric.column
    const expr = columnExpr(name)
    if (expr === undefined) throw new SemanticError('invalid_query', `internal error: column ${name} is not available for filter "${f.spec.filter.source}"`)
    return p.standalone && !ctx.dialect.capabilities.booleanPredicates ? ctx.dialect.booleanPredicate(expr) : expr
  })
  return `(${parts.join('').trim()})`
}

/** True when every reference of the filter is one of `names`. */
export function filterOnlyUses(f: ResolvedFilter, names: Set<string>): boolean {
  for (const r of f.refs.values()) {
    if (!('item' in r) || !names.has(r.item.name)) return false
  }
  return true
}

/** True when the filter only references metric_time-like items (applied after time spine joins). */
export function filterIsTimeOnly(f: ResolvedFilter, isTime: (item: QueryItem) => boolean): boolean {
  if (f.refs.size === 0) return false
  for (const r of f.refs.values()) if (!('item' in r) || !isTime(r.item)) return false
  return true
}

// ---------------------------------------------------------------- structured filters

type Scalar = string | number | boolean | null

function scalar(v: unknown, field: string): Scalar {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v as Scalar
  throw new SemanticError('invalid_filter', `filter on "${field}" has an invalid value`, [{ path: field, issue: 'invalid_value' }])
}

/**
 * Turns a planner filter into a parsed where-filter whose values are parameter
 * markers (never SQL text). `isTime` tells whether the field is a time column,
 * whose values are cast to timestamps.
 */
export function structuredToFilter(ctx: CompileContext, f: StructuredFilter, isTime: boolean, asMetric: boolean): ParsedFilter {
  const field = f.field
  if (typeof field !== 'string' || field.trim() === '') throw new SemanticError('invalid_filter', 'filter field must be a non-empty string', [{ issue: 'empty_field' }])
  const ref: FilterRef = asMetric
    ? { kind: 'metric', name: field, entityPath: [], groupBy: [], standalone: false }
    : { kind: field === METRIC_TIME || ctx.graph.parseName(field).grain ? 'time_dimension' : 'dimension', name: field, entityPath: [], standalone: false }
  const v = (x: unknown) => {
    const s = scalar(x, field)
    if (isTime && typeof s === 'string' && f.op !== 'like') {
      // Checked here, with our own message, rather than by the database with its own text.
      const r = parseIsoInstant(s)
      if (!r.ok) throw new SemanticError('invalid_filter', `filter on "${field}": "${s.length > 40 ? `${s.slice(0, 40)}…` : s}" ${r.issue}`, [{ path: field, issue: 'invalid_date' }])
    }
    const m = ctx.param(s)
    return isTime && typeof s === 'string' ? ctx.dialect.castToTimestamp(m) : m
  }
  const list = (): unknown[] => {
    if (!Array.isArray(f.value)) throw new SemanticError('invalid_filter', `"${f.op}" on "${field}" needs a list of values`, [{ path: field, issue: 'expected_list' }])
    return f.value
  }
  let tail: string
  switch (f.op) {
    case '=': case '!=': case '>': case '>=': case '<': case '<=': {
      if (f.value === null || f.value === undefined) {
        if (f.op === '=' || f.op === '!=') { tail = f.op === '=' ? ' IS NULL' : ' IS NOT NULL'; break }
        throw new SemanticError('invalid_filter', `"${f.op}" on "${field}" needs a value`, [{ path: field, issue: 'missing_value' }])
      }
      if (Array.isArray(f.value)) throw new SemanticError('invalid_filter', `"${f.op}" on "${field}" takes one value`, [{ path: field, issue: 'unexpected_list' }])
      tail = ` ${f.op === '!=' ? '<>' : f.op} ${v(f.value)}`
      break
    }
    case 'in': case 'not_in': {
      const values = list()
      if (values.length === 0) return { source: `${field} ${f.op} ()`, parts: [f.op === 'in' ? '1 = 0' : '1 = 1'], refs: [] }
      tail = ` ${f.op === 'in' ? 'IN' : 'NOT IN'} (${values.map(v).join(', ')})`
      break
    }
    case 'between': {
      const values = list()
      if (values.length !== 2) throw new SemanticError('invalid_filter', `"between" on "${field}" needs two values`, [{ path: field, issue: 'expected_two_values' }])
      tail = ` BETWEEN ${v(values[0])} AND ${v(values[1])}`
      break
    }
    case 'like':
      if (typeof f.value !== 'string') throw new SemanticError('invalid_filter', `"like" on "${field}" needs a text pattern`, [{ path: field, issue: 'expected_string' }])
      tail = ` LIKE ${v(f.value)}`
      break
    case 'is_null': tail = ' IS NULL'; break
    case 'is_not_null': tail = ' IS NOT NULL'; break
    default:
      throw new SemanticError('invalid_filter', `unknown filter operator "${String(f.op)}"`, [{ path: field, issue: 'unknown_operator' }])
  }
  return { source: `${formatQueryName(ctx.graph.parseName(field))}${tail.replace(/\u0001P\d+\u0001/g, '?')}`, parts: [ref, tail], refs: [ref] }
}
