// Readiness, as a load balancer asks it: may this instance be sent new
// requests? Unlike liveness (/health: the process and its store answer), it
// turns false while the instance drains on SIGTERM, when Redis is configured
// but unreachable (limits would not hold across instances), and until this
// version's migrations are in the store.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { Store } from '../store/db'

/** Something that answers a ping (the Redis client). */
export interface Pingable { ping(): Promise<unknown> }

export interface ReadinessReport { status: 'ok' | 'unavailable'; failing: string[] }

/** Migrations this build ships (drizzle-kit's journal). */
export function shippedMigrationCount(migrationsDir: string): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsDir, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }
  return journal.entries.length
}

/** Each check gets this long: a hung dependency must not hang the probe. */
const CHECK_TIMEOUT_MS = 2000

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([p, new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), ms) })])
    .finally(() => clearTimeout(timer))
}

export class Readiness {
  private drainingSince?: number
  /** Once this version's migrations were seen applied they stay so: later probes skip the query. */
  private migrated = false

  constructor(private readonly o: { store: Store; redis?: Pingable; migrationsDir: string }) {}

  /** From now on the instance reports not ready (SIGTERM): new traffic goes elsewhere. */
  startDraining(): void { this.drainingSince ??= Date.now() }

  get draining(): boolean { return this.drainingSince !== undefined }

  async check(): Promise<ReadinessReport> {
    const failing: string[] = []
    if (this.draining) failing.push('draining')
    const checks: Array<[string, () => Promise<unknown>]> = [['store', () => this.o.store.ping()]]
    if (this.o.redis) checks.push(['redis', () => this.o.redis!.ping()])
    if (!this.migrated) checks.push(['migrations', () => this.checkMigrations()])
    const results = await Promise.allSettled(checks.map(([, run]) => within(run(), CHECK_TIMEOUT_MS)))
    results.forEach((r, i) => { if (r.status === 'rejected') failing.push(checks[i][0]) })
    return { status: failing.length ? 'unavailable' : 'ok', failing }
  }

  private async checkMigrations(): Promise<void> {
    const res = await this.o.store.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)
    const applied = Number((res as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0)
    if (applied < shippedMigrationCount(this.o.migrationsDir)) throw new Error('migrations pending')
    this.migrated = true
  }
}
