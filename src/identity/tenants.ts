import { eq } from 'drizzle-orm'
import type { Db } from '../store/db'
import { tenants } from '../store/schema'
import { newId } from '../ids'
import { AppError } from '../errors'

export type Tenant = typeof tenants.$inferSelect

// A tenant's time zone is read by every question and set when the tenant is
// made: kept for 30 s (like plans), so asking costs no store round trip.
const TIMEZONE_CACHE_MS = 30_000

export class TenantService {
  private readonly timezones = new Map<string, { timezone: string; at: number }>()

  constructor(private readonly db: Db) {}

  async create(name: string, timezone = 'UTC'): Promise<Tenant> {
    const existing = await this.byName(name)
    if (existing) throw new AppError('conflict', `a tenant named "${name}" already exists`, [{ path: 'name', issue: 'duplicate' }])
    const [row] = await this.db.insert(tenants).values({ id: newId('ten'), name, timezone }).returning()
    return row
  }

  async byName(name: string): Promise<Tenant | undefined> {
    const [row] = await this.db.select().from(tenants).where(eq(tenants.name, name)).limit(1)
    return row
  }

  async get(id: string): Promise<Tenant | undefined> {
    const [row] = await this.db.select().from(tenants).where(eq(tenants.id, id)).limit(1)
    return row
  }

  /** The tenant's time zone (UTC for an unknown tenant), cached briefly. */
  async timezoneOf(id: string): Promise<string> {
    const hit = this.timezones.get(id)
    if (hit && Date.now() - hit.at < TIMEZONE_CACHE_MS) return hit.timezone
    const [row] = await this.db.select({ timezone: tenants.timezone }).from(tenants).where(eq(tenants.id, id)).limit(1)
    if (this.timezones.size > 10_000) this.timezones.clear()
    const timezone = row?.timezone ?? 'UTC'
    this.timezones.set(id, { timezone, at: Date.now() })
    return timezone
  }

  /** The tenant named `name`, created on first use (the embedded default tenant). */
  async ensure(name: string, timezone: string): Promise<Tenant> {
    return (await this.byName(name)) ?? this.create(name, timezone)
  }

  async update(id: string, patch: { timezone?: string; webhookSecretEnc?: string }): Promise<void> {
    await this.db.update(tenants).set(patch).where(eq(tenants.id, id))
    if (patch.timezone !== undefined) this.timezones.delete(id)
  }
}
