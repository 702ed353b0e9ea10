// Random semantic queries over the suite's fixture models, for the
// cross-engine property test (cross-engine.test.ts): the same query must give
// the same answer on PostgreSQL, MariaDB and ClickHouse. Queries are built
// from the pieces the suite's own cases use (metrics, group-bys, where
// filters, time constraints), so they are meaningful for the model; a
// combination the compiler refuses on every engine is simply skipped.
import type { ConformanceCase } from './cases'
import type { ModelName } from './suite'
import { rng } from '../../src/demo/dataset'

/** A deterministic PRNG (the demo data's mulberry32): a seed gives the same queries everywhere. */
export { rng }

export interface QueryPools {
  model: ModelName
  metrics: string[]
  groupBys: string[]
  /** where_filter templates as the cases write them (rendered per engine). */
  wheres: string[]
  ranges: Array<[string, string]>
}

/**
 * Pools from a model's cases. Cases that need a feature some engine lacks, or
 * read a fixture table some engine cannot store as given (`lossyTables`), are
 * left out: those are judged by the conformance run, per engine, with a reason.
 */
export function poolsFrom(cases: ConformanceCase[], model: ModelName, lossyTables: string[] = []): QueryPools {
  const uniq = <T>(xs: T[]) => [...new Map(xs.map((x) => [JSON.stringify(x), x])).values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
  const usable = cases.filter((c) =>
    c.model === model && c.required_features.length === 0 && !c.saved_query_name && !c.min_max_only && c.apply_group_by &&
    c.group_by_objs.length === 0 && !lossyTables.some((t) => new RegExp(`\\b${t}\\b`, 'i').test(c.check_query)))
  return {
    model,
    metrics: uniq(usable.flatMap((c) => c.metrics)),
    groupBys: uniq(usable.flatMap((c) => c.group_bys)),
    wheres: uniq(usable.flatMap((c) => (c.where_filter ? [c.where_filter] : []))),
    ranges: uniq(usable.flatMap((c) => (c.time_constraint ? [c.time_constraint] : []))),
  }
}

const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)]

function pickSome<T>(r: () => number, xs: T[], max: number): T[] {
  const n = Math.floor(r() * (max + 1))
  const out: T[] = []
  for (let i = 0; i < n && xs.length > 0; i++) {
    const x = pick(r, xs)
    if (!out.includes(x)) out.push(x)
  }
  return out
}

/**
 * One random query as a case (check_query empty: the engines are compared with
 * each other). With order_bys the order is compared too; a limit comes only
 * with an order over every output column, so the rows it keeps are defined.
 */
export function randomCase(r: () => number, pools: QueryPools, id: string): ConformanceCase {
  let metrics = pickSome(r, pools.metrics, 2)
  let groupBys = pickSome(r, pools.groupBys, 2)
  if (metrics.length === 0 && groupBys.length === 0) metrics = [pick(r, pools.metrics)]
  if (metrics.length === 0 && r() < 0.5) groupBys = groupBys.slice(0, 1)
  const where = pools.wheres.length > 0 && r() < 0.35 ? pick(r, pools.wheres) : undefined
  const range = pools.ranges.length > 0 && r() < 0.25 ? pick(r, pools.ranges) : undefined
  const ordered = r() < 0.3
  const orderBys = ordered ? [...metrics, ...groupBys].map((x) => (r() < 0.5 ? `-${x}` : x)) : []
  const limit = ordered && r() < 0.6 ? 1 + Math.floor(r() * 8) : undefined
  return {
    id, name: id, file: 'cross-engine', model: pools.model,
    metrics, group_bys: groupBys, group_by_objs: [],
    ...(where ? { where_filter: where } : {}),
    ...(range ? { time_constraint: range } : {}),
    order_bys: orderBys, ...(limit !== undefined ? { limit } : {}),
    min_max_only: false, apply_group_by: true, check_order: ordered, allow_empty: true, required_features: [], check_query: '',
  }
}

/**
 * Every query on which the engines once disagreed, by name, with the cause.
 * The property test runs these first, always; a new disagreement it finds is
 * added here (its failure message prints the entry to paste).
 */
export const CROSS_ENGINE_REGRESSIONS: Array<{ name: string; cause: string; case: Omit<ConformanceCase, 'id' | 'name' | 'file' | 'check_query'> }> = [
  {
    name: 'dimension values filtered by a metric',
    cause: 'ClickHouse 18.16 merges the keys of an outer join: rows only the metric side had read its listing instead of NULL (10 rows instead of 4); fixed by reading keys from non-key copies (Dialect outerJoinKeysMerge)',
    case: {
      model: 'SIMPLE_MODEL', metrics: [], group_bys: ['listing'], group_by_objs: [],
      where_filter: "{{ render_metric_template('bookings', ['listing']) }} > 2",
      order_bys: [], min_max_only: false, apply_group_by: true, check_order: false, allow_empty: true, required_features: [],
    },
  },
  {
    name: 'metric filtered by a metric on the same key',
    cause: 'the LEFT OUTER JOIN form of the same ClickHouse key merge',
    case: {
      model: 'SIMPLE_MODEL', metrics: ['bookings'], group_bys: ['listing'], group_by_objs: [],
      where_filter: "{{ render_metric_template('views', ['listing']) }} > 1",
      order_bys: [], min_max_only: false, apply_group_by: true, check_order: false, allow_empty: true, required_features: [],
    },
  },
  {
    name: 'NULLs in an ordered, limited result',
    cause: 'MariaDB sorts NULL first ascending (PostgreSQL: last), so a LIMIT kept other rows; fixed by Dialect.orderByTerm (`x IS NULL, x` on MySQL, `DESC NULLS FIRST` on ClickHouse). Found as random/20261206/35',
    case: {
      model: 'SIMPLE_MODEL', metrics: [], group_bys: ['listing__country_latest'], group_by_objs: [],
      order_bys: ['listing__country_latest'], limit: 4, min_max_only: false, apply_group_by: true, check_order: true, allow_empty: true, required_features: [],
    },
  },
  {
    name: 'NULL booleans ordered',
    cause: 'the same NULL placement, on a dimension query with a filter (random/20261206/12)',
    case: {
      model: 'SIMPLE_MODEL', metrics: [], group_bys: ['booking__is_instant'], group_by_objs: [],
      where_filter: "NOT {{ render_dimension_template('listing__is_lux_latest') }}\n  OR {{ render_dimension_template('listing__is_lux_latest') }} IS NULL\n",
      order_bys: ['booking__is_instant'], min_max_only: false, apply_group_by: true, check_order: true, allow_empty: true, required_features: [],
    },
  },
  {
    name: 'ratio and derived metrics with a division',
    cause: 'MariaDB divides DECIMALs to 4 more digits (div_precision_increment): 0.29545 instead of 0.2954545...; fixed by Dialect capability decimalDivision (inputs read as DOUBLE). Found as random/20261206/27',
    case: {
      model: 'SIMPLE_MODEL', metrics: ['non_referred_bookings_pct', 'bookings_per_dollar'], group_bys: ['listing'], group_by_objs: [],
      order_bys: [], min_max_only: false, apply_group_by: true, check_order: false, allow_empty: true, required_features: [],
    },
  },
  {
    name: 'metrics over a time range with no rows',
    cause: 'ClickHouse 18.16 gives 0 for SUM over no rows (SQL: NULL) unless the input is Nullable; fixed by Dialect capability emptyAggregatesGiveDefaults. Found as random/20261206/16',
    case: {
      model: 'SIMPLE_MODEL', metrics: ['current_account_balance_by_user', 'views'], group_bys: [], group_by_objs: [],
      time_constraint: ['2020-03-31', '2021-01-05'],
      order_bys: [], min_max_only: false, apply_group_by: true, check_order: false, allow_empty: true, required_features: [],
    },
  },
]
