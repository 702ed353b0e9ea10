// Plans, monthly quotas and metering, counted in the store so every instance
// sees the same figures:
// - a query is admitted by one atomic conditional upsert on the tenant's
//   counter for the month (`value < limit`), so two instances can never both
//   take the last unit; a request refused before it ran gives its unit back;
// - every metered unit is also a meter event (Stripe's shape) with a stable,
//   unique identifier, so an export can be replayed without double billing;
// - connections and seats are checked at create under a lock on the tenant row.
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm'
import type { Db } from '../store/db'
import { connections, meterEvents, tenantPlans, tenants, usageCounters, users } from '../store/schema'
import { newId } from '../ids'
import { AppError } from '../errors'
import { currentTransaction, lockForWrites } from '../audit/ambient-tx'
import type { AuditActor, AuditService } from '../audit/audit-service'
import { METER_NAMES, MONTHLY_QUOTAS, QUOTA_METRIC, monthOf, type MeterName, type MonthlyQuota, type PlanLimits } from './plans'

export interface TenantPlan { name: string; limits: PlanLimits }

export interface Admission {
  /** The quota reported in X-Quota-* (queries per month); absent when unlimited. */
  quota?: { limit: number; remaining: number; reset: number }
  /** Gives the admitted unit back (the request was refused before it ran). */
  release(): Promise<void>
}

export interface MeterEventView {
  identifier: string
  event_name: MeterName
  timestamp: number
  value: number
  tenant: string
  /** Stripe's meter event payload: `value` as a string and the customer (here: the tenant). */
  payload: { value: string; tenant: string }
  occurred_at: string
}

const CACHE_MS = 30_000
const BATCH = 500

export class BillingService {
  private readonly cache = new Map<string, { plan: TenantPlan; at: number }>()
  /** The configured plans' limits as JSON: the parameter admitQuery's statement picks the tenant's from. */
  private readonly plansJson: string

  constructor(
    private readonly db: Db,
    private readonly cfg: { plans: Record<string, PlanLimits>; defaultPlan: string },
    private readonly audit?: Pick<AuditService, 'record'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.plansJson = JSON.stringify(cfg.plans)
  }

  get planNames(): string[] { return Object.keys(this.cfg.plans) }

  /** The tenant's plan (an unknown stored name falls back to the default plan). */
  async planOf(tenantId: string): Promise<TenantPlan> {
    const [row] = await this.db.select({ plan: tenantPlans.plan }).from(tenantPlans).where(eq(tenantPlans.tenantId, tenantId))
    const plan = this.planNamed(row?.plan ?? null)
    this.cache.set(tenantId, { plan, at: Date.now() })
    return plan
  }

  /** The plan a stored name stands for (none, or one no longer configured: the default plan). */
  private planNamed(stored: string | null): TenantPlan {
    const name = stored && this.cfg.plans[stored] ? stored : this.cfg.defaultPlan
    return { name, limits: this.cfg.plans[name] }
  }

  /** planOf, cached for 30 s: read on every request by the rate limiter. */
  async cachedPlanOf(tenantId: string): Promise<TenantPlan> {
    const hit = this.cache.get(tenantId)
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.plan
    if (this.cache.size > 10_000) this.cache.clear()
    return this.planOf(tenantId)
  }

  /** Sets the tenant's plan and records `plan.change` in the same transaction. */
  async setPlan(tenantId: string, plan: string, actor: AuditActor, ctx: { requestId?: string | null; ip?: string | null } = {}): Promise<{ from: string; to: string }> {
    if (!this.cfg.plans[plan]) {
      throw new AppError('validation_error', `unknown plan "${plan}" (plans: ${this.planNames.join(', ')})`, [{ path: 'plan', issue: 'unknown_plan' }])
    }
    const run = async (tx: Db) => {
      const [before] = await tx.select({ plan: tenantPlans.plan }).from(tenantPlans).where(eq(tenantPlans.tenantId, tenantId)).for('update')
      const from = before?.plan ?? this.cfg.defaultPlan
      await tx.insert(tenantPlans).values({ tenantId, plan, updatedAt: this.now() })
        .onConflictDoUpdate({ target: tenantPlans.tenantId, set: { plan, updatedAt: this.now() } })
      await this.audit?.record({
        tenantId, actor, action: 'plan.change', outcome: 'success', resource: { type: 'tenant', id: tenantId },
        details: { plan_from: from, plan_to: plan }, requestId: ctx.requestId, ip: ctx.ip,
      })
      return { from, to: plan }
    }
    const tx = currentTransaction()
    const result = tx ? await run(tx) : await this.db.transaction((t) => run(t as unknown as Db))
    this.cache.delete(tenantId)
    return result
  }

  /** Units used this month per meter. */
  async monthUsage(tenantId: string, at = this.now()): Promise<Record<MeterName, number>> {
    const { period } = monthOf(at)
    const rows = await this.db.select({ metric: usageCounters.metric, value: usageCounters.value }).from(usageCounters)
      .where(and(eq(usageCounters.tenantId, tenantId), eq(usageCounters.period, period)))
    const out = Object.fromEntries(METER_NAMES.map((m) => [m, 0])) as Record<MeterName, number>
    for (const r of rows) if ((METER_NAMES as readonly string[]).includes(r.metric)) out[r.metric as MeterName] = Number(r.value)
    return out
  }

  /**
   * Admits one query: refuses with 429 quota_exceeded when a monthly quota is
   * spent (Retry-After: the month's end), else takes one unit of the queries
   * quota atomically and records its meter event.
   */
  async admitQuery(tenantId: string): Promise<Admission> {
    const at = this.now()
    const { period, end } = monthOf(at)
    const reset = Math.ceil(end.getTime() / 1000)
    const retryAfter = Math.max(1, Math.ceil((end.getTime() - at.getTime()) / 1000))
    const exceeded = (quota: MonthlyQuota, limit: number) => new AppError('quota_exceeded',
      `the monthly ${quota.replace(/_/g, ' ')} quota of this plan (${limit}) is spent; it resets at ${end.toISOString()}`,
      [{ issue: 'quota_exceeded', quota, limit, reset }], { retryAfterS: retryAfter })
    // One round trip on the query path: the plan and the month's counters are
    // read, the other monthly quotas checked and the queries unit taken in one
    // statement. A data-modifying CTE is atomic: the counter moves only while
    // under the limit (`value < limit`, checked on the row under its lock), and
    // the meter event exists exactly when it moved. The limits travel as a
    // parameter (the configured plans), so the store picks the tenant's.
    const eventId = newId('mev')
    const lim = sql`(SELECT lim FROM l)`
    const others = MONTHLY_QUOTAS.filter((q) => q !== 'queries_per_month').map((q) =>
      // Names from the closed lists in plans.ts, written in as literals.
      sql.raw(`(jsonb_typeof(l.lim -> '${q}') = 'null' OR coalesce((t.used ->> '${QUOTA_METRIC[q]}')::numeric, 0) < (l.lim ->> '${q}')::numeric)`))
    const taken = await this.db.execute(sql`WITH t AS (
        SELECT (SELECT ${tenantPlans.plan} FROM ${tenantPlans} WHERE ${tenantPlans.tenantId} = ${tenantId}) AS plan,
          (SELECT coalesce(jsonb_object_agg(${usageCounters.metric}, ${usageCounters.value}), '{}'::jsonb) FROM ${usageCounters}
            WHERE ${usageCounters.tenantId} = ${tenantId} AND ${usageCounters.period} = ${period}) AS used
      ), l AS (
        SELECT coalesce(${this.plansJson}::jsonb -> t.plan, ${this.plansJson}::jsonb -> ${this.cfg.defaultPlan}::text) AS lim FROM t
      ), ok AS (
        SELECT 1 FROM t, l WHERE ${sql.join(others, sql` AND `)}
          AND (jsonb_typeof(l.lim -> 'queries_per_month') = 'null' OR (l.lim ->> 'queries_per_month')::numeric > 0)
      ), up AS (
        INSERT INTO ${usageCounters} (tenant_id, metric, period, value) SELECT ${tenantId}, 'queries', ${period}, 1 FROM ok
        ON CONFLICT (tenant_id, metric, period) DO UPDATE SET value = ${usageCounters}.value + 1
        WHERE jsonb_typeof(${lim} -> 'queries_per_month') = 'null' OR ${usageCounters}.value < (${lim} ->> 'queries_per_month')::numeric
        RETURNING value
      ), ev AS (
        INSERT INTO ${meterEvents} (id, tenant_id, event_name, value, identifier, occurred_at)
        SELECT ${eventId}, ${tenantId}, 'queries', 1, ${`${tenantId}:queries:${eventId}`}, ${at.toISOString()}::timestamptz FROM up
        RETURNING id
      )
      SELECT t.plan, t.used, (SELECT value FROM up) AS value FROM t`)
    const row = (taken as unknown as { rows: Array<{ plan: string | null; used: Record<string, unknown> | string; value: number | string | null }> }).rows[0]
    const { limits } = this.planNamed(row?.plan ?? null)
    const limit = limits.queries_per_month
    const value = row?.value === null || row?.value === undefined ? null : Number(row.value)
    if (value === null || (limit !== null && value > limit)) {
      // Refused: say which quota is spent (the others first, as they were checked first).
      const used = typeof row?.used === 'string' ? JSON.parse(row.used) as Record<string, unknown> : row?.used ?? {}
      for (const q of MONTHLY_QUOTAS) {
        const l = limits[q]
        if (q !== 'queries_per_month' && l !== null && Number(used[QUOTA_METRIC[q]] ?? 0) >= l) throw exceeded(q, l)
      }
      throw exceeded('queries_per_month', limit ?? 0)
    }
    return {
      quota: limit === null ? undefined : { limit, remaining: Math.max(0, limit - value), reset },
      release: async () => {
        await this.db.transaction(async (t) => {
          const tx = t as unknown as Db
          const gone = await tx.delete(meterEvents).where(and(eq(meterEvents.tenantId, tenantId), eq(meterEvents.id, eventId))).returning({ id: meterEvents.id })
          if (gone.length) {
            await tx.update(usageCounters).set({ value: sql`${usageCounters.value} - 1` })
              .where(and(eq(usageCounters.tenantId, tenantId), eq(usageCounters.metric, 'queries'), eq(usageCounters.period, period)))
          }
        })
      },
    }
  }

  /**
   * Meters `value` units once per identifier: the event and the counter move
   * together, and a second call with the same identifier changes nothing.
   */
  async meter(tenantId: string, metric: MeterName, value: number, identifier: string, at = this.now()): Promise<boolean> {
    if (!(value > 0)) return false
    const { period } = monthOf(at)
    // One statement, so one round trip and atomic: the counter moves only when
    // the event is new (`up` reads the rows `ev` inserted; a replayed identifier
    // inserts none), and a concurrent twin waits on the unique identifier.
    const res = await this.db.execute(sql`WITH ev AS (
        INSERT INTO ${meterEvents} (id, tenant_id, event_name, value, identifier, occurred_at)
        VALUES (${newId('mev')}, ${tenantId}, ${metric}, ${value}, ${`${tenantId}:${metric}:${identifier}`}, ${at.toISOString()}::timestamptz)
        ON CONFLICT DO NOTHING
        RETURNING id
      ), up AS (
        INSERT INTO ${usageCounters} (tenant_id, metric, period, value)
        SELECT ${tenantId}, ${metric}, ${period}, ${value} FROM ev
        ON CONFLICT (tenant_id, metric, period) DO UPDATE SET value = ${usageCounters}.value + EXCLUDED.value
        RETURNING value
      )
      SELECT count(*)::int AS n FROM ev`)
    return Number((res as unknown as { rows: Array<{ n: number | string }> }).rows[0]?.n ?? 0) > 0
  }

  /** Metered units per UTC day of a month, computed in the store. */
  async usage(tenantId: string, period: string): Promise<{ period: string; period_start: string; period_end: string; totals: Record<MeterName, number>; days: Array<{ date: string } & Record<MeterName, number>> }> {
    const { start, end } = monthOf(new Date(`${period}-01T00:00:00Z`))
    const day = sql<string>`to_char(${meterEvents.occurredAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
    const rows = await this.db.select({ day, metric: meterEvents.eventName, value: sql<string>`sum(${meterEvents.value})` }).from(meterEvents)
      .where(and(eq(meterEvents.tenantId, tenantId), gte(meterEvents.occurredAt, start), lt(meterEvents.occurredAt, end)))
      .groupBy(day, meterEvents.eventName).orderBy(day)
    const zero = () => Object.fromEntries(METER_NAMES.map((m) => [m, 0])) as Record<MeterName, number>
    const days = new Map<string, Record<MeterName, number>>()
    const totals = zero()
    for (const r of rows) {
      if (!(METER_NAMES as readonly string[]).includes(r.metric)) continue
      const d = days.get(r.day) ?? zero()
      d[r.metric as MeterName] += Number(r.value)
      totals[r.metric as MeterName] += Number(r.value)
      days.set(r.day, d)
    }
    return { period, period_start: start.toISOString(), period_end: end.toISOString(), totals, days: [...days].map(([date, v]) => ({ date, ...v })) }
  }

  /** Meter events at or after `since`, oldest first, in batches (an export holds one batch in memory). */
  async *meterEvents(tenantId: string, since: Date): AsyncGenerator<MeterEventView> {
    let after: { at: Date; id: string } | undefined
    for (;;) {
      const rows = await this.db.select().from(meterEvents).where(and(
        eq(meterEvents.tenantId, tenantId), gte(meterEvents.occurredAt, since),
        after ? sql`(${meterEvents.occurredAt}, ${meterEvents.id}) > (${after.at.toISOString()}, ${after.id})` : undefined,
      )).orderBy(asc(meterEvents.occurredAt), asc(meterEvents.id)).limit(BATCH)
      for (const r of rows) {
        yield {
          identifier: r.identifier, event_name: r.eventName as MeterName, timestamp: Math.floor(r.occurredAt.getTime() / 1000), value: Number(r.value),
          tenant: r.tenantId, payload: { value: String(r.value), tenant: r.tenantId }, occurred_at: r.occurredAt.toISOString(),
        }
      }
      if (rows.length < BATCH) return
      const last = rows[rows.length - 1]
      after = { at: last.occurredAt, id: last.id }
    }
  }

  /** Whether this user of the tenant exists and is disabled (re-enabling takes a seat). */
  async isDisabledUser(tenantId: string, id: string): Promise<boolean> {
    const [u] = await this.db.select({ disabled: users.disabled }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    return u?.disabled === true
  }

  /** Connections and active users (seats) the tenant has now. */
  async capacityUsed(tenantId: string): Promise<{ connections: number; seats: number }> {
    const [[c], [u]] = await Promise.all([
      this.db.select({ n: sql<number>`count(*)::int` }).from(connections).where(eq(connections.tenantId, tenantId)),
      this.db.select({ n: sql<number>`count(*)::int` }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.disabled, false))),
    ])
    return { connections: c.n, seats: u.n }
  }

  /**
   * Refuses a create that would exceed the plan's connections or seats. Counts
   * at once (an early refusal that holds nothing), and again under a lock on
   * the tenant row when the caller's ambient transaction opens at its first
   * write, so concurrent creates (on any instance) are counted one after the
   * other; a refusal there fails that write. The lock waits for the write
   * instead of being taken now: the create may first reach out (a login check
   * on the new connection's warehouse), and no lock may wait on that.
   */
  async assertCapacity(tenantId: string, what: 'connections' | 'seats'): Promise<void> {
    const { name, limits } = await this.planOf(tenantId)
    const limit = limits[what]
    if (limit === null) return
    const count = async () => {
      const n = (await this.capacityUsed(tenantId))[what]
      if (n >= limit) {
        throw new AppError('plan_limit_reached', `the ${name} plan allows ${limit} ${what === 'seats' ? 'active users (seats)' : 'connections'}; this tenant has ${n}`,
          [{ issue: 'plan_limit_reached', limit: what, max: limit, plan: name }])
      }
    }
    await count()
    await lockForWrites(async (tx) => {
      // NO KEY UPDATE: audit inserts (a foreign key's KEY SHARE on this row) are not blocked by it.
      await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('no key update')
      await count()
    })
  }
}

