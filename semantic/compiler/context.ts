// Per-compilation state: the model graph, the dialect, parameters and a
// deterministic alias counter (same query -> same SQL text); the shapes every
// metric module passes around (MetricRequest in, MetricValue out); and the
// compiler's two real recursions as callbacks, so the modules below the
// metric dispatcher never import it back.
import { columnRef } from '../dialects/column-ref'
import type { Dialect } from '../dialects/dialect'
import type { SemanticGraph } from '../graph'
import { SemanticError, type TimeGrain, type TimeSpine } from '../types'
import { Params, type Query, type Source } from './sql'
import type { FilterSpec, QueryItem, TimeRange } from './request-parts'
import { rowFilterCondition } from '../access/row-filter-sql'
import type { ResolvedRowFilter } from '../access/types'

/** A query with named output columns, usable as a subquery. */
export interface Dataset {
  query: Query
  columns: string[]
}

export interface MetricRequest {
  /** Output group-by items. */
  items: QueryItem[]
  /** Filters applied to every measure the metric reads. */
  filters: FilterSpec[]
  /** Adjusted time constraint on metric_time. */
  range?: TimeRange
  /**
   * The query's time constraint for cumulative metrics nested under an offset:
   * MetricFlow constrains their time spine before the shift, not their inputs.
   */
  cumulativeRange?: TimeRange
}

export interface MetricValue {
  dataset: Dataset
  /** Column holding the value. */
  column: string
  /** fill_nulls_with: re-applied when outer joins leave gaps. */
  fill?: number
}

/**
 * The metric compiler (metrics.ts), handed to the context by compile.ts. Two
 * paths re-enter it from below: a `{{ Metric('x', group_by=[...]) }}` filter
 * compiles metric x (metric-helpers.ts, prepareFilters), and an offset input
 * compiles the metric it shifts (offsets.ts). Calling through the context
 * keeps the import graph top-down: compile -> metrics -> leaves.
 */
export interface MetricCompiler {
  metric(ctx: CompileContext, name: string, req: MetricRequest, column: string): MetricValue
  metricSet(ctx: CompileContext, metrics: Array<{ metric: string; column: string }>, req: MetricRequest): { dataset: Dataset; values: MetricValue[] }
}

export interface CompileOptions {
  /** Upper bound on the number of rows; applied when the query has no smaller limit. */
  max_rows?: number
}

export class CompileContext {
  readonly params = new Params()
  private counter = 0
  /** Physical relations read, as rendered (for the SQL guard's allow list). */
  readonly relations = new Set<string>()

  /** Grain of metric_time when a query or filter names it without one. */
  metricTimeGrain: TimeGrain = 'day'

  constructor(readonly graph: SemanticGraph, readonly dialect: Dialect, private readonly metrics: MetricCompiler, readonly options: CompileOptions = {}) {}

  /** One metric as a dataset grouped by `req.items` with its value in `column`. */
  compileMetric(name: string, req: MetricRequest, column: string): MetricValue {
    return this.metrics.metric(this, name, req, column)
  }

  /** Several metrics for the same request, joined on the group-by items. */
  compileMetricSet(metrics: Array<{ metric: string; column: string }>, req: MetricRequest): { dataset: Dataset; values: MetricValue[] } {
    return this.metrics.metricSet(this, metrics, req)
  }

  alias(prefix = 'subq'): string {
    this.counter += 1
    return `${prefix}_${this.counter}`
  }

  /** Quoted column/alias name. */
  q(name: string): string {
    return this.dialect.quoteIdentifier(name)
  }

  /**
   * `alias."column"`, as a ref token (dialects/column-ref.ts) that the
   * renderer quotes: the one way the compiler writes a qualified column, so
   * a dialect's SELECT rewrites see every column an expression reads.
   */
  col(alias: string, name: string): string {
    return columnRef(alias, name)
  }

  /** A model table's column named as stored (Dialect.sourceIdentifier), as a ref token. */
  storedCol(alias: string, name: string): string {
    return columnRef(alias, name, true)
  }

  sub(ds: Dataset, alias = this.alias()): Source & { kind: 'query' } {
    return { kind: 'query', query: ds.query, alias }
  }

  /**
   * A model's table as a FROM source; records the relation. This is the one
   * place a model's table is read, so an access policy's row filters (carried
   * on the relation by access/restrict.ts) apply to every path through it.
   */
  table(rel: { alias: string; schema_name?: string; database?: string; row_filters?: ResolvedRowFilter[]; access_denied?: { policy: string; attribute: string; reason?: string } }, alias = this.alias('src')): Source & { kind: 'table' } {
    if (!rel.alias) throw new SemanticError('invalid_model', 'a semantic model has no table (node_relation.alias)')
    if (rel.access_denied) {
      const d = rel.access_denied
      throw new SemanticError('access_denied', d.reason ? d.reason : d.attribute.startsWith('(')
        ? `access policy "${d.policy}" governs a semantic model that no longer exists ${d.attribute.slice(1, -1).replace(/^model /, '')}; nothing is read until an admin updates the access policies`
        : `access policy "${d.policy}" needs the attribute "${d.attribute}", which your credential does not have (or holds several values where one is compared)`,
        [{ issue: 'access_denied', policy: rel.access_denied.policy, attribute: rel.access_denied.attribute } as { issue: string }])
    }
    const parts = [rel.database ?? '', rel.schema_name ?? '', rel.alias]
    const sql = this.dialect.qualifiedRelation(parts)
    this.relations.add(parts.filter((p) => p !== '').join('.'))
    if (!rel.row_filters?.length) return { kind: 'table', sql, alias }
    const where = rowFilterCondition(rel.row_filters, this.dialect, {
      param: (v) => this.param(v),
      relation: (r) => {
        const p = [r.database ?? '', r.schema_name ?? '', r.alias]
        this.relations.add(p.filter((x) => x !== '').join('.'))
        return this.dialect.qualifiedRelation(p)
      },
    })
    return { kind: 'table', sql: `(SELECT * FROM ${sql} WHERE ${where})`, alias }
  }

  spineTable(spine: TimeSpine, alias = this.alias('spine')): Source & { kind: 'table' } {
    return this.table(spine.node_relation, alias)
  }

  /** A time spine for `grain` with its time column and that column's grain. */
  spine(grain: TimeGrain): { spine: TimeSpine; column: string; grain: TimeGrain } {
    const spine = this.graph.timeSpineFor(grain)
    return { spine, column: spine.primary_column.name, grain: spine.primary_column.time_granularity }
  }

  param(value: string | number | boolean | null): string {
    return this.params.marker(value)
  }
}
