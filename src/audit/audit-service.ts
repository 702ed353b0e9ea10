// The audit log: who did what, to what, when, from where, with which outcome.
// Records hold identifiers and redacted details only (audit-details.ts), never
// request bodies, so no secret or result value can end up here. Each record is
// appended to its tenant's hash chain (audit-chain.ts) under a lock on the
// tenant's head row, inside the caller's transaction when there is one (the
// mutation it records), so a failed write fails the mutation. Every read is
// filtered by tenant.
import { and, asc, desc, eq, gt, isNull, lt, lte, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../store/db'
import { auditHeads, auditLog } from '../store/schema'
import { newId } from '../ids'
import { decodeCursor, encodeCursor, type Page } from '../store/pagination'
import { currentTransaction } from './ambient-tx'
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, isAuditAction, type AuditAction, type AuditActorType, type AuditOutcome } from './audit-actions'
import { clipText, redactDetails, type AuditDetails } from './audit-details'
import { GENESIS_HASH, recordHash } from './audit-chain'

export { AUDIT_OUTCOMES, type AuditOutcome } from './audit-actions'

export interface AuditActor { type: AuditActorType; id: string | null; display?: string | null }
export interface AuditResource { type: string; id: string | null }

export interface AuditEvent {
  tenantId: string
  /** Who acted; null when nobody was authenticated (a failed login). */
  actor?: AuditActor | null
  action: AuditAction
  resource?: AuditResource | null
  outcome: AuditOutcome
  ip?: string | null
  userAgent?: string | null
  requestId?: string | null
  details?: AuditDetails | null
  /** Defaults to now. */
  occurredAt?: Date
}

/** The older shape some callers still use: the actor and target by id, their types told by the id's prefix. */
export interface LegacyAuditEvent {
  tenantId: string
  actorId: string | null
  action: string
  targetId?: string | null
  outcome: AuditOutcome
  ip?: string | null
  requestId?: string | null
}

export interface AuditEntryView {
  id: string
  seq: number | null
  occurred_at: string
  actor: { type: AuditActorType; id: string | null; display: string | null } | null
  action: string
  resource: { type: string; id: string | null } | null
  outcome: AuditOutcome
  ip: string | null
  user_agent: string | null
  request_id: string | null
  details: Record<string, unknown>
  prev_hash: string | null
  hash: string | null
}

export interface AuditFilter {
  /** A prefix of the action (`user.` or `user` matches user.create); `user.*` is accepted as a family too. */
  action?: string
  actor_id?: string
  resource_type?: string
  resource_id?: string
  outcome?: AuditOutcome
  since?: Date
  until?: Date
}

export interface VerifyResult {
  ok: boolean
  /** Chained records whose hash was recomputed. */
  checked: number
  first_break: null | { id: string | null; seq: number; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'missing_records' | 'head_mismatch' }
  /** Records written before the chain existed (not covered by it). */
  unchained: number
}

type Row = typeof auditLog.$inferSelect

const PREFIX_TYPES: Array<[string, string]> = [
  ['usr_', 'user'], ['key_', 'api_key'], ['conn_', 'connection'], ['qry_', 'query'], ['met_', 'metric'], ['dim_', 'dimension'],
  ['sm_', 'semantic_model'], ['scim_', 'scim_token'], ['ten_', 'tenant'],
]
export const typeOfId = (id: string | null | undefined): string | null => (id ? PREFIX_TYPES.find(([p]) => id.startsWith(p))?.[1] ?? null : null)

/** The actor an id names, its type told by the id's prefix. */
export function legacyActor(id: string | null): AuditActor | null {
  if (!id) return { type: 'system', id: null }
  const t = typeOfId(id)
  return { type: t === 'user' || t === 'api_key' ? t : t === 'scim_token' ? 'scim' : 'system', id }
}

export function viewAuditEntry(r: Row): AuditEntryView {
  return {
    id: r.id, seq: r.seq ?? null, occurred_at: r.createdAt.toISOString(),
    actor: r.actorType || r.actorId ? { type: (r.actorType ?? legacyActor(r.actorId)?.type ?? 'system') as AuditActorType, id: r.actorId, display: r.actorDisplay } : null,
    action: r.action,
    resource: r.resourceType || r.resourceId ? { type: r.resourceType ?? typeOfId(r.resourceId) ?? 'unknown', id: r.resourceId } : null,
    outcome: r.outcome as AuditOutcome, ip: r.ip, user_agent: r.userAgent, request_id: r.requestId, details: r.details ?? {},
    prev_hash: r.prevHash, hash: r.hash,
  }
}

// Columns are plain text: keep whatever a client could influence (an address
// from X-Forwarded-For, an id from the path, a User-Agent) to a sane length.
const clip = (s: string | null | undefined, n: number) => (s ? clipText(s, n) : null)

const BATCH = 500

/** Tenants whose chain head an instance remembers (appendAfterKnownHead); beyond, it starts over. */
const MAX_KNOWN_HEADS = 10_000

export class AuditService {
  /** Each tenant's chain head as this instance last wrote it: a guess the next append checks, never trusted. */
  private readonly heads = new Map<string, { seq: number; hash: string }>()

  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  /**
   * Appends one record to the tenant's chain: inside the ambient transaction
   * when there is one (it commits or rolls back with the mutation), else in its own.
   */
  async record(input: AuditEvent | LegacyAuditEvent): Promise<void> {
    const e = 'actorId' in input ? this.fromLegacy(input) : input
    if (!isAuditAction(e.action)) throw new Error(`unknown audit action "${String(e.action)}" (add it to src/audit/audit-actions.ts)`)
    if (!AUDIT_OUTCOMES.includes(e.outcome)) throw new Error(`unknown audit outcome "${String(e.outcome)}"`)
    const tx = currentTransaction()
    if (await this.appendAfterKnownHead(tx ?? this.db, e)) return
    if (tx) await this.append(tx, e)
    else await this.db.transaction((t) => this.append(t as unknown as Db, e))
  }

  /**
   * The usual case in one statement, without a transaction of its own: the
   * record is chained after the head this instance last wrote, and the head
   * moves to it only if it still is that head (seq and hash compared by the
   * UPDATE, which re-checks them under the row's lock), in the same statement
   * as the insert. Another writer in between (another instance, a rolled-back
   * mutation) and nothing is written: false, and the locked path runs.
   */
  private async appendAfterKnownHead(db: Db, e: AuditEvent): Promise<boolean> {
    const head = this.heads.get(e.tenantId)
    if (!head) return false
    const { row, hash } = this.chained(e, head)
    const res = await db.execute(sql`WITH moved AS (
        UPDATE ${auditHeads} SET seq = ${row.seq}, hash = ${hash}
        WHERE tenant_id = ${e.tenantId} AND seq = ${head.seq} AND hash = ${head.hash}
        RETURNING seq
      )
      INSERT INTO ${auditLog} (id, tenant_id, seq, prev_hash, actor_type, actor_id, actor_display, action, resource_type, resource_id, outcome, ip, user_agent, request_id, details, hash, created_at)
      SELECT ${row.id}, ${row.tenantId}, ${row.seq}, ${row.prevHash}, ${row.actorType}, ${row.actorId}, ${row.actorDisplay}, ${row.action}, ${row.resourceType}, ${row.resourceId},
        ${row.outcome}, ${row.ip}, ${row.userAgent}, ${row.requestId}, ${row.details === null ? null : JSON.stringify(row.details)}::jsonb, ${hash}, ${row.occurredAt.toISOString()}::timestamptz
      FROM moved
      RETURNING id`)
    const written = (res as unknown as { rows: unknown[] }).rows.length > 0
    if (written) this.heads.set(e.tenantId, { seq: row.seq, hash })
    else this.heads.delete(e.tenantId)
    return written
  }

  /** The record chained after `head`, and its hash. */
  private chained(e: AuditEvent, head: { seq: number; hash: string }) {
    const seq = head.seq + 1
    const row = {
      id: newId('aud'), tenantId: e.tenantId, seq, prevHash: head.hash, occurredAt: e.occurredAt ?? this.now(),
      actorType: e.actor?.type ?? null, actorId: clip(e.actor?.id, 128), actorDisplay: clip(e.actor?.display, 200),
      action: e.action, resourceType: clip(e.resource?.type, 64), resourceId: clip(e.resource?.id, 128), outcome: e.outcome,
      ip: clip(e.ip, 64), userAgent: clip(e.userAgent, 256), requestId: clip(e.requestId, 128), details: redactDetails(e.details as Record<string, unknown>),
    }
    return { row, hash: recordHash({ ...row, details: row.details as Record<string, unknown> | null }) }
  }

  /**
   * Appends the record unless the tenant's log already holds one with the same
   * action and resource: the check runs under the chain's head lock, so of
   * several instances settling the same thing (an async job) exactly one writes.
   * Answers whether this call wrote it.
   */
  async recordOnce(e: AuditEvent & { resource: AuditResource & { id: string } }): Promise<boolean> {
    if (!isAuditAction(e.action)) throw new Error(`unknown audit action "${String(e.action)}" (add it to src/audit/audit-actions.ts)`)
    const once = async (tx: Db) => {
      await tx.insert(auditHeads).values({ tenantId: e.tenantId, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing()
      await tx.select({ seq: auditHeads.seq }).from(auditHeads).where(eq(auditHeads.tenantId, e.tenantId)).for('update')
      const [seen] = await tx.select({ id: auditLog.id }).from(auditLog)
        .where(and(eq(auditLog.tenantId, e.tenantId), eq(auditLog.action, e.action), eq(auditLog.resourceId, e.resource.id))).limit(1)
      if (seen) return false
      await this.append(tx, e)
      return true
    }
    const tx = currentTransaction()
    return tx ? once(tx) : this.db.transaction((t) => once(t as unknown as Db))
  }

  private fromLegacy(e: LegacyAuditEvent): AuditEvent {
    const action = e.action === 'webhook_secret.rotate' ? 'settings.webhook_secret.rotate' : e.action
    return {
      tenantId: e.tenantId, actor: legacyActor(e.actorId), action: action as AuditAction, outcome: e.outcome, ip: e.ip, requestId: e.requestId,
      resource: e.targetId ? { type: typeOfId(e.targetId) ?? 'unknown', id: e.targetId } : null,
    }
  }

  private async append(tx: Db, e: AuditEvent): Promise<void> {
    await tx.insert(auditHeads).values({ tenantId: e.tenantId, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing()
    // The lock that keeps concurrent writers (any instance) from forking the chain.
    const [head] = await tx.select().from(auditHeads).where(eq(auditHeads.tenantId, e.tenantId)).for('update')
    const { row, hash } = this.chained(e, { seq: Number(head.seq), hash: head.hash })
    const { occurredAt, ...values } = row
    await tx.insert(auditLog).values({ ...values, details: row.details as Record<string, unknown> | null, hash, createdAt: occurredAt })
    await tx.update(auditHeads).set({ seq: row.seq, hash }).where(eq(auditHeads.tenantId, e.tenantId))
    // The next record of this tenant tries the one-statement path after this one.
    if (this.heads.size >= MAX_KNOWN_HEADS) this.heads.clear()
    this.heads.set(e.tenantId, { seq: row.seq, hash })
  }

  private where(tenantId: string, f: AuditFilter): SQL | undefined {
    const prefix = f.action?.endsWith('.*') ? f.action.slice(0, -1) : f.action
    return and(
      eq(auditLog.tenantId, tenantId),
      prefix !== undefined ? sql`left(${auditLog.action}, ${prefix.length}) = ${prefix}` : undefined,
      f.actor_id ? eq(auditLog.actorId, f.actor_id) : undefined,
      f.resource_type ? eq(auditLog.resourceType, f.resource_type) : undefined,
      f.resource_id ? eq(auditLog.resourceId, f.resource_id) : undefined,
      f.outcome ? eq(auditLog.outcome, f.outcome) : undefined,
      f.since ? sql`${auditLog.createdAt} >= ${f.since.toISOString()}` : undefined,
      f.until ? sql`${auditLog.createdAt} < ${f.until.toISOString()}` : undefined,
    )
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(tenantId: string, f: AuditFilter & { limit: number; cursor?: string }): Promise<Page<AuditEntryView>> {
    const c = f.cursor ? decodeCursor(f.cursor) : undefined
    const rows = await this.db.select().from(auditLog).where(and(
      this.where(tenantId, f),
      c ? sql`(${auditLog.createdAt}, ${auditLog.id}) < (${c.t}, ${c.id})` : undefined,
    )).orderBy(desc(auditLog.createdAt), desc(auditLog.id)).limit(f.limit + 1)
    const page = rows.slice(0, f.limit)
    const last = page[page.length - 1]
    return { data: page.map(viewAuditEntry), next_cursor: rows.length > f.limit && last ? encodeCursor(last.createdAt, last.id) : null }
  }

  /** Oldest first, in batches: an export holds one batch in memory, whatever the log's size. */
  async *entries(tenantId: string, f: AuditFilter): AsyncGenerator<AuditEntryView> {
    let after: { t: Date; id: string } | undefined
    for (;;) {
      const rows = await this.db.select().from(auditLog).where(and(
        this.where(tenantId, f),
        after ? sql`(${auditLog.createdAt}, ${auditLog.id}) > (${after.t.toISOString()}, ${after.id})` : undefined,
      )).orderBy(asc(auditLog.createdAt), asc(auditLog.id)).limit(BATCH)
      for (const r of rows) yield viewAuditEntry(r)
      if (rows.length < BATCH) return
      const last = rows[rows.length - 1]
      after = { t: last.createdAt, id: last.id }
    }
  }

  /**
   * Walks the tenant's chain in seq order up to the head read at the start
   * (records appended meanwhile are left for the next run), recomputing each
   * hash. The first record must follow the genesis hash, or a retention
   * checkpoint that vouches for the record before it.
   */
  async verify(tenantId: string): Promise<VerifyResult> {
    const [head] = await this.db.select().from(auditHeads).where(eq(auditHeads.tenantId, tenantId))
    const [{ n: unchained }] = await this.db.select({ n: sql<number>`count(*)::int` }).from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), isNull(auditLog.seq)))
    if (!head) return { ok: true, checked: 0, first_break: null, unchained }
    const headSeq = Number(head.seq)
    const vouched = new Map<number, string>()
    const checkpoints = await this.db.select({ details: auditLog.details }).from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, 'audit.retention_prune'), lte(auditLog.seq, headSeq)))
    for (const { details } of checkpoints) {
      const s = details?.pruned_through_seq, h = details?.pruned_through_hash
      if (typeof s === 'number' && typeof h === 'string') vouched.set(s, h)
    }
    let checked = 0
    let prev: { seq: number; hash: string } | null = null
    const broken = (id: string | null, seq: number, reason: NonNullable<VerifyResult['first_break']>['reason']): VerifyResult =>
      ({ ok: false, checked, first_break: { id, seq, reason }, unchained })
    for (;;) {
      const rows: Row[] = await this.db.select().from(auditLog).where(and(
        eq(auditLog.tenantId, tenantId), lte(auditLog.seq, headSeq), prev ? gt(auditLog.seq, prev.seq) : undefined,
      )).orderBy(asc(auditLog.seq)).limit(BATCH)
      for (const r of rows) {
        const seq: number = Number(r.seq)
        if (prev === null) {
          const start = seq === 1 ? GENESIS_HASH : vouched.get(seq - 1)
          if (start === undefined) return broken(r.id, seq, 'missing_records')
          if (r.prevHash !== start) return broken(r.id, seq, 'prev_hash_mismatch')
        } else {
          if (seq !== prev.seq + 1) return broken(r.id, seq, 'seq_gap')
          if (r.prevHash !== prev.hash) return broken(r.id, seq, 'prev_hash_mismatch')
        }
        const expected = recordHash({ ...r, seq, occurredAt: r.createdAt, prevHash: r.prevHash ?? '', details: r.details ?? null })
        if (r.hash !== expected) return broken(r.id, seq, 'hash_mismatch')
        checked++
        prev = { seq, hash: r.hash }
      }
      if (rows.length < BATCH) break
    }
    // Records removed from the end, or a head that points elsewhere.
    if (headSeq > 0 && (prev === null || prev.seq !== headSeq)) return broken(null, (prev?.seq ?? 0) + 1, 'missing_records')
    if (prev && prev.hash !== head.hash) return broken(null, prev.seq, 'head_mismatch')
    return { ok: true, checked, first_break: null, unchained }
  }

  /**
   * Retention: removes each tenant's records older than `days` and appends a
   * checkpoint naming the last removed record (seq and hash), so the rest of
   * the chain still verifies. The only DELETE the store's trigger lets through.
   */
  async prune(days: number): Promise<Array<{ tenantId: string; pruned: number }>> {
    const cutoff = new Date(this.now().getTime() - days * 86_400_000)
    const tenants = await this.db.selectDistinct({ tenantId: auditLog.tenantId }).from(auditLog).where(lt(auditLog.createdAt, cutoff))
    const out: Array<{ tenantId: string; pruned: number }> = []
    for (const { tenantId } of tenants) {
      const pruned = await this.db.transaction(async (t) => {
        const tx = t as unknown as Db
        await tx.execute(sql`SELECT set_config('nexatron.audit_prune', 'on', true)`)
        await tx.insert(auditHeads).values({ tenantId, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing()
        await tx.select().from(auditHeads).where(eq(auditHeads.tenantId, tenantId)).for('update')
        const [last] = await tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog)
          .where(and(eq(auditLog.tenantId, tenantId), lt(auditLog.createdAt, cutoff), sql`${auditLog.seq} IS NOT NULL`))
          .orderBy(desc(auditLog.seq)).limit(1)
        const removed = await tx.delete(auditLog).where(and(eq(auditLog.tenantId, tenantId), last
          ? sql`(${auditLog.seq} <= ${last.seq} OR (${auditLog.seq} IS NULL AND ${auditLog.createdAt} < ${cutoff.toISOString()}))`
          : sql`(${auditLog.seq} IS NULL AND ${auditLog.createdAt} < ${cutoff.toISOString()})`)).returning({ id: auditLog.id })
        if (removed.length === 0) return 0
        await this.append(tx, {
          tenantId, actor: { type: 'system', id: null, display: 'retention' }, action: 'audit.retention_prune', outcome: 'success',
          details: { pruned_count: removed.length, retention_days: days, ...(last && { pruned_through_seq: Number(last.seq), pruned_through_hash: last.hash ?? '' }) },
        })
        return removed.length
      })
      if (pruned) out.push({ tenantId, pruned })
    }
    return out
  }
}

export const AUDIT_ACTION_LIST = Object.keys(AUDIT_ACTIONS) as AuditAction[]
