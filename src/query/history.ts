// Query history: one record per run (also the async job record). Reads are
// scoped to the tenant and, unless the caller is an admin, to the caller.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../store/db'
import { conversations, queries } from '../store/schema'
import { newId } from '../ids'
import { AppError, notFound } from '../errors'
import { decodeCursor, encodeCursor, type Page } from '../store/pagination'
import type { Principal } from '../identity/principal'
import type { Plan, Turn } from '../planner/planner'
import { withSpan } from '../ops/spans'
import { RunRecordStatements } from './run-record-statements'

export type QueryRow = typeof queries.$inferSelect
export type QueryStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

const canSeeAll = (p: Principal) => p.scopes.includes('*')
const ownerFilter = (p: Principal) => (canSeeAll(p) ? undefined : eq(queries.principalId, p.id))

const SETTLED = new Set<string>(['succeeded', 'failed', 'cancelled'])
/** Settled records kept for recentlySettled: a few seconds' worth, bounded (each holds at most the history rows). */
const SETTLED_KEEP = 256
const SETTLED_KEEP_MS = 10_000

export class QueryHistory {
  private readonly settled = new Map<string, { row: QueryRow; until: number }>()

  /** The run record's writes, prepared once per shape (run-record-statements.ts). */
  private readonly statements: RunRecordStatements

  constructor(private readonly db: Db) {
    this.statements = new RunRecordStatements(db)
  }

  // Writes of a run's record are the `history` spans of its trace (src/ops/spans.ts).
  /**
   * Writes a run's record. `newConversation`: `values.conversationId` names a
   * conversation this very run starts, written by the same statement (one
   * round trip, and no conversation is left behind by a run refused earlier).
   */
  async create(values: Omit<typeof queries.$inferInsert, 'id'> & { id?: string }, opts: { newConversation?: boolean } = {}): Promise<QueryRow> {
    return withSpan('history', async () => {
      const row = { id: values.id ?? newId('qry'), ...values }
      return this.statements.insert(row, opts.newConversation ? values.conversationId ?? null : null)
    }, { attributes: { 'nexatron.history.operation': 'create' } })
  }

  async update(id: string, patch: Partial<typeof queries.$inferInsert>): Promise<void> {
    await withSpan('history', async () => {
      if (!patch.status || !SETTLED.has(patch.status)) {
        await this.statements.update(id, patch, false)
        return
      }
      // A run's last write: its record as written is kept a moment for the
      // work that follows the answer in this process (metering, the audit
      // record), which would otherwise read it back from the store.
      const row = await this.statements.update(id, patch, true)
      if (row) this.remember(row)
    }, { attributes: { 'nexatron.history.operation': 'update', 'nexatron.query_id': id, ...(patch.status && { 'nexatron.query.status': patch.status }) } })
  }

  private remember(row: QueryRow): void {
    if (this.settled.size >= SETTLED_KEEP) this.settled.delete(this.settled.keys().next().value!)
    this.settled.set(row.id, { row, until: Date.now() + SETTLED_KEEP_MS })
  }

  /**
   * A run this process has just settled (succeeded, failed or cancelled), as
   * its last write left it; undefined when it settled elsewhere or a while
   * ago (read the store then). A settled record changes no more, so the copy
   * is what the store holds (a deletion aside: the run still happened).
   */
  recentlySettled(id: string): QueryRow | undefined {
    const hit = this.settled.get(id)
    if (!hit) return undefined
    if (hit.until < Date.now()) { this.settled.delete(id); return undefined }
    return hit.row
  }

  async get(principal: Principal, id: string): Promise<QueryRow> {
    const [row] = await this.db.select().from(queries)
      .where(and(eq(queries.tenantId, principal.tenantId), eq(queries.id, id), ownerFilter(principal))).limit(1)
    if (!row) throw notFound('query')
    return row
  }

  async getById(id: string): Promise<QueryRow | undefined> {
    const [row] = await this.db.select().from(queries).where(eq(queries.id, id)).limit(1)
    return row
  }

  async list(principal: Principal, f: { limit: number; cursor?: string; connection_id?: string; status?: string; conversation_id?: string }): Promise<Page<QueryRow>> {
    const c = f.cursor ? decodeCursor(f.cursor) : undefined
    const rows = await this.db.select().from(queries).where(and(
      eq(queries.tenantId, principal.tenantId),
      // History is the caller's own, admins included: it answers "my recent queries".
      eq(queries.principalId, principal.id),
      f.connection_id ? eq(queries.connectionId, f.connection_id) : undefined,
      f.status ? eq(queries.status, f.status) : undefined,
      f.conversation_id ? eq(queries.conversationId, f.conversation_id) : undefined,
      c ? sql`(${queries.createdAt}, ${queries.id}) < (${c.t}, ${c.id})` : undefined,
    )).orderBy(desc(queries.createdAt), desc(queries.id)).limit(f.limit + 1)
    const page = rows.slice(0, f.limit)
    const last = page[page.length - 1]
    return { data: page, next_cursor: rows.length > f.limit && last ? encodeCursor(last.createdAt, last.id) : null }
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const res = await this.db.delete(queries)
      .where(and(eq(queries.tenantId, principal.tenantId), eq(queries.id, id), ownerFilter(principal))).returning({ id: queries.id })
    if (!res.length) throw notFound('query')
  }

  private async ownConversation(principal: Principal, id: string) {
    const [row] = await this.db.select().from(conversations)
      .where(and(eq(conversations.tenantId, principal.tenantId), eq(conversations.id, id), eq(conversations.principalId, principal.id))).limit(1)
    if (!row) throw notFound('conversation')
    return row
  }

  /** The connection a conversation is bound to (null for one recorded before binding). 404 for another tenant's or owner's. */
  async conversationConnection(principal: Principal, id: string): Promise<string | null> {
    return (await this.ownConversation(principal, id)).connectionId
  }

  /**
   * The conversation for a follow-up, or a new one. 404 for another tenant's or
   * owner's. A conversation is bound to its connection: its earlier turns
   * (questions, plans, SQL) never go into a prompt for another catalog, so a
   * follow-up on another connection is a 409.
   */
  async conversation(principal: Principal, id: string | undefined, connectionId: string): Promise<string> {
    if (id) {
      const row = await this.ownConversation(principal, id)
      if (row.connectionId !== null && row.connectionId !== connectionId) {
        throw new AppError('conflict', `conversation ${id} belongs to another connection (${row.connectionId}); continue it there, or leave out conversation_id to start a new conversation on this one`, [
          { path: 'conversation_id', issue: 'bound_to_another_connection', connection_id: row.connectionId },
        ])
      }
      // A conversation recorded before binding is bound by its first follow-up.
      await this.db.update(conversations).set({ updatedAt: new Date(), ...(row.connectionId === null ? { connectionId } : {}) }).where(eq(conversations.id, id))
      return id
    }
    const [row] = await this.db.insert(conversations).values({ id: newId('conv'), tenantId: principal.tenantId, principalId: principal.id, connectionId }).returning()
    return row.id
  }

  /** Earlier successful turns of a conversation, oldest first (at most `max`); with `connectionId`, only that connection's. */
  async turns(tenantId: string, conversationId: string, max = 10, connectionId?: string): Promise<Turn[]> {
    const rows = await this.db.select({ question: queries.question, plan: queries.plan }).from(queries)
      .where(and(eq(queries.tenantId, tenantId), eq(queries.conversationId, conversationId), eq(queries.status, 'succeeded'),
        connectionId ? eq(queries.connectionId, connectionId) : undefined))
      .orderBy(desc(queries.createdAt)).limit(max)
    return rows.reverse().filter((r) => r.question && r.plan).map((r) => ({ question: r.question!, plan: r.plan as Plan }))
  }

  /**
   * Cancels the queued async jobs of these principals (their credential was
   * revoked) with `error`; their webhooks are never sent. Answers their ids.
   */
  async cancelQueuedOf(tenantId: string, principalIds: string[], error: unknown): Promise<string[]> {
    if (!principalIds.length) return []
    const rows = await this.db.update(queries).set({
      status: 'cancelled', error, finishedAt: new Date(), lockedBy: null, lockedUntil: null,
      webhookStatus: sql`CASE WHEN ${queries.webhookStatus} = 'pending' THEN 'cancelled' ELSE ${queries.webhookStatus} END`, webhookNextAt: null,
    }).where(and(eq(queries.tenantId, tenantId), eq(queries.async, true), eq(queries.status, 'queued'), inArray(queries.principalId, principalIds)))
      .returning({ id: queries.id })
    return rows.map((r) => r.id)
  }

  /** Ids of the running queries of these principals: async jobs and synchronous runs (JSON, SSE) alike. */
  async runningOf(tenantId: string, principalIds: string[]): Promise<Array<{ id: string; async: boolean }>> {
    if (!principalIds.length) return []
    return this.db.select({ id: queries.id, async: queries.async }).from(queries)
      .where(and(eq(queries.tenantId, tenantId), eq(queries.status, 'running'), inArray(queries.principalId, principalIds)))
  }

  /**
   * Asks the instance running `id` to stop it (it runs elsewhere): the flag,
   * and the reason its record will carry, which that instance's runner reads.
   */
  async requestCancel(id: string, reason?: unknown): Promise<void> {
    await this.db.update(queries).set({ cancelRequested: true, ...(reason !== undefined && { error: reason }) })
      .where(and(eq(queries.id, id), eq(queries.status, 'running')))
  }

  /**
   * Of these running queries, those another instance asked to stop, with the
   * reason it gave (null: a plain cancel). A run whose record is gone (DELETE
   * /query/{id} through another instance) is among them: its record is how
   * revocation and cancels find it, so left running it would outlive both.
   */
  async cancelsRequested(ids: string[]): Promise<Array<{ id: string; reason: unknown }>> {
    if (!ids.length) return []
    const rows = await this.db.select({ id: queries.id, flagged: queries.cancelRequested, reason: queries.error }).from(queries)
      .where(inArray(queries.id, ids))
    const present = new Set(rows.map((r) => r.id))
    return [
      ...rows.filter((r) => r.flagged).map(({ id, reason }) => ({ id, reason })),
      ...ids.filter((id) => !present.has(id)).map((id) => ({ id, reason: null })),
    ]
  }

  /** Jobs waiting to run, for one principal and for its whole tenant. */
  async queuedCounts(tenantId: string, principalId: string): Promise<{ principal: number; tenant: number }> {
    const [r] = await this.db.select({
      tenant: sql<number>`count(*)::int`,
      principal: sql<number>`(count(*) FILTER (WHERE ${queries.principalId} = ${principalId}))::int`,
    }).from(queries).where(and(eq(queries.tenantId, tenantId), eq(queries.async, true), eq(queries.status, 'queued')))
    return { principal: r?.principal ?? 0, tenant: r?.tenant ?? 0 }
  }

  /**
   * Async queue depth and age per tenant, for the operator's /metrics. The one
   * read across tenants: it returns counts and ids, never a tenant's data.
   */
  async queueStats(): Promise<Array<{ tenantId: string; queued: number; running: number; oldestQueuedS: number | null }>> {
    const rows = await this.db.select({
      tenantId: queries.tenantId,
      queued: sql<number>`(count(*) FILTER (WHERE ${queries.status} = 'queued'))::int`,
      running: sql<number>`(count(*) FILTER (WHERE ${queries.status} = 'running'))::int`,
      oldestQueuedS: sql<number | null>`extract(epoch FROM now() - min(${queries.createdAt}) FILTER (WHERE ${queries.status} = 'queued'))::float8`,
    }).from(queries).where(and(eq(queries.async, true), inArray(queries.status, ['queued', 'running']))).groupBy(queries.tenantId)
    return rows.map((r) => ({ ...r, oldestQueuedS: r.oldestQueuedS === null ? null : Number(r.oldestQueuedS) }))
  }

  /** Oldest queued job first; used by the worker loop. */
  async queued(limit: number): Promise<QueryRow[]> {
    return this.db.select().from(queries).where(eq(queries.status, 'queued')).orderBy(asc(queries.createdAt)).limit(limit)
  }
}
