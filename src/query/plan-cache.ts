// Plans the offline planner made for a question asked without a conversation,
// kept so that the same question on the same view of the same layer (a BI
// tool refreshing a dashboard) is not planned again. The offline planner is a
// pure function of the question, the catalog, the timezone and the current
// date, so the key holds exactly those: the catalog's key (tenant,
// connection, access context) and fingerprint (the layer's version), the
// timezone, and the minute (plans carry civil dates only, and every timezone's
// midnight falls on a minute boundary, so a plan never outlives its day).
// LLM plans are never kept (not deterministic, and they carry token usage).
import type { Plan } from '../planner/planner'

const MAX_PLANS = 1000

export class PlanCache {
  private readonly plans = new Map<string, Plan>()

  constructor(private readonly max = MAX_PLANS) {}

  static key(parts: { catalogKey: string; fingerprint: string; timezone: string; now: Date; question: string }): string {
    return JSON.stringify([parts.catalogKey, parts.fingerprint, parts.timezone, Math.floor(parts.now.getTime() / 60_000), parts.question])
  }

  /** A copy of the kept plan (callers may change theirs), or undefined. */
  get(key: string): Plan | undefined {
    const hit = this.plans.get(key)
    if (!hit) return undefined
    this.plans.delete(key)
    this.plans.set(key, hit)
    return structuredClone(hit)
  }

  /** Keeps an offline plan (a copy); any other plan is ignored. */
  set(key: string, plan: Plan): void {
    if (plan.planner !== 'offline' || plan.usage) return
    this.plans.delete(key)
    while (this.plans.size >= this.max) this.plans.delete(this.plans.keys().next().value!)
    this.plans.set(key, structuredClone(plan))
  }

  get size(): number { return this.plans.size }
}
