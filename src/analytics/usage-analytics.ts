// Usage analytics over the query history: runs, rows, LLM tokens, latency
// percentiles and errors of one tenant, grouped by day (in the tenant's time
// zone), by principal (user or API key) or by connection. Aggregation happens
// in SQL (PostgreSQL and PGlite alike); labels are looked up afterwards.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../store/db'
import { apiKeys, connections, queries, users } from '../store/schema'

export const USAGE_GROUPS = ['day', 'user', 'connection'] as const
export type UsageGroup = (typeof USAGE_GROUPS)[number]

export interface UsageFigures {
  queries: number
  succeeded: number
  failed: number
  cancelled: number
  /** Queued or running at the time of the report. */
  pending: number
  rows: number
  llm_tokens: { prompt: number; completion: number; total: number }
  /** Of succeeded runs; null when there were none. */
  latency_ms: { p50: number | null; p95: number | null; avg: number | null }
  error_rate: number
}

export interface UsageBucket extends UsageFigures {
  key: string
  /** A readable name: the user's email, the key's or connection's name (null when deleted). */
  label: string | null
}

export interface UsageReport {
  group_by: UsageGroup
  since: string
  until: string
  timezone: string
  totals: UsageFigures
  data: UsageBucket[]
}

interface AggRow {
  key: string | null
  queries: number
  succeeded: number
  failed: number
  cancelled: number
  pending: number
  rows: string | number | null
  prompt: string | number | null
  completion: string | number | null
  total: string | number | null
  p50: number | null
  p95: number | null
  avg: number | null
}

// The field names are constants of this file, never input: inlined as literals
// so the jsonb operators resolve without a typed parameter.
const tokens = (field: 'prompt_tokens' | 'completion_tokens' | 'total_tokens') => {
  const f = sql.raw(`'${field}'`)
  return sql`coalesce(sum(CASE WHEN jsonb_typeof(${queries.usage} -> ${f}) = 'number' THEN (${queries.usage} ->> ${f})::numeric END), 0)`
}

function figures(r: AggRow): UsageFigures {
  const n = (v: string | number | null) => (v === null ? 0 : Number(v))
  const ms = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10)
  const finished = r.succeeded + r.failed
  return {
    queries: r.queries, succeeded: r.succeeded, failed: r.failed, cancelled: r.cancelled, pending: r.pending, rows: n(r.rows),
    llm_tokens: { prompt: n(r.prompt), completion: n(r.completion), total: n(r.total) },
    latency_ms: { p50: ms(r.p50), p95: ms(r.p95), avg: ms(r.avg) },
    error_rate: finished ? Math.round((r.failed / finished) * 10_000) / 10_000 : 0,
  }
}

const EMPTY: AggRow = { key: null, queries: 0, succeeded: 0, failed: 0, cancelled: 0, pending: 0, rows: 0, prompt: 0, completion: 0, total: 0, p50: null, p95: null, avg: null }

export class UsageAnalytics {
  constructor(private readonly db: Db) {}

  async report(tenantId: string, opts: { groupBy: UsageGroup; since: Date; until: Date; timezone: string }): Promise<UsageReport> {
    const { since, until, timezone } = opts
    const keyExpr: SQL = opts.groupBy === 'day'
      ? sql`to_char((${queries.createdAt} AT TIME ZONE ${timezone})::date, 'YYYY-MM-DD')`
      : opts.groupBy === 'user' ? sql`${queries.principalId}` : sql`${queries.connectionId}`
    const succeeded = sql`${queries.status} = 'succeeded' AND ${queries.durationMs} IS NOT NULL`
    const select = (key: SQL | null) => sql`SELECT ${key ?? sql`NULL`} AS key,
        count(*)::int AS queries,
        (count(*) FILTER (WHERE ${queries.status} = 'succeeded'))::int AS succeeded,
        (count(*) FILTER (WHERE ${queries.status} = 'failed'))::int AS failed,
        (count(*) FILTER (WHERE ${queries.status} = 'cancelled'))::int AS cancelled,
        (count(*) FILTER (WHERE ${queries.status} IN ('queued', 'running')))::int AS pending,
        coalesce(sum(${queries.rowCount}), 0) AS rows,
        ${tokens('prompt_tokens')} AS prompt, ${tokens('completion_tokens')} AS completion, ${tokens('total_tokens')} AS total,
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY ${queries.durationMs}) FILTER (WHERE ${succeeded}))::float8 AS p50,
        (percentile_cont(0.95) WITHIN GROUP (ORDER BY ${queries.durationMs}) FILTER (WHERE ${succeeded}))::float8 AS p95,
        (avg(${queries.durationMs}) FILTER (WHERE ${succeeded}))::float8 AS avg
      FROM ${queries}
      WHERE ${queries.tenantId} = ${tenantId} AND ${queries.createdAt} >= ${since.toISOString()} AND ${queries.createdAt} < ${until.toISOString()}
      ${key ? sql`GROUP BY 1 ORDER BY 1` : sql``}`
    const [grouped, total] = await Promise.all([this.rows(select(keyExpr)), this.rows(select(null))])
    const labels = await this.labels(tenantId, opts.groupBy, grouped.map((g) => g.key).filter((k): k is string => k !== null))
    let data: UsageBucket[] = grouped.map((g) => ({ key: g.key ?? '', label: labels.get(g.key ?? '') ?? null, ...figures(g) }))
    if (opts.groupBy === 'day') data = fillDays(data, since, until, timezone)
    else data.sort((a, b) => b.queries - a.queries || (a.key < b.key ? -1 : 1))
    return { group_by: opts.groupBy, since: since.toISOString(), until: until.toISOString(), timezone, totals: figures(total[0] ?? EMPTY), data }
  }

  private async rows(q: SQL): Promise<AggRow[]> {
    const res = await this.db.execute(q)
    // node-postgres answers { rows }, PGlite through drizzle the same shape.
    return ((res as unknown as { rows?: AggRow[] }).rows ?? (res as unknown as AggRow[]))
  }

  private async labels(tenantId: string, group: UsageGroup, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    if (!keys.length || group === 'day') return out
    if (group === 'connection') {
      const rows = await this.db.select({ id: connections.id, name: connections.name }).from(connections)
        .where(and(eq(connections.tenantId, tenantId), inArray(connections.id, keys)))
      for (const r of rows) out.set(r.id, r.name)
      return out
    }
    const [u, k] = await Promise.all([
      this.db.select({ id: users.id, label: users.email }).from(users).where(and(eq(users.tenantId, tenantId), inArray(users.id, keys))),
      this.db.select({ id: apiKeys.id, label: apiKeys.name }).from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), inArray(apiKeys.id, keys))),
    ])
    for (const r of [...u, ...k]) out.set(r.id, r.label)
    return out
  }
}

/** Every calendar day of the range (in the tenant's zone), zeros where nothing ran, so charts need no gap logic. */
function fillDays(data: UsageBucket[], since: Date, until: Date, timezone: string): UsageBucket[] {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)
  const byKey = new Map(data.map((d) => [d.key, d]))
  const out: UsageBucket[] = []
  const last = day(new Date(until.getTime() - 1))
  // Walk UTC noon to noon: each step lands on the next local calendar day whatever the offset.
  let cursor = day(since)
  for (let i = 0; i < 1000 && cursor <= last; i++) {
    out.push(byKey.get(cursor) ?? { key: cursor, label: null, ...figures({ ...EMPTY }) })
    const next = new Date(`${cursor}T12:00:00Z`)
    next.setUTCDate(next.getUTCDate() + 1)
    cursor = next.toISOString().slice(0, 10)
  }
  return out
}
