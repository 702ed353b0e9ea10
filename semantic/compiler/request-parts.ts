// The parts a metric request is made of: group-by items, filters and the time
// range. Types only, so context.ts can name them without importing items.ts,
// filters.ts or time-constraint.ts (which work on them and import the context).
import type { DatePart } from '../types'
import type { ParsedFilter } from '../where-filter'

export type ItemKind = 'metric_time' | 'time_dimension' | 'dimension' | 'entity'

export interface QueryItem {
  /** Output column name: resolved entity path, element, grain or date part. */
  name: string
  kind: ItemKind
  entityPath: string[]
  element: string
  /** Standard or custom grain; absent for date parts and non-time items. */
  grain?: string
  datePart?: DatePart
}

/** Where a filter came from: query filters are re-applied after time spine joins. */
export type FilterOrigin = 'query' | 'definition'

export interface FilterSpec {
  filter: ParsedFilter
  origin: FilterOrigin
}

/** Half-open range [start, end) as timestamp text; either bound may be absent. */
export interface TimeRange {
  start?: string
  end?: string
}
