// Plans and their limits. Three by default (free, team, enterprise);
// NEXATRON_PLANS (JSON) changes their limits or adds plans, and
// NEXATRON_DEFAULT_PLAN names the plan of a tenant that has none set.
// A limit of null means unlimited.
import { z } from 'zod'

export const PLAN_LIMIT_NAMES = ['requests_per_hour', 'queries_per_month', 'rows_per_month', 'llm_tokens_per_month', 'connections', 'seats'] as const
export type PlanLimitName = (typeof PLAN_LIMIT_NAMES)[number]
export type PlanLimits = Record<PlanLimitName, number | null>

/** Monthly quotas: counted per calendar month (UTC) in the store. */
export const MONTHLY_QUOTAS = ['queries_per_month', 'rows_per_month', 'llm_tokens_per_month'] as const
export type MonthlyQuota = (typeof MONTHLY_QUOTAS)[number]

/** The metered unit behind each monthly quota (the meter event's name). */
export const QUOTA_METRIC: Record<MonthlyQuota, MeterName> = {
  queries_per_month: 'queries', rows_per_month: 'rows', llm_tokens_per_month: 'llm_tokens',
}
export const METER_NAMES = ['queries', 'rows', 'llm_tokens'] as const
export type MeterName = (typeof METER_NAMES)[number]

export const DEFAULT_PLANS: Record<string, PlanLimits> = {
  free: { requests_per_hour: 1_000, queries_per_month: 1_000, rows_per_month: 1_000_000, llm_tokens_per_month: 200_000, connections: 1, seats: 3 },
  team: { requests_per_hour: 10_000, queries_per_month: 50_000, rows_per_month: 100_000_000, llm_tokens_per_month: 10_000_000, connections: 10, seats: 50 },
  enterprise: { requests_per_hour: 100_000, queries_per_month: null, rows_per_month: null, llm_tokens_per_month: null, connections: null, seats: null },
}

const Limit = z.number().int().min(0).nullable()
const PlanName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'plan names are lowercase letters, digits, _ and -')
const PlansJson = z.record(PlanName, z.object(Object.fromEntries(PLAN_LIMIT_NAMES.map((n) => [n, Limit.optional()])) as Record<PlanLimitName, z.ZodOptional<typeof Limit>>).strict())

/** Merges NEXATRON_PLANS over the defaults; a new plan must give every limit. Throws an Error naming the problem. */
export function parsePlans(json: string | undefined): Record<string, PlanLimits> {
  const plans: Record<string, PlanLimits> = structuredClone(DEFAULT_PLANS)
  if (!json?.trim()) return plans
  let raw: unknown
  try { raw = JSON.parse(json) } catch { throw new Error('NEXATRON_PLANS: is not valid JSON') }
  const parsed = PlansJson.safeParse(raw)
  if (!parsed.success) {
    throw new Error(`NEXATRON_PLANS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  }
  for (const [name, limits] of Object.entries(parsed.data)) {
    const base = plans[name]
    if (!base) {
      const missing = PLAN_LIMIT_NAMES.filter((n) => limits[n] === undefined)
      if (missing.length) throw new Error(`NEXATRON_PLANS: new plan "${name}" must set ${missing.join(', ')} (null = unlimited)`)
    }
    plans[name] = { ...base, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) } as PlanLimits
  }
  return plans
}

/** The calendar month (UTC) holding `at`: its key ('2026-12') and bounds. */
export function monthOf(at: Date): { period: string; start: Date; end: Date } {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1))
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1))
  return { period: start.toISOString().slice(0, 7), start, end }
}
