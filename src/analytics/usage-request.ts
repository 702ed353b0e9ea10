// From a usage-report request as the API takes it (dates as text read in the
// tenant's time zone, the older since/until names) to the report: resolves
// the range, bounds it per interval, and names the offending field when not.
import { AppError, notFound } from '../errors'
import type { TenantService } from '../identity/tenants'
import { instantIn } from './zoned-time'
import { isStorableInstant, STORABLE_INSTANT_RANGE } from '../storable-instant'
import type { UsageAnalytics, UsageGroup, UsageInterval, UsageReport } from './usage-analytics'

const DAY_MS = 86_400_000
/**
 * Longest range per interval: a year and a bit of days, three years of weeks or
 * months. Bounds the rows one report scans and the entries of its series.
 */
export const MAX_RANGE_DAYS: Record<UsageInterval, number> = { day: 400, week: 1_100, month: 1_100 }

export interface UsageRequest {
  from?: string; to?: string
  /** Older names of from and to. */
  since?: string; until?: string
  interval: UsageInterval
  group_by?: UsageGroup
  limit: number
}

export async function usageReport(deps: { analytics: UsageAnalytics; tenants: TenantService }, tenantId: string, q: UsageRequest, now = new Date()): Promise<UsageReport> {
  const tenant = await deps.tenants.get(tenantId)
  if (!tenant) throw notFound('tenant')
  const tz = tenant.timezone
  const toText = q.to ?? q.until
  const fromText = q.from ?? q.since
  const to = toText ? instantIn(toText, tz) : now
  const from = fromText ? instantIn(fromText, tz) : new Date(to.getTime() - 30 * DAY_MS)
  // The error names the field the caller sent: an old client sends since/until.
  const field = (name: 'from' | 'to', alias: 'since' | 'until') => (q[name] === undefined && q[alias] !== undefined ? alias : name)
  for (const [at, name, alias] of [[from, 'from', 'since'], [to, 'to', 'until']] as const) {
    if (!isStorableInstant(at)) throw new AppError('validation_error', `${field(name, alias)} must be ${STORABLE_INSTANT_RANGE}`, [{ path: field(name, alias), issue: 'out_of_range' }])
  }
  if (from >= to) throw new AppError('validation_error', 'from must be before to', [{ path: field('from', 'since'), issue: 'not_before_to' }])
  const maxDays = MAX_RANGE_DAYS[q.interval]
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw new AppError('validation_error', `from..to may span at most ${maxDays} days with interval=${q.interval}`, [{ path: field('from', 'since'), issue: 'range_too_long', max_days: maxDays }])
  }
  return deps.analytics.report(tenantId, { from, to, interval: q.interval, groupBy: q.group_by, timezone: tz, limit: q.limit })
}
