// Async jobs live in the queries table. A worker loop claims queued jobs with
// FOR UPDATE SKIP LOCKED (several instances never run one job twice), keeps a
// lease while running, and reclaims jobs whose lease expired (the process that
// ran them died). Results are then delivered to the webhook, signed, retried
// with exponential backoff.
// A job runs with the rights its principal has now, not those it had when it
// was queued: the key or user must still be valid and hold query:run when the
// job is claimed, while it runs, and before its webhook is sent; otherwise the
// job is cancelled (reason `credential_revoked`) and its webhook never sent.
import { and, eq, inArray, sql } from 'drizzle-orm'
import os from 'node:os'
import type { Db } from '../store/db'
import { queries } from '../store/schema'
import { newId } from '../ids'
import type { Principal } from '../identity/principal'
import type { PrincipalLookup } from '../identity/auth-service'
import type { CredentialsRevoked } from '../identity/revocation'
import { hasScope } from '../identity/scopes'
import { legacyActor, type AuditService } from '../audit/audit-service'
import type { BillingService } from '../billing/billing-service'
import { runTokens } from '../billing/settled-run'
import type { QueryHistory, QueryRow } from './history'
import type { QueryRunner, RunInput } from './query-runner'
import type { ConnectionService } from '../connections/connection-service'
import type { WebhookSecrets } from './webhook-secrets'
import { signWebhook } from './webhook-signer'
import { assertHostAllowed, type HostPolicyOptions } from '../security/host-policy'
import { postWebhook } from '../security/pinned-http'
import { AppError, errorRecord } from '../errors'
import { staleAnswers, type StaleAnswerDeps } from '../governance/stale-answers'
import type { Logger } from '../logger'
import { queryDetailView } from './query-views'
import type { WebhookMetrics } from '../ops/metrics'
import { NEW_TRACE, withSpan } from '../ops/spans'

/** Why a query or job of a revoked (expired, disabled, deleted, demoted) principal was cancelled. */
export const credentialRevoked = () => new AppError('query_cancelled', 'the query was cancelled: the credential that submitted it was revoked or no longer holds query:run',
  [{ issue: 'credential_revoked' }])
const revokedRecord = () => errorRecord(credentialRevoked())
const DEFAULT_WEBHOOK_SLOTS = { total: 16, perTenant: 4 }

type Audit = Pick<AuditService, 'record'>
type SettleAudit = Pick<AuditService, 'record' | 'recordOnce'>

export interface JobWorkerOptions {
  db: Db
  history: QueryHistory
  /** Who each job's principal is now (checked at claim, while running, before the webhook). */
  principals: PrincipalLookup
  /** Where jobs cancelled by the worker itself are recorded. */
  audit?: SettleAudit
  /** Meters a settled job's rows and LLM tokens (its queries unit was taken when it was submitted). */
  billing?: Pick<BillingService, 'meter'>
  runner: QueryRunner
  connections: ConnectionService
  secrets: WebhookSecrets
  hostPolicy: HostPolicyOptions
  logger: Logger
  concurrency: number
  maxWebhookAttempts: number
  historyRows: number
  leaseMs?: number
  pollMs?: number
  webhookTimeoutMs?: number
  /**
   * Webhook deliveries this worker holds in flight at once, in all and per
   * tenant (default 16 and 4): a receiver that hangs until the timeout holds
   * a slot for that long, so one tenant's backlog cannot take them all.
   */
  webhookSlots?: { total: number; perTenant: number }
  /** Base of the exponential backoff between webhook attempts. */
  backoffBaseMs?: number
  fetch?: typeof fetch
  /** Counts webhook attempts by outcome (src/ops/metrics.ts). */
  metrics?: WebhookMetrics
  /**
   * What telling a stale result needs (governance/stale-answers.ts): a delivery
   * made after the principal's access rules changed (a retry, or a run that
   * overlapped the change) carries no rows or summary, as GET /query/{id} would.
   */
  staleness?: StaleAnswerDeps
}

export class JobWorker {
  readonly workerId = `${os.hostname()}:${process.pid}:${newId('job').slice(4, 12)}`
  private active = 0
  private timer?: NodeJS.Timeout
  private stopped = true
  private readonly inflight = new Set<Promise<void>>()
  /** Webhook deliveries in flight here, in all and by tenant (webhookSlots). */
  private readonly deliveries = { total: 0, byTenant: new Map<string, number>() }
  /** Jobs this instance is running, and those of them being handed back to the queue (drain). */
  private readonly runningJobs = new Set<string>()
  private readonly releasing = new Set<string>()
  private readonly leaseMs: number
  private readonly pollMs: number

  constructor(private readonly o: JobWorkerOptions) {
    this.leaseMs = o.leaseMs ?? 60_000
    this.pollMs = o.pollMs ?? 1000
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await Promise.allSettled([...this.inflight])
  }

  /**
   * Shutdown: claims nothing more and lets running jobs finish for up to
   * `graceMs`; the rest are cancelled here (in the database too) and queued
   * again as they were, so another instance runs them now rather than after
   * their lease expires. Returns the ids handed back.
   */
  async drain(graceMs: number): Promise<string[]> {
    this.stopped = true
    clearTimeout(this.timer)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => { timer = setTimeout(r, graceMs) })])
    clearTimeout(timer)
    const released = [...this.runningJobs]
    for (const id of released) {
      this.releasing.add(id)
      this.o.runner.cancel(id, new AppError('query_cancelled', 'the instance running this job shut down; the job runs again'))
    }
    await Promise.allSettled([...this.inflight])
    return released
  }

  /** Wake the loop now (a job was just queued). */
  notify(): void {
    if (!this.stopped) this.schedule(0)
  }

  private schedule(ms: number) {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { void this.tick() }, ms)
    this.timer.unref?.()
  }

  /** One pass: claim as many jobs as there is room for, deliver due webhooks. */
  async tick(): Promise<void> {
    try {
      while (!this.stopped && this.active < this.o.concurrency) {
        const job = await this.claim()
        if (!job) break
        // Each job is a trace of its own (its runner spans nest under `job`), not part of the request that woke the worker.
        this.track(withSpan('job', () => this.runJob(job), { parent: NEW_TRACE, attributes: { 'nexatron.query_id': job.id, 'nexatron.tenant_id': job.tenantId } }))
      }
      for (const due of await this.dueWebhooks()) this.track(this.slotted(due))
    } catch (err) {
      this.o.logger.error({ err }, 'job worker tick failed')
    } finally {
      if (!this.stopped) this.schedule(this.pollMs)
    }
  }

  private track(p: Promise<void>) {
    this.inflight.add(p)
    void p.finally(() => this.inflight.delete(p))
  }

  /**
   * Claims the next job fairly: the tenant with the fewest jobs running goes
   * first, then, within it, the credential with the fewest, then the oldest
   * job. One key's thousand slow jobs take their turn instead of every turn.
   */
  async claim(): Promise<QueryRow | undefined> {
    const until = new Date(Date.now() + this.leaseMs)
    const res = await this.o.db.execute(sql`
      UPDATE ${queries} SET status = 'running', locked_by = ${this.workerId}, locked_until = ${until.toISOString()}::timestamptz
      WHERE id = (
        SELECT q.id FROM ${queries} q
        LEFT JOIN (SELECT tenant_id, count(*) AS n FROM ${queries} WHERE async AND status = 'running' AND locked_until >= now() GROUP BY tenant_id) t
          ON t.tenant_id = q.tenant_id
        LEFT JOIN (SELECT principal_id, count(*) AS n FROM ${queries} WHERE async AND status = 'running' AND locked_until >= now() GROUP BY principal_id) p
          ON p.principal_id = q.principal_id
        WHERE q.async AND (q.status = 'queued' OR (q.status = 'running' AND q.locked_until < now()))
        ORDER BY coalesce(t.n, 0), coalesce(p.n, 0), q.created_at
        FOR UPDATE OF q SKIP LOCKED LIMIT 1)
      RETURNING id`)
    const rows = (res as unknown as { rows: Array<{ id: string }> }).rows
    if (!rows?.length) return undefined
    return this.o.history.getById(rows[0].id)
  }

  /** The job's principal as it stands now, when it may still run queries. */
  private async currentPrincipal(job: QueryRow): Promise<Principal | null> {
    const p = await this.o.principals.principalById(job.tenantId, job.principalId)
    return p && hasScope(p.scopes, 'query:run') ? p : null
  }

  private async audit(job: QueryRow, action: string): Promise<void> {
    await this.o.audit?.record({ tenantId: job.tenantId, actorId: null, action, targetId: job.id, outcome: 'success' })
      .catch((err) => this.o.logger.error({ err, query_id: job.id }, 'could not write the audit log'))
  }

  /**
   * The principal to run a just-claimed job as, or null when it must not run:
   * a revoked (or demoted) principal's job is cancelled here; when the check
   * itself fails the job is left to its lease, to be claimed again later.
   */
  private async admit(job: QueryRow): Promise<Principal | null> {
    try {
      const principal = await this.currentPrincipal(job)
      if (principal) return principal
      await this.o.history.update(job.id, {
        status: 'cancelled', error: revokedRecord(), finishedAt: new Date(), lockedBy: null, lockedUntil: null,
        webhookStatus: job.webhookUrl ? 'cancelled' : job.webhookStatus, webhookNextAt: null,
      })
      await this.audit(job, 'job.cancel')
    } catch (err) {
      this.o.logger.error({ err, query_id: job.id }, 'could not check the principal of a job')
    }
    return null
  }

  private async runJob(job: QueryRow): Promise<void> {
    this.active++
    this.runningJobs.add(job.id)
    const runAs = await this.admit(job) // never throws
    if (!runAs) {
      this.active--
      this.runningJobs.delete(job.id)
      return
    }
    // Renew the lease, and stop as soon as the principal loses its rights (a demotion
    // sends no revocation event). Cancels asked through another instance reach every
    // run of this process, jobs included, through the runner's cancel watch.
    const heartbeat = setInterval(() => {
      void this.o.db.update(queries).set({ lockedUntil: new Date(Date.now() + this.leaseMs) })
        .where(and(eq(queries.id, job.id), eq(queries.lockedBy, this.workerId)))
        .then(async () => {
          const valid = await this.currentPrincipal(job).catch(() => runAs)
          if (!valid) this.o.runner.cancel(job.id, credentialRevoked())
        })
        .catch(() => {})
    }, Math.max(500, Math.min(5000, this.leaseMs / 3)))
    try {
      const req = (job.request ?? {}) as { question?: string; semantic?: RunInput['semantic']; max_rows?: number }
      const connection = await this.o.connections.get(job.tenantId, job.connectionId)
      const run = {
        id: job.id, record: job, connection, conversationId: job.conversationId,
        // conversationId: the follow-up is planned with the conversation's earlier turns, as when asked synchronously
        input: { principal: runAs, question: req.question, semantic: req.semantic, maxRows: req.max_rows, conversationId: job.conversationId ?? undefined },
      }
      const controller = new AbortController()
      try {
        for await (const ev of this.o.runner.execute(run, controller.signal)) void ev
      } catch {
        // Recorded in history by the runner.
      }
    } catch (err) {
      // The job could not even start (connection deleted...): record it.
      const msg = err instanceof AppError ? err.message : 'the job could not start'
      await this.o.history.update(job.id, { status: 'failed', error: { code: err instanceof AppError ? err.code : 'internal_error', message: msg, details: [] }, finishedAt: new Date() })
    } finally {
      clearInterval(heartbeat)
      this.runningJobs.delete(job.id)
      const released = this.releasing.delete(job.id)
      if (released) {
        // Handed back (drain): queued again, as if never claimed; no webhook for the cancellation.
        await this.o.db.update(queries).set({ status: 'queued', lockedBy: null, lockedUntil: null, error: null, finishedAt: null, startedAt: null, durationMs: null })
          .where(eq(queries.id, job.id)).catch((err) => this.o.logger.error({ err, query_id: job.id }, 'could not hand a job back to the queue'))
      } else {
        await this.o.db.update(queries).set({ lockedBy: null, lockedUntil: null, webhookNextAt: job.webhookUrl ? new Date() : null })
          .where(eq(queries.id, job.id)).catch(() => {})
      }
      if (!released) await this.settle(job)
      this.active--
      if (job.webhookUrl && !released) {
        const fresh = await this.o.history.getById(job.id)
        if (fresh) this.track(this.tracedDelivery(fresh))
      }
    }
  }

  /**
   * A job that has run is a query run like any other: recorded as `query.run`
   * (actor: its principal) and its rows and LLM tokens metered. Exactly once
   * even when two instances settle the same job (a lease that expired while it
   * ran): meter events are keyed by the job's id like a synchronous query's,
   * and the audit record is written only if the tenant's log lacks it.
   */
  private async settle(job: QueryRow): Promise<void> {
    try {
      const row = await this.o.history.getById(job.id)
      if (!row || row.status === 'queued' || row.status === 'running') return
      const tokens = runTokens(row)
      if (this.o.billing) {
        if (row.rowCount) await this.o.billing.meter(row.tenantId, 'rows', row.rowCount, row.id)
        if (tokens) await this.o.billing.meter(row.tenantId, 'llm_tokens', tokens, row.id)
      }
      const error = (row.error as { code?: string } | null)?.code
      await this.o.audit?.recordOnce({
        tenantId: row.tenantId, actor: legacyActor(row.principalId), action: 'query.run',
        outcome: row.status === 'succeeded' ? 'success' : 'failure', resource: { type: 'query', id: row.id },
        details: {
          query_id: row.id, connection_id: row.connectionId, source: row.source, query_status: row.status, error_code: error,
          rows: row.rowCount ?? undefined, duration_ms: row.durationMs ?? undefined, planner: row.planner ?? undefined,
          llm_tokens: tokens, truncated: row.truncated,
        },
      })
    } catch (err) {
      this.o.logger.error({ err, query_id: job.id }, 'could not record or meter a settled job')
    }
  }

  /**
   * Due deliveries there is room for, fairly: each tenant's most overdue
   * first and the tenants in turn (a row number per tenant), never more of a
   * tenant than its free slots, so a backlog of one tenant's failing webhooks
   * waits behind nobody else's next delivery.
   */
  private async dueWebhooks(): Promise<QueryRow[]> {
    const slots = this.o.webhookSlots ?? DEFAULT_WEBHOOK_SLOTS
    const room = slots.total - this.deliveries.total
    if (room <= 0) return []
    const full = [...this.deliveries.byTenant].filter(([, n]) => n >= slots.perTenant).map(([tenant]) => tenant)
    const ranked = await this.o.db.execute(sql`
      SELECT id, tenant_id FROM (
        SELECT id, tenant_id, webhook_next_at, row_number() OVER (PARTITION BY tenant_id ORDER BY webhook_next_at, id) AS rn
        FROM ${queries}
        WHERE webhook_status = 'pending' AND status IN ('succeeded', 'failed', 'cancelled') AND webhook_next_at <= now()
          ${full.length ? sql`AND tenant_id NOT IN (${sql.join(full.map((f) => sql`${f}`), sql`, `)})` : sql``}
      ) due WHERE rn <= ${slots.perTenant} ORDER BY rn, webhook_next_at, id LIMIT ${room}`)
    const taken = new Map<string, number>()
    const ids: string[] = []
    for (const r of (ranked as unknown as { rows: Array<{ id: string; tenant_id: string }> }).rows) {
      const n = (this.deliveries.byTenant.get(r.tenant_id) ?? 0) + (taken.get(r.tenant_id) ?? 0)
      if (n >= slots.perTenant) continue
      taken.set(r.tenant_id, (taken.get(r.tenant_id) ?? 0) + 1)
      ids.push(r.id)
    }
    if (!ids.length) return []
    const rows = await this.o.db.select().from(queries).where(inArray(queries.id, ids))
    return rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id))
  }

  /** A delivery holding one of the worker's slots (and one of its tenant's) until it settles. */
  private async slotted(job: QueryRow): Promise<void> {
    const d = this.deliveries
    d.total++
    d.byTenant.set(job.tenantId, (d.byTenant.get(job.tenantId) ?? 0) + 1)
    try {
      await this.tracedDelivery(job)
    } finally {
      d.total--
      const n = (d.byTenant.get(job.tenantId) ?? 1) - 1
      if (n > 0) d.byTenant.set(job.tenantId, n)
      else d.byTenant.delete(job.tenantId)
    }
  }

  private tracedDelivery(job: QueryRow): Promise<void> {
    return withSpan('webhook', () => this.deliver(job), { parent: NEW_TRACE, attributes: { 'nexatron.query_id': job.id, 'nexatron.tenant_id': job.tenantId } })
  }

  /** One delivery attempt; schedules the next with backoff or gives up. */
  async deliver(job: QueryRow): Promise<void> {
    if (!job.webhookUrl || job.webhookStatus !== 'pending') return
    // Results go only to a principal that may still read them: a revoked
    // submitter's webhook is never sent, whenever the revocation happened.
    let allowed: Principal | null
    try {
      allowed = await this.currentPrincipal(job)
    } catch (err) {
      this.o.logger.error({ err, query_id: job.id }, 'could not check the principal of a webhook; retrying later')
      return
    }
    if (!allowed) {
      const dropped = await this.o.db.update(queries).set({ webhookStatus: 'cancelled', webhookNextAt: null })
        .where(and(eq(queries.id, job.id), eq(queries.webhookStatus, 'pending'))).returning({ id: queries.id })
      if (dropped.length) await this.audit(job, 'job.webhook_cancel')
      return
    }
    // Claim this attempt: only one instance posts it.
    const claimed = await this.o.db.update(queries)
      .set({ webhookNextAt: new Date(Date.now() + 60_000), webhookAttempts: job.webhookAttempts + 1 })
      .where(and(eq(queries.id, job.id), eq(queries.webhookAttempts, job.webhookAttempts), eq(queries.webhookStatus, 'pending')))
      .returning({ id: queries.id })
    if (!claimed.length) return
    const attempt = job.webhookAttempts + 1
    let ok = false
    try {
      const withheld = this.o.staleness ? (await staleAnswers(this.o.staleness, allowed, [job])).has(job.id) : false
      const body = JSON.stringify(queryDetailView(job, this.o.historyRows, { withheld }))
      await assertHostAllowed(new URL(job.webhookUrl).hostname, this.o.hostPolicy, 'webhook_url')
      const secret = await this.o.secrets.get(job.tenantId)
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Nexatron-Webhook/1',
        'x-nexatron-signature': signWebhook(secret, body),
        'x-nexatron-delivery': job.id,
        'idempotency-key': job.id,
      }
      const timeoutMs = this.o.webhookTimeoutMs ?? 10_000
      if (this.o.fetch) {
        // An injected fetch (tests) cannot pin the checked address.
        const res = await this.o.fetch(job.webhookUrl, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
        ok = res.status >= 200 && res.status < 300
        await res.body?.cancel().catch(() => {})
      } else {
        // Connects only to an address the policy allows, re-checked at connect time; no redirects.
        const res = await postWebhook(job.webhookUrl, { headers, body, timeoutMs, hostPolicy: this.o.hostPolicy })
        ok = res.status >= 200 && res.status < 300
      }
    } catch (err) {
      this.o.logger.warn({ query_id: job.id, attempt, err: (err as Error).message }, 'webhook delivery failed')
    }
    const base = this.o.backoffBaseMs ?? 2000
    const giveUp = !ok && attempt >= this.o.maxWebhookAttempts
    this.o.metrics?.webhookDelivery(ok ? 'delivered' : giveUp ? 'failed' : 'retrying')
    await this.o.db.update(queries).set({
      webhookStatus: ok ? 'delivered' : giveUp ? 'failed' : 'pending',
      webhookNextAt: ok || giveUp ? null : new Date(Date.now() + base * 2 ** (attempt - 1)),
    }).where(eq(queries.id, job.id))
  }

  /** On an embedded single-process store, every running job at start was orphaned by the last process. */
  async recoverOrphans(): Promise<void> {
    await this.o.db.update(queries).set({ status: 'queued', lockedBy: null, lockedUntil: null })
      .where(and(eq(queries.async, true), eq(queries.status, 'running')))
  }
}

export class JobService {
  constructor(
    private readonly history: QueryHistory,
    private readonly runner: QueryRunner,
    private readonly worker: JobWorker | undefined,
    private readonly hostPolicy: HostPolicyOptions,
    private readonly audit?: Audit,
  ) {}

  /**
   * A key was revoked, or a user (and the keys they own) disabled or deleted:
   * their queued jobs are cancelled (reason `credential_revoked`) and their
   * running queries stopped, jobs and open streams alike (a leaked key must not
   * keep streaming after its revocation); each job is recorded as `job.cancel`
   * and each synchronous run as `query.cancel` by the revoker, and each key
   * revoked along with its owner as `api_key.revoke`.
   */
  async credentialsRevoked(e: CredentialsRevoked): Promise<void> {
    const record = (action: string, targetId: string) =>
      this.audit?.record({ tenantId: e.tenantId, actorId: e.actorId, action, targetId, outcome: 'success' })
    for (const id of e.cascadedKeyIds) await record('api_key.revoke', id)
    const cancelled = await this.history.cancelQueuedOf(e.tenantId, e.principalIds, revokedRecord())
    for (const id of cancelled) await record('job.cancel', id)
    for (const { id, async } of await this.history.runningOf(e.tenantId, e.principalIds)) {
      // Here: abort now. Elsewhere: flagged with its reason; that instance's runner watches its runs' flags.
      if (!this.runner.cancel(id, credentialRevoked())) await this.history.requestCancel(id, revokedRecord())
      await record(async ? 'job.cancel' : 'query.cancel', id)
    }
  }

  notify(): void { this.worker?.notify() }

  async assertWebhookAllowed(url: string): Promise<void> {
    await assertHostAllowed(new URL(url).hostname, this.hostPolicy, 'webhook_url')
  }

  /** Deletes a query from history, stopping it first if it runs in this process; 404 for one the principal may not see. */
  async delete(principal: Principal, id: string): Promise<void> {
    await this.history.get(principal, id)
    this.runner.cancel(id)
    await this.history.delete(principal, id)
  }

  /** Cancels a queued or running query; answers its status afterwards. */
  async cancel(principal: Principal, id: string): Promise<string> {
    const row = await this.history.get(principal, id)
    if (row.status === 'queued') {
      await this.history.update(id, { status: 'cancelled', finishedAt: new Date(), error: { code: 'query_cancelled', message: 'the query was cancelled', details: [] } })
      return 'cancelled'
    }
    if (row.status === 'running') {
      // Here: abort now. Elsewhere: flag it; that instance's runner sees the flag.
      if (!this.runner.cancel(id)) await this.history.requestCancel(id)
      return 'cancelled'
    }
    throw new AppError('conflict', `the query already ${row.status === 'succeeded' ? 'succeeded' : row.status}`, [{ issue: 'not_running', status: row.status }])
  }
}
