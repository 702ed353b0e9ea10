// Group-by and filter items: parsing query names, resolving them against the
// semantic models a query reads, naming output columns the MetricFlow way.
import { SemanticError, type GroupByItem, type SemanticModel, type TimeGrain } from '../types'
import type { LinkableElement } from '../graph'
import {
  METRIC_TIME, coarserGrain, datePartGrain, formatQueryName, grainRank, isDatePart, isTimeGrain, type ParsedName,
} from '../names'
import { suggest } from '../suggest'
import type { CompileContext } from './context'
import type { QueryItem } from './request-parts'

export type { ItemKind, QueryItem } from './request-parts'

/** An item bound to one source model (the model of a measure, or of a dimension-only query). */
export interface BoundItem {
  item: QueryItem
  /** Undefined for metric_time. */
  element?: LinkableElement
  /** metric_time, or the measure's own agg time dimension reached locally: both follow the time spine. */
  aggTime: boolean
}

export function isStandardGrain(g: string | undefined): g is TimeGrain {
  return g !== undefined && isTimeGrain(g)
}

/** The standard grain an item's value is at (custom grains sit on their spine's grain). */
export function itemBaseGrain(ctx: CompileContext, item: QueryItem): TimeGrain | undefined {
  if (item.datePart) return undefined
  if (isStandardGrain(item.grain)) return item.grain
  const custom = item.grain ? ctx.graph.customGrains.get(item.grain) : undefined
  return custom ? custom.spine.primary_column.time_granularity : undefined
}

function normaliseGroupBy(ctx: CompileContext, raw: GroupByItem, path: string): ParsedName {
  const text = typeof raw === 'string' ? raw : raw.name
  if (typeof text !== 'string' || text.trim() === '') {
    throw new SemanticError('invalid_query', 'group-by names must be non-empty strings', [{ path, issue: 'empty_name' }])
  }
  const parsed = ctx.graph.parseName(text.trim())
  if (typeof raw !== 'string') {
    if (raw.grain !== undefined) {
      const g = String(raw.grain).toLowerCase()
      if (!ctx.graph.isGrainName(g)) throw new SemanticError('invalid_query', `unknown time grain "${raw.grain}"`, [{ path, issue: 'unknown_grain', suggestions: suggest(g, [...ctx.graph.customGrains.keys(), 'day', 'week', 'month', 'quarter', 'year']) }])
      parsed.grain = g
    }
    if (raw.date_part !== undefined) {
      const dp = String(raw.date_part).toLowerCase()
      if (!isDatePart(dp)) throw new SemanticError('invalid_query', `unknown date part "${raw.date_part}"`, [{ path, issue: 'unknown_date_part' }])
      parsed.datePart = dp
      parsed.grain = undefined
    }
  }
  return parsed
}

export interface ResolveContext {
  /** Source models of the query's measures (empty for dimension-only queries). */
  sources: string[]
  /** metric names, for grain validation of metric_time. */
  metrics: string[]
  /** Default grain for metric_time without a grain. */
  metricTimeGrain: TimeGrain
}

function unknown(ctx: CompileContext, parsed: ParsedName, sources: string[], path: string): never {
  const display = formatQueryName(parsed)
  for (const s of sources) {
    const fan = ctx.graph.fanOutPath(s, parsed)
    if (fan) {
      throw new SemanticError('fan_out_join', `"${display}" can only be reached through a one-to-many join, which would multiply rows: ${fan}`, [
        { path, issue: 'fan_out_join' },
      ])
    }
  }
  const candidates = new Set<string>()
  for (const s of sources.length > 0 ? sources : [...ctx.graph.models.keys()]) {
    for (const n of ctx.graph.queryNames(s, sources.length > 0)) candidates.add(n)
  }
  const where = sources.length > 0 ? ` for ${sources.length === 1 ? `semantic model ${sources[0]}` : `semantic models ${sources.join(', ')}`}` : ''
  const base = formatQueryName({ entityPath: parsed.entityPath, element: parsed.element })
  throw new SemanticError('unknown_dimension', `unknown dimension "${display}"${where}`, [
    { path, issue: 'unknown_dimension', suggestions: suggest(base, candidates) },
  ])
}

/** Resolves one parsed name against all sources; throws with suggestions when it cannot. */
export function resolveParsed(ctx: CompileContext, parsed: ParsedName, rc: ResolveContext, path: string): QueryItem {
  const wantTime = parsed.grain !== undefined || parsed.datePart !== undefined
  if (parsed.element === METRIC_TIME && parsed.entityPath.length === 0) {
    const item: QueryItem = { name: '', kind: 'metric_time', entityPath: [], element: METRIC_TIME }
    if (parsed.datePart) item.datePart = parsed.datePart
    else item.grain = parsed.grain ?? rc.metricTimeGrain
    checkMetricTimeGrain(ctx, item, rc, path)
    item.name = formatQueryName(item)
    return item
  }
  const sources = rc.sources.length > 0 ? rc.sources : [...ctx.graph.models.keys()]
  let resolved: LinkableElement | undefined
  let resolvedName: string | undefined
  for (const s of sources) {
    const el = ctx.graph.resolveElement(s, parsed, wantTime)
    if (!el) {
      if (rc.sources.length > 0) unknown(ctx, parsed, rc.sources, path)
      continue
    }
    const name = formatQueryName({ entityPath: el.entityPath, element: el.element })
    if (resolvedName !== undefined && resolvedName !== name) {
      if (rc.sources.length === 0) {
        // Dimension-only queries: prefer the shorter path.
        if (el.entityPath.length >= (resolved?.entityPath.length ?? 0)) continue
      } else {
        throw new SemanticError('invalid_query', `"${formatQueryName(parsed)}" resolves to different paths for the requested metrics (${resolvedName}, ${name}); write the full path`, [
          { path, issue: 'ambiguous', suggestions: [resolvedName, name] },
        ])
      }
    }
    resolved = el
    resolvedName = name
  }
  if (!resolved) unknown(ctx, parsed, rc.sources, path)
  const item: QueryItem = {
    name: '',
    kind: resolved.kind,
    entityPath: resolved.entityPath,
    element: resolved.element,
  }
  if (resolved.kind === 'time_dimension') {
    const dimGrain = ctx.graph.dimensionGrain(resolved.dimension!)
    if (parsed.datePart) {
      item.datePart = parsed.datePart
      if (grainRank(datePartGrain(parsed.datePart)) < grainRank(dimGrain)) {
        throw new SemanticError('invalid_query', `cannot extract ${parsed.datePart} from ${formatQueryName(item)}, which is at ${dimGrain} grain`, [{ path, issue: 'invalid_date_part' }])
      }
    } else {
      item.grain = parsed.grain ?? coarserGrain('day', dimGrain)
      const base = itemBaseGrain(ctx, item)
      if (base && grainRank(base) < grainRank(dimGrain)) {
        throw new SemanticError('invalid_query', `${formatQueryName({ ...item, grain: undefined })} is at ${dimGrain} grain and cannot be grouped by ${item.grain}`, [
          { path, issue: 'grain_too_fine', suggestions: [formatQueryName({ ...item, grain: dimGrain })] },
        ])
      }
    }
  } else if (wantTime) {
    throw new SemanticError('invalid_query', `"${formatQueryName(parsed)}" is not a time dimension, so it takes no grain or date part`, [{ path, issue: 'not_time_dimension' }])
  }
  item.name = formatQueryName(item)
  return item
}

function checkMetricTimeGrain(ctx: CompileContext, item: QueryItem, rc: ResolveContext, path: string): void {
  const base = item.datePart ? datePartGrain(item.datePart) : itemBaseGrain(ctx, item)
  if (base === undefined) {
    throw new SemanticError('invalid_query', `unknown time grain "${item.grain}"`, [{ path, issue: 'unknown_grain' }])
  }
  for (const m of rc.metrics) {
    const min = ctx.graph.metricMinGrain(m)
    if (grainRank(base) < grainRank(min)) {
      throw new SemanticError('invalid_query', `metric "${m}" is at ${min} grain and cannot be grouped by ${formatQueryName(item)}`, [
        { path, issue: 'grain_too_fine', suggestions: [`${METRIC_TIME}__${min}`] },
      ])
    }
  }
}

export function resolveGroupBy(ctx: CompileContext, raw: GroupByItem, rc: ResolveContext, path: string): QueryItem {
  return resolveParsed(ctx, normaliseGroupBy(ctx, raw, path), rc, path)
}

/**
 * Binds an item to one source model. `measure` names the measure whose agg
 * time dimension is metric_time (undefined for dimension-only sources).
 */
export function bindItem(ctx: CompileContext, model: SemanticModel, measure: string | undefined, item: QueryItem): BoundItem {
  if (item.kind === 'metric_time') {
    if (measure === undefined) throw new SemanticError('invalid_query', 'metric_time needs a metric or the time spine')
    return { item, aggTime: true }
  }
  const parsed: ParsedName = { entityPath: item.entityPath, element: item.element }
  const element = ctx.graph.resolveElement(model.name, parsed, item.kind === 'time_dimension')
  if (!element || formatQueryName(element) !== formatQueryName(parsed)) unknown(ctx, parsed, [model.name], item.name)
  let aggTime = false
  if (measure !== undefined && element.kind === 'time_dimension' && element.hops.length === 0 && element.model === model.name) {
    aggTime = ctx.graph.aggTimeDimension(measure).dimension.name === element.element
  }
  return { item, element, aggTime }
}
