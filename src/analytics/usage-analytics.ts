// Usage analytics over the query history of one tenant: how many questions
// were answered, refused or asked back, how long they took, how many rows and
// LLM tokens they cost, who asked, what they asked most and which questions
// the semantic layer could not ground. Every figure is aggregated in SQL
// (PostgreSQL and PGlite alike) over the tenant's runs in [from, to): history
// is never loaded into memory. Labels (emails, key and connection names) are
// looked up afterwards for the few keys a report names.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../store/db'
import { apiKeys, connections, users } from '../store/schema'
// Which failures count as refused or clarified (the planner-outcome metric reads the same lists).
import { CLARIFICATION_CODES, REFUSAL_CODES } from '../query/answer-outcome'

export const USAGE_INTERVALS = ['day', 'week', 'month'] as const
export type UsageInterval = (typeof USAGE_INTERVALS)[number]

export const USAGE_GROUPS = ['user', 'api_key', 'connection', 'metric', 'planner'] as const
export type UsageGroup = (typeof USAGE_GROUPS)[number]

export interface UsageFigures {
  /** Every run: succeeded + failed + refused + clarified + cancelled + pending. */
  queries: number
  succeeded: number
  /** Failed for another reason than a refusal or a clarification (database, LLM down, timeout, ...). */
  failed: number
  refused: number
  clarified: number
  cancelled: number
  /** Queued or running when the report was made. */
  pending: number
  rows: number
  llm_tokens: number
  /** Distinct people (a personal API key counts as its owner) and service keys that ran a query. */
  active_users: number
  /** Duration percentiles of succeeded runs; null when there were none. */
  p50_ms: number | null
  p95_ms: number | null
}

export interface UsageSeriesEntry extends UsageFigures {
  /** First day of the interval, a calendar date of the tenant's time zone. */
  start: string
}

export interface UsageGroupEntry extends UsageFigures {
  key: string
  /** The user's email, the key's or connection's name; null when deleted or for metrics and planners. */
  label: string | null
}

export interface TopQuestion { question: string; count: number; succeeded: number; last_asked_at: string }
export interface TopMetric { metric: string; count: number; succeeded: number }
export interface RefusedQuestion { question: string; count: number; last_asked_at: string; code: string }

export interface UsageReport {
  from: string
  to: string
  interval: UsageInterval
  group_by: UsageGroup | null
  timezone: string
  totals: UsageFigures
  series: UsageSeriesEntry[]
  groups?: UsageGroupEntry[]
  top_questions: TopQuestion[]
  top_metrics: TopMetric[]
  refused_questions: RefusedQuestion[]
}

export interface UsageOptions {
  from: Date
  to: Date
  interval: UsageInterval
  groupBy?: UsageGroup
  timezone: string
  /** Length of each top list. */
  limit: number
}

type Num = string | number | null
interface FigureRow {
  queries: number; succeeded: number; failed: number; refused: number; clarified: number; cancelled: number; pending: number
  rows: Num; llm_tokens: Num; active_users: number; p50_ms: Num; p95_ms: Num
}

const list = (codes: readonly string[]) => sql.join(codes.map((c) => sql`${c}`), sql`, `)

/**
 * The tenant's runs in range, each with its outcome, token count and the
 * person behind it. A personal key's runs belong to its owner; a service key
 * is its own principal. Malformed usage blobs count as no tokens.
 */
function runs(tenantId: string, from: Date, to: Date): SQL {
  return sql`runs AS (
    SELECT q.id, q.principal_id, q.connection_id, q.question, q.plan, q.planner, q.row_count, q.duration_ms, q.created_at,
      q.error ->> 'code' AS error_code,
      coalesce(k.owner_user_id, q.principal_id) AS person,
      CASE
        WHEN q.status = 'succeeded' THEN 'succeeded'
        WHEN q.status = 'failed' AND q.error ->> 'code' IN (${list(REFUSAL_CODES)}) THEN 'refused'
        WHEN q.status = 'failed' AND q.error ->> 'code' IN (${list(CLARIFICATION_CODES)}) THEN 'clarified'
        WHEN q.status = 'failed' THEN 'failed'
        WHEN q.status = 'cancelled' THEN 'cancelled'
        ELSE 'pending'
      END AS outcome,
      CASE WHEN jsonb_typeof(q.usage -> 'total_tokens') = 'number' THEN (q.usage ->> 'total_tokens')::numeric ELSE 0 END AS tokens
    FROM queries q
    LEFT JOIN api_keys k ON k.id = q.principal_id AND k.tenant_id = q.tenant_id
    WHERE q.tenant_id = ${tenantId} AND q.created_at >= ${from.toISOString()}::timestamptz AND q.created_at < ${to.toISOString()}::timestamptz
  )`
}

/** The metrics a run's plan asked for (none for a run that was never planned or ran raw SQL). */
const METRICS_OF = sql`jsonb_array_elements_text(CASE WHEN jsonb_typeof(r.plan -> 'query' -> 'metrics') = 'array' THEN r.plan -> 'query' -> 'metrics' ELSE '[]'::jsonb END)`

// count(r.id), not count(*): the series LEFT JOINs runs onto every interval, and an empty one must count 0.
const FIGURES = sql`count(r.id)::int AS queries,
  (count(r.id) FILTER (WHERE r.outcome = 'succeeded'))::int AS succeeded,
  (count(r.id) FILTER (WHERE r.outcome = 'failed'))::int AS failed,
  (count(r.id) FILTER (WHERE r.outcome = 'refused'))::int AS refused,
  (count(r.id) FILTER (WHERE r.outcome = 'clarified'))::int AS clarified,
  (count(r.id) FILTER (WHERE r.outcome = 'cancelled'))::int AS cancelled,
  (count(r.id) FILTER (WHERE r.outcome = 'pending'))::int AS pending,
  coalesce(sum(r.row_count), 0)::float8 AS rows,
  coalesce(sum(r.tokens), 0)::float8 AS llm_tokens,
  count(DISTINCT r.person)::int AS active_users,
  (percentile_cont(0.5) WITHIN GROUP (ORDER BY r.duration_ms) FILTER (WHERE r.outcome = 'succeeded' AND r.duration_ms IS NOT NULL))::float8 AS p50_ms,
  (percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms) FILTER (WHERE r.outcome = 'succeeded' AND r.duration_ms IS NOT NULL))::float8 AS p95_ms`

/** Questions grouped by what was asked, not how it was typed: case, runs of spaces and trailing punctuation do not split them. */
const NORMALIZED_QUESTION = sql`lower(regexp_replace(regexp_replace(btrim(r.question), '\\s+', ' ', 'g'), '[\\s?.!]+$', ''))`

function figures(r: FigureRow): UsageFigures {
  const n = (v: Num) => (v === null ? 0 : Number(v))
  const ms = (v: Num) => (v === null ? null : Math.round(Number(v) * 10) / 10)
  return {
    queries: r.queries, succeeded: r.succeeded, failed: r.failed, refused: r.refused, clarified: r.clarified,
    cancelled: r.cancelled, pending: r.pending, rows: n(r.rows), llm_tokens: n(r.llm_tokens), active_users: r.active_users,
    p50_ms: ms(r.p50_ms), p95_ms: ms(r.p95_ms),
  }
}

const iso = (v: string | Date) => new Date(v).toISOString()

export class UsageAnalytics {
  constructor(private readonly db: Db) {}

  async report(tenantId: string, opts: UsageOptions): Promise<UsageReport> {
    const { from, to, interval, groupBy, timezone, limit } = opts
    if (!USAGE_INTERVALS.includes(interval)) throw new Error(`unknown interval ${String(interval)}`)
    const withRuns = sql`WITH ${runs(tenantId, from, to)}`
    // The unit is one of three constants (checked above), inlined so date_trunc and the step need no typed parameter.
    const unit = sql.raw(`'${interval}'`)
    const step = sql.raw(`'1 ${interval}'::interval`)
    const local = (instant: SQL) => sql`(${instant} AT TIME ZONE ${timezone})`
    const [totals, series, groups, topQuestions, topMetrics, refused] = await Promise.all([
      this.rows<FigureRow>(sql`${withRuns} SELECT ${FIGURES} FROM runs r`),
      // Every interval of the range, empty ones included, so a chart needs no gap logic.
      this.rows<FigureRow & { start: string }>(sql`${withRuns}
        SELECT to_char(b.bucket, 'YYYY-MM-DD') AS start, ${FIGURES}
        FROM generate_series(
          date_trunc(${unit}, ${local(sql`${from.toISOString()}::timestamptz`)}),
          date_trunc(${unit}, ${local(sql`(${to.toISOString()}::timestamptz - interval '1 microsecond')`)}),
          ${step}) AS b(bucket)
        LEFT JOIN runs r ON date_trunc(${unit}, ${local(sql`r.created_at`)}) = b.bucket
        GROUP BY b.bucket ORDER BY b.bucket`),
      groupBy ? this.groups(tenantId, withRuns, groupBy) : Promise.resolve(undefined),
      this.rows<{ question: string; count: number; succeeded: number; last_asked_at: string | Date }>(sql`${withRuns}
        SELECT (array_agg(r.question ORDER BY r.created_at DESC))[1] AS question, count(*)::int AS count,
          (count(*) FILTER (WHERE r.outcome = 'succeeded'))::int AS succeeded, max(r.created_at) AS last_asked_at
        FROM runs r WHERE r.question IS NOT NULL AND btrim(r.question) <> ''
        GROUP BY ${NORMALIZED_QUESTION} ORDER BY count DESC, last_asked_at DESC, question LIMIT ${limit}`),
      this.rows<TopMetric>(sql`${withRuns}
        SELECT m.metric, count(*)::int AS count, (count(*) FILTER (WHERE r.outcome = 'succeeded'))::int AS succeeded
        FROM runs r CROSS JOIN LATERAL ${METRICS_OF} AS m(metric)
        GROUP BY m.metric ORDER BY count DESC, m.metric LIMIT ${limit}`),
      this.rows<{ question: string; count: number; last_asked_at: string | Date; code: string }>(sql`${withRuns}
        SELECT (array_agg(r.question ORDER BY r.created_at DESC))[1] AS question, count(*)::int AS count,
          max(r.created_at) AS last_asked_at, (array_agg(r.error_code ORDER BY r.created_at DESC))[1] AS code
        FROM runs r WHERE r.outcome = 'refused' AND r.question IS NOT NULL AND btrim(r.question) <> ''
        GROUP BY ${NORMALIZED_QUESTION} ORDER BY count DESC, last_asked_at DESC, question LIMIT ${limit}`),
    ])
    return {
      from: from.toISOString(), to: to.toISOString(), interval, group_by: groupBy ?? null, timezone,
      totals: figures(totals[0]),
      series: series.map((s) => ({ start: s.start, ...figures(s) })),
      ...(groups ? { groups } : {}),
      top_questions: topQuestions.map((q) => ({ question: q.question, count: q.count, succeeded: q.succeeded, last_asked_at: iso(q.last_asked_at) })),
      top_metrics: topMetrics.map((m) => ({ metric: m.metric, count: m.count, succeeded: m.succeeded })),
      refused_questions: refused.map((q) => ({ question: q.question, count: q.count, last_asked_at: iso(q.last_asked_at), code: q.code })),
    }
  }

  /**
   * One entry per user, key, connection, metric or planner, busiest first.
   * `api_key` counts only runs made with a key (sign-ins have none); `metric`
   * counts a run once under each metric its plan asked for, so its entries
   * may add up to more (or, for unplanned runs, fewer) than the totals.
   */
  private async groups(tenantId: string, withRuns: SQL, groupBy: UsageGroup): Promise<UsageGroupEntry[]> {
    const source: Record<UsageGroup, SQL> = {
      user: sql`SELECT r.person AS key, ${FIGURES} FROM runs r GROUP BY 1`,
      api_key: sql`SELECT r.principal_id AS key, ${FIGURES} FROM runs r WHERE left(r.principal_id, 4) = 'key_' GROUP BY 1`,
      connection: sql`SELECT r.connection_id AS key, ${FIGURES} FROM runs r GROUP BY 1`,
      metric: sql`SELECT m.metric AS key, ${FIGURES} FROM runs r CROSS JOIN LATERAL ${METRICS_OF} AS m(metric) GROUP BY 1`,
      // Runs that failed before any plan have no planner.
      planner: sql`SELECT coalesce(r.planner, 'none') AS key, ${FIGURES} FROM runs r GROUP BY 1`,
    }
    const rows = await this.rows<FigureRow & { key: string }>(sql`${withRuns} SELECT * FROM (${source[groupBy]}) g ORDER BY g.queries DESC, g.key`)
    const labels = await this.labels(tenantId, groupBy, rows.map((g) => g.key))
    return rows.map((g) => ({ key: g.key, label: labels.get(g.key) ?? null, ...figures(g) }))
  }

  private async labels(tenantId: string, group: UsageGroup, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    if (!keys.length || group === 'metric' || group === 'planner') return out
    if (group === 'connection') {
      const rows = await this.db.select({ id: connections.id, name: connections.name }).from(connections)
        .where(and(eq(connections.tenantId, tenantId), inArray(connections.id, keys)))
      for (const r of rows) out.set(r.id, r.name)
      return out
    }
    const [u, k] = await Promise.all([
      group === 'user'
        ? this.db.select({ id: users.id, label: users.email }).from(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, keys)))
        : Promise.resolve([]),
      this.db.select({ id: apiKeys.id, label: apiKeys.name }).from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), inArray(apiKeys.id, keys))),
    ])
    for (const r of [...u, ...k]) out.set(r.id, r.label)
    return out
  }

  private async rows<T>(q: SQL): Promise<T[]> {
    const res = await this.db.execute(q)
    // node-postgres answers { rows }, PGlite through drizzle the same shape.
    return ((res as unknown as { rows?: T[] }).rows ?? (res as unknown as T[]))
  }
}
