// The audit log: who did what, when, from where, with which outcome. Entries
// hold identifiers only (actor, target, request id, address), never request
// bodies, so no secret can end up here. Every read is filtered by tenant.
import { and, desc, eq, sql } from 'drizzle-orm'
import type { Db } from '../store/db'
import { auditLog } from '../store/schema'
import { newId } from '../ids'
import { decodeCursor, encodeCursor, type Page } from '../store/pagination'

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number]

export interface AuditEvent {
  tenantId: string
  /** usr_..., key_..., scim_... (a SCIM token), or null when nobody was authenticated. */
  actorId: string | null
  /** Dotted name, e.g. `api_key.create`, `auth.login`, `scim.user.update`. */
  action: string
  targetId?: string | null
  outcome: AuditOutcome
  ip?: string | null
  requestId?: string | null
}

export interface AuditEntryView {
  id: string
  action: string
  outcome: AuditOutcome
  actor_id: string | null
  actor_type: 'user' | 'api_key' | 'scim' | null
  target_id: string | null
  ip: string | null
  request_id: string | null
  created_at: string
}

export interface AuditFilter {
  limit: number
  cursor?: string
  /** An exact action, or a family ending in `.*` (`user.*`). */
  action?: string
  actor_id?: string
  outcome?: AuditOutcome
  since?: Date
  until?: Date
}

type Row = typeof auditLog.$inferSelect

function actorType(id: string | null): AuditEntryView['actor_type'] {
  if (!id) return null
  if (id.startsWith('usr_')) return 'user'
  if (id.startsWith('key_')) return 'api_key'
  if (id.startsWith('scim_')) return 'scim'
  return null
}

export function viewAuditEntry(r: Row): AuditEntryView {
  return {
    id: r.id, action: r.action, outcome: r.outcome as AuditOutcome, actor_id: r.actorId, actor_type: actorType(r.actorId),
    target_id: r.targetId, ip: r.ip, request_id: r.requestId, created_at: r.createdAt.toISOString(),
  }
}

// Columns are plain text: keep whatever a client could influence (an address
// from X-Forwarded-For, an id from the path) to a sane length.
const clip = (s: string | null | undefined, n: number) => (s ? s.slice(0, n) : null)

export class AuditService {
  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  async record(e: AuditEvent): Promise<void> {
    await this.db.insert(auditLog).values({
      id: newId('aud'), tenantId: e.tenantId, actorId: clip(e.actorId, 128), action: e.action, targetId: clip(e.targetId, 128),
      outcome: e.outcome, ip: clip(e.ip, 64), requestId: clip(e.requestId, 128), createdAt: this.now(),
    })
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(tenantId: string, f: AuditFilter): Promise<Page<AuditEntryView>> {
    const c = f.cursor ? decodeCursor(f.cursor) : undefined
    const family = f.action?.endsWith('.*') ? f.action.slice(0, -1) : undefined
    const rows = await this.db.select().from(auditLog).where(and(
      eq(auditLog.tenantId, tenantId),
      f.action === undefined ? undefined
        : family !== undefined ? sql`left(${auditLog.action}, ${family.length}) = ${family}` : eq(auditLog.action, f.action),
      f.actor_id ? eq(auditLog.actorId, f.actor_id) : undefined,
      f.outcome ? eq(auditLog.outcome, f.outcome) : undefined,
      f.since ? sql`${auditLog.createdAt} >= ${f.since.toISOString()}` : undefined,
      f.until ? sql`${auditLog.createdAt} < ${f.until.toISOString()}` : undefined,
      c ? sql`(${auditLog.createdAt}, ${auditLog.id}) < (${c.t}, ${c.id})` : undefined,
    )).orderBy(desc(auditLog.createdAt), desc(auditLog.id)).limit(f.limit + 1)
    const page = rows.slice(0, f.limit)
    const last = page[page.length - 1]
    return { data: page.map(viewAuditEntry), next_cursor: rows.length > f.limit && last ? encodeCursor(last.createdAt, last.id) : null }
  }
}
