// What the interpreter hands to resolve.ts: every catalog mention with the
// role the words around it gave it, still unresolved (a mention keeps all its
// candidate targets until the metrics are chosen).
import type { TimeGrain } from '../../../../semantic/types'
import type { TimeRangeMatch } from '../../time/parse-time'
import type { Hit } from '../catalog-index'
import type { Direction } from '../lexicon'

export type CompareOp = '>' | '>=' | '<' | '<=' | '=' | '!=' | 'between' | 'in'

export interface Mention {
  text: string
  /** Item position, for adjacency checks. */
  at: number
  hits: Hit[]
}

export interface GroupMention extends Mention {
  grain?: TimeGrain
  absorbed?: boolean
  /** Named without "by"/"per" and in the singular ("store with the lowest revenue"). */
  bareSingular?: boolean
  /** Asked for explicitly ("by region", "top 5 stores"): never absorbed into a filter. */
  marked?: boolean
}
export interface ValueMention extends Mention {
  negate: boolean
  /** Introduced by a preposition ("for corporate customers"): a following entity noun belongs to it. */
  introduced?: boolean
  /** The same words also name a metric ("no show" the status value, or `no_show_count`). */
  metricHits?: Hit[]
}
export interface FieldFilter { mention: Mention; as: 'metric' | 'dimension'; op: CompareOp; value: number | number[]; text: string }
export interface OrderKey { mention: Mention; as: 'metric' | 'dimension' | 'time'; dir?: Direction; grain?: TimeGrain }

export interface Rank {
  dir: Direction
  /** The ranking word ("top", "most"). */
  word: string
  n?: number
  /** "top"/"bottom" without a number: a default limit applies. */
  explicitTop: boolean
  subject?: GroupMention
  singular: boolean
  metric?: Mention
  text: string
}

export interface Draft {
  metrics: Mention[]
  groups: GroupMention[]
  grains: Array<{ grain: TimeGrain; text: string }>
  values: ValueMention[]
  fieldFilters: FieldFilter[]
  times: TimeRangeMatch[]
  trend: boolean
  rank?: Rank
  order: OrderKey[]
  direction?: Direction
  limit?: number
  /** Dimensions whose filters/groupings a follow-up removes ("without region", "all categories"). */
  removals: Mention[]
  unfilters: Mention[]
  /** Words no rule read; `at` is the item's position where one word was left. */
  unknown: Array<{ text: string; afterMarker?: string; at?: number }>
  /** Metrics named only as the noun of a filter ("non-instant bookings", "for corporate customers"); used when nothing else names one. */
  impliedMetrics: Mention[]
  cue: { add: boolean; replace: boolean; remove: boolean; instead: boolean; sort: boolean }
  /** Words that were understood, with what they meant, for the reasons list. */
  notes: string[]
  /** "drop the date filter": a follow-up clears the time range. */
  clearTime: boolean
  /** A number standing alone ("show me 10"): a new limit when it follows a ranked answer. */
  bareNumber?: { n: number; text: string }
}
