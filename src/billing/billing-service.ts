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

  constructor(
    private readonly db: Db,
    private readonly cfg: { plans: Record<string, PlanLimits>; defaultPlan: string },
    private readonly audit?: Pick<AuditService, 'record'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    // Two round trips on the query path: the plan with the month's counters,
    // then the conditional upsert with its meter event as one statement.
    const first = await this.db.execute(sql`SELECT
      (SELECT ${tenantPlans.plan} FROM ${tenantPlans} WHERE ${tenantPlans.tenantId} = ${tenantId}) AS plan,
      (SELECT coalesce(jsonb_object_agg(${usageCounters.metric}, ${usageCounters.value}), '{}'::jsonb) FROM ${usageCounters}
        WHERE ${usageCounters.tenantId} = ${tenantId} AND ${usageCounters.period} = ${period}) AS used`)
    const row0 = (first as unknown as { rows: Array<{ plan: string | null; used: Record<string, unknown> | string }> }).rows[0]
    const { limits } = this.planNamed(row0?.plan ?? null)
    const usedRaw = typeof row0?.used === 'string' ? JSON.parse(row0.used) as Record<string, unknown> : row0?.used ?? {}
    for (const q of MONTHLY_QUOTAS) {
      const limit = limits[q]
      if (q !== 'queries_per_month' && limit !== null && Number(usedRaw[QUOTA_METRIC[q]] ?? 0) >= limit) throw exceeded(q, limit)
    }
    const limit = limits.queries_per_month
    if (limit === 0) throw exceeded('queries_per_month', 0)
    const eventId = newId('mev')
    // A data-modifying CTE is one statement, so atomic: the counter moves only
    // while under the limit (`value < limit`, checked on the row under its
    // lock), and the meter event exists exactly when it moved.
    const taken = await this.db.execute(sql`WITH up AS (
        INSERT INTO ${usageCounters} (tenant_id, metric, period, value) VALUES (${tenantId}, 'queries', ${period}, 1)
        ON CONFLICT (tenant_id, metric, period) DO UPDATE SET value = ${usageCounters}.value + 1
        ${limit !== null ? sql`WHERE ${usageCounters}.value < ${limit}` : sql``}
        RETURNING value
      ), ev AS (
        INSERT INTO ${meterEvents} (id, tenant_id, event_name, value, identifier, occurred_at)
        SELECT ${eventId}, ${tenantId}, 'queries', 1, ${`${tenantId}:queries:${eventId}`}, ${at.toISOString()}::timestamptz FROM up
        RETURNING id
      )
      SELECT value FROM up`)
    const row = (taken as unknown as { rows: Array<{ value: number | string }> }).rows[0]
    const value = row ? Number(row.value) : null
    if (value === null || (limit !== null && value > limit)) throw exceeded('queries_per_month', limit ?? 0)
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
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db
      const inserted = await tx.insert(meterEvents).values({ id: newId('mev'), tenantId, eventName: metric, value, identifier: `${tenantId}:${metric}:${identifier}`, occurredAt: at })
        .onConflictDoNothing().returning({ id: meterEvents.id })
      if (!inserted.length) return false
      await tx.insert(usageCounters).values({ tenantId, metric, period, value })
        .onConflictDoUpdate({ target: [usageCounters.tenantId, usageCounters.metric, usageCounters.period], set: { value: sql`${usageCounters.value} + ${value}` } })
      return true
    })
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

