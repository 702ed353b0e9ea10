// "cash collected by club" where a payment reaches a club through its member (the home
// club) and through its membership (the club that sold it): the same column of the same
// entity, reached by two join paths of the same length, is two different questions. The
// shortest path is the natural reading ("checkins by club": the club of the check-in, not
// the member's home club), and a longer path that only extends a shorter one through the
// same entity ("store__city", "order__store__city") is the same thing. Two paths of equal,
// shortest length that differ in their route have nothing to pick one: ask back, offering
// each path as a ready-to-run reading.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'

export interface PathReading {
  query: SemanticQuery
  why: string
}

const depth = (name: string) => name.split('__').length
/** `entity__column`: the last two segments of a dimension's query name. */
const tail = (name: string) => name.split('__').slice(-2).join('__')
/** One path only extends the other through the same entities (the same thing reached the long way). */
const extendsPath = (a: string, b: string) => a.endsWith(`__${b}`) || b.endsWith(`__${a}`)

/** Dimension names every metric of the plan can use (undefined when a metric lists none). */
function sharedDimensions(idx: CatalogIndex, metrics: string[]): Set<string> | undefined {
  let out: Set<string> | undefined
  for (const name of metrics) {
    const dims = idx.metrics.get(name)?.dimensions
    if (!dims || dims.length === 0) return undefined
    out = out ? new Set(dims.filter((d) => out!.has(d))) : new Set(dims)
  }
  return out
}

/**
 * The other paths to a field's column as short as the field's own, when there is no shorter one.
 * An entity's key ("section__course__dept", "student__program__dept") is the same column however
 * it is reached, so it is compared by the entity alone (`isEntity`), not by its last two segments.
 */
export function tiedPaths(field: string, available: Set<string>, isEntity: (name: string) => boolean = () => false): string[] {
  if (depth(field) < 3) return []
  const key = (n: string) => (isEntity(n) ? n.split('__').pop()! : tail(n))
  const same = [...available].filter((d) => d !== field && isEntity(d) === isEntity(field) && key(d) === key(field))
  if (same.some((d) => depth(d) < depth(field))) return []
  return same.filter((d) => depth(d) === depth(field) && !extendsPath(d, field))
}

/** Readings of the plan through each tied join path; empty when every field's path is the only shortest one. */
export function joinPathReadings(query: SemanticQuery, idx: CatalogIndex): PathReading[] {
  const available = sharedDimensions(idx, query.metrics)
  if (!available) return []
  const out: PathReading[] = []
  const isEntity = (n: string) => idx.dimensions.get(n)?.type === 'entity'
  for (const g of query.group_by ?? []) {
    const name = typeof g === 'string' ? g : g.name
    if (typeof g !== 'string' || name.startsWith('metric_time')) continue
    for (const other of tiedPaths(name, available, isEntity)) {
      out.push({ query: { ...query, group_by: (query.group_by ?? []).map((x) => (x === g ? other : x)) }, why: `group by ${other} instead of ${name} (two join paths reach it)` })
    }
  }
  for (const f of query.filters ?? []) {
    for (const other of tiedPaths(f.field, available, isEntity)) {
      out.push({ query: { ...query, filters: (query.filters ?? []).map((x) => (x === f ? { ...x, field: other } : x)) }, why: `filter on ${other} instead of ${f.field} (two join paths reach it)` })
    }
  }
  return out
}

/**
 * "checkins vs bookings by club": the only club both metrics reach is the member's home club
 * (`member__club__club_nm`), while a check-in's own club is `club__club_nm`. A plan of several
 * metrics that groups or filters one of them through a longer path than that metric's own shortest
 * path to the column answers something else for it (where members belong, not where they came):
 * a doubt, not an answer.
 */
export function sharedPathDetour(query: SemanticQuery, idx: CatalogIndex): string | undefined {
  if (query.metrics.length < 2) return undefined
  const fields = [...(query.group_by ?? []).filter((g): g is string => typeof g === 'string'), ...(query.filters ?? []).map((f) => f.field)]
  for (const field of fields) {
    if (field.startsWith('metric_time') || depth(field) < 3) continue
    for (const m of query.metrics) {
      const shorter = (idx.metrics.get(m)?.dimensions ?? []).find((d) => tail(d) === tail(field) && depth(d) < depth(field))
      if (shorter) return `${m} is read by ${field} to fit the other metrics, while its own reading of the column is ${shorter}`
    }
  }
  return undefined
}
