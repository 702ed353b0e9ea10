// GET /billing/plan: the tenant's plan and limits beside what the current
// period has used (monthly meters) and what it holds now (connections, seats).
import type { BillingService, TenantPlan } from './billing-service'
import { monthOf, type MeterName } from './plans'

export interface PlanSummary {
  name: string
  limits: TenantPlan['limits']
  usage: Record<MeterName, number> & { connections: number; seats: number }
  period_start: string
  period_end: string
}

export async function planSummary(billing: Pick<BillingService, 'planOf' | 'monthUsage' | 'capacityUsed'>, tenantId: string, now: Date): Promise<PlanSummary> {
  const { start, end } = monthOf(now)
  const [plan, used, capacity] = await Promise.all([billing.planOf(tenantId), billing.monthUsage(tenantId, now), billing.capacityUsed(tenantId)])
  return { name: plan.name, limits: plan.limits, usage: { ...used, ...capacity }, period_start: start.toISOString(), period_end: end.toISOString() }
}
