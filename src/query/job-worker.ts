// Async jobs live in the queries table. A worker loop claims queued jobs with
// FOR UPDATE SKIP LOCKED (several instances never run one job twice), keeps a
// lease while running, and reclaims jobs whose lease expired (the process that
// ran them died). Results are then delivered to the webhook, signed, retried
// with exponential backoff.
import { and, eq, sql } from 'drizzle-orm'
import os from 'node:os'
import type { Db } from '../store/db'
import { queries } from '../store/schema'
import { newId } from '../ids'
import type { Principal } from '../identity/principal'
import type { QueryHistory, QueryRow } from './history'
import type { QueryRunner, RunInput } from './query-runner'
import type { ConnectionService } from '../connections/connection-service'
import type { WebhookSecrets } from './webhook-secrets'
import { signWebhook } from './webhook-signer'
import { assertHostAllowed, type HostPolicyOptions } from '../security/host-policy'
import { AppError } from '../http/errors'
import type { Logger } from '../logger'
import { queryDetailView } from './query-views'

export interface JobWorkerOptions {
  db: Db
  history: QueryHistory
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
  /** Base of the exponential backoff between webhook attempts. */
  backoffBaseMs?: number
  fetch?: typeof fetch
}

export class JobWorker {
  readonly workerId = `${os.hostname()}:${process.pid}:${newId('job').slice(4, 12)}`
  private active = 0
  private timer?: NodeJS.Timeout
  private stopped = true
  private readonly inflight = new Set<Promise<void>>()
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
        this.track(this.runJob(job))
      }
      for (const due of await this.dueWebhooks()) this.track(this.deliver(due))
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

  async claim(): Promise<QueryRow | undefined> {
    const until = new Date(Date.now() + this.leaseMs)
    const res = await this.o.db.execute(sql`
      UPDATE ${queries} SET status = 'running', locked_by = ${this.workerId}, locked_until = ${until.toISOString()}::timestamptz
      WHERE id = (
        SELECT id FROM ${queries}
        WHERE async AND (status = 'queued' OR (status = 'running' AND locked_until < now()))
        ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
      RETURNING id`)
    const rows = (res as unknown as { rows: Array<{ id: string }> }).rows
    if (!rows?.length) return undefined
    return this.o.history.getById(rows[0].id)
  }

  private async runJob(job: QueryRow): Promise<void> {
    this.active++
    // Renew the lease, and honour a cancel requested through another instance.
    const heartbeat = setInterval(() => {
      void this.o.db.update(queries).set({ lockedUntil: new Date(Date.now() + this.leaseMs) })
        .where(and(eq(queries.id, job.id), eq(queries.lockedBy, this.workerId)))
        .returning({ cancel: queries.cancelRequested })
        .then((r) => { if (r[0]?.cancel) this.o.runner.cancel(job.id) })
        .catch(() => {})
    }, Math.max(500, Math.min(5000, this.leaseMs / 3)))
    try {
      const req = (job.request ?? {}) as { question?: string; semantic?: RunInput['semantic']; max_rows?: number }
      const principal: Principal = { tenantId: job.tenantId, kind: job.principalId.startsWith('usr_') ? 'user' : 'api_key', id: job.principalId, scopes: ['query:run'] }
      const connection = await this.o.connections.get(job.tenantId, job.connectionId)
      const run = {
        id: job.id, record: job, connection, conversationId: job.conversationId,
        input: { principal, question: req.question, semantic: req.semantic, maxRows: req.max_rows },
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
      await this.o.db.update(queries).set({ lockedBy: null, lockedUntil: null, webhookNextAt: job.webhookUrl ? new Date() : null })
        .where(eq(queries.id, job.id)).catch(() => {})
      this.active--
      if (job.webhookUrl) {
        const fresh = await this.o.history.getById(job.id)
        if (fresh) this.track(this.deliver(fresh))
      }
    }
  }

  private async dueWebhooks(): Promise<QueryRow[]> {
    return this.o.db.select().from(queries).where(and(
      eq(queries.webhookStatus, 'pending'),
      sql`${queries.status} IN ('succeeded', 'failed', 'cancelled')`,
      sql`${queries.webhookNextAt} <= now()`,
    )).limit(20)
  }

  /** One delivery attempt; schedules the next with backoff or gives up. */
  async deliver(job: QueryRow): Promise<void> {
    if (!job.webhookUrl || job.webhookStatus !== 'pending') return
    // Claim this attempt: only one instance posts it.
    const claimed = await this.o.db.update(queries)
      .set({ webhookNextAt: new Date(Date.now() + 60_000), webhookAttempts: job.webhookAttempts + 1 })
      .where(and(eq(queries.id, job.id), eq(queries.webhookAttempts, job.webhookAttempts), eq(queries.webhookStatus, 'pending')))
      .returning({ id: queries.id })
    if (!claimed.length) return
    const attempt = job.webhookAttempts + 1
    const body = JSON.stringify(queryDetailView(job, this.o.historyRows))
    let ok = false
    try {
      await assertHostAllowed(new URL(job.webhookUrl).hostname, this.o.hostPolicy, 'webhook_url')
      const secret = await this.o.secrets.get(job.tenantId)
      const res = await (this.o.fetch ?? fetch)(job.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Nexatron-Webhook/1',
          'x-nexatron-signature': signWebhook(secret, body),
          'x-nexatron-delivery': job.id,
          'idempotency-key': job.id,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.webhookTimeoutMs ?? 10_000),
      })
      ok = res.status >= 200 && res.status < 300
      await res.body?.cancel().catch(() => {})
    } catch (err) {
      this.o.logger.warn({ query_id: job.id, attempt, err: (err as Error).message }, 'webhook delivery failed')
    }
    const base = this.o.backoffBaseMs ?? 2000
    const giveUp = !ok && attempt >= this.o.maxWebhookAttempts
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
  ) {}

  notify(): void { this.worker?.notify() }

  async assertWebhookAllowed(url: string): Promise<void> {
    await assertHostAllowed(new URL(url).hostname, this.hostPolicy, 'webhook_url')
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
      if (!this.runner.cancel(id)) await this.history.update(id, { cancelRequested: true })
      return 'cancelled'
    }
    throw new AppError('conflict', `the query already ${row.status === 'succeeded' ? 'succeeded' : row.status}`, [{ issue: 'not_running', status: row.status }])
  }
}
