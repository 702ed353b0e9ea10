// The query runner: plan -> compile -> guard -> execute -> stream, and one
// history record per run. The same event stream feeds the JSON response, the
// SSE stream and async jobs, so all three behave identically.
import { buildCatalog, compile, type Catalog, type CompiledQuery, type SemanticQuery } from '../../semantic'
import type { Principal } from '../identity/principal'
import type { Plan, Planner } from '../planner/planner'
import type { ConnectionService, ConnectionRow } from '../connections/connection-service'
import type { SemanticStore } from '../semantic-layer/semantic-store'
import type { AccessPolicyService } from '../governance/access-policy-service'
import { accessNote, shown } from '../governance/access-policy-service'
import { hideMaskKeyPieces, maskKeysOf } from '../../semantic/access'
import { accessContextOf } from '../governance/access-context'
import type { TenantService } from '../identity/tenants'
import { AppError, errorRecord } from '../errors'
import { CancelWatch } from './cancel-watch'
import { toAppError } from '../error-mapping'
import { ConnectorError } from '../../connectors/connector'
import { summarize } from '../planner/summary'
import { explainPlan } from '../planner/explanation'
import type { QueryHistory, QueryRow } from './history'
import type { ConcurrencyGate } from './concurrency-gate'
import { resultColumns, rowShaper, type ResultColumn } from './result-columns'
import { dialectOf } from '../../connectors/registry'
import { chartSpec, MAX_POINTS, type ChartSpec } from './chart-spec'
import type { SqlExecutor } from './executor'
import type { Logger } from '../logger'
import type { LlmSummary, LlmSummaryInput } from '../planner/llm/summarize'
import type { LlmUsage } from '../planner/planner'
import type { PlannerOutcome, QueryMetrics, QueryOutcome } from '../ops/metrics'
import { failureOutcome } from './answer-outcome'
import { activeContext, dbSystemOf, failSpan, startSpan, withSpan, withSpanSync, type Context, type Span } from '../ops/spans'
import { newId } from '../ids'
import { cacheTtlFor, replayResult, ResultRecorder, resultCacheKey, type CacheStatus, type ResultCache } from './result-cache'
import { PlanCache } from './plan-cache'
import { rowBytes } from './row-bytes'

export interface RunInput {
  principal: Principal
  question?: string
  /** A structured query (POST /semantic/query): no planner involved. */
  semantic?: SemanticQuery
  connectionId?: string
  conversationId?: string
  maxRows?: number
  async?: boolean
  webhookUrl?: string
}

export type RunEvent =
  | { type: 'plan'; plan: Plan; explanation: string }
  /** `sql` runs with `params`; `sql_inline` has the values written in as literals, for display only. */
  /** `cache`: whether the rows come from the result cache (result-cache.ts), known before the first row. */
  | { type: 'sql'; sql: string; params: unknown[]; sql_inline: string; cache: CacheStatus }
  | { type: 'columns'; columns: ResultColumn[] }
  | { type: 'rows'; rows: unknown[][] }
  | { type: 'summary'; summary: string }
  /** `chart`: a Vega-Lite spec chosen from the result's shape (chart-spec.ts), null when none fits. */
  | { type: 'done'; id: string; row_count: number; truncated: boolean; execution_time_ms: number; chart?: ChartSpec | null; cache: CacheStatus }

export interface PreparedRun {
  id: string
  record: QueryRow
  connection: ConnectionRow
  conversationId: string | null
  input: RunInput
  /** The concurrency slot held for a synchronous run (async jobs are bounded by the worker). */
  releaseSlot?: () => void
  /** The record was written as running, its first attempt counted (a synchronous run, just prepared). */
  startedRecord?: boolean
}

export interface QueryRunnerDeps {
  connections: ConnectionService
  semantic: SemanticStore
  /** Access policies: every run compiles from the principal's restricted view of the layer. */
  access?: AccessPolicyService
  tenants: TenantService
  history: QueryHistory
  planner: Planner
  gate: ConcurrencyGate
  /** Async jobs that may wait at once, per credential and per tenant. */
  queueCaps?: { perKey: number; perTenant: number }
  executor: SqlExecutor
  logger: Logger
  /** cancelWatchMs: how often live runs' cancel flags are read (cancel-watch.ts). */
  limits: { historyRows: number; cancelWatchMs?: number }
  now?: () => Date
  /** An LLM-written summary (NEXATRON_LLM_SUMMARY); the deterministic one stays when it fails. */
  llmSummary?: (input: LlmSummaryInput, signal: AbortSignal) => Promise<LlmSummary | null>
  /** Operator metrics (src/ops/metrics.ts): run durations, planner outcomes, rows. */
  metrics?: QueryMetrics
  /** Finished results served again (absent: every run reads the database); defaultTtlS applies to semantic queries. */
  resultCache?: { store: ResultCache; defaultTtlS: number }
  /** Told of every cache lookup (for operator metrics). */
  onCacheLookup?: (outcome: 'hit' | 'miss') => void
}

/** Longest model text kept in a history record. */
const MAX_MODEL_OUTPUT_CHARS = 500
/**
 * Most bytes of rows a run keeps for its history record and summary, and
 * likewise for its chart: the answer itself streams, but these are held to
 * the end and stored, so 1,000 rows of wide values must not pin the heap.
 */
export const KEPT_ROWS_MAX_BYTES = 8 * 2 ** 20

/**
 * The model's own words (an LLM refusal) next to the recorded error, marked
 * as untrusted model output and bounded; query-views.ts shows them to admins only.
 */
function withModelOutput<T extends object>(error: T, err: unknown): T | (T & { model_output: { source: 'llm'; untrusted: true; text: string } }) {
  const text = (err as { modelOutput?: unknown } | null)?.modelOutput
  if (typeof text !== 'string' || !text) return error
  const clipped = text.length > MAX_MODEL_OUTPUT_CHARS ? `${text.slice(0, MAX_MODEL_OUTPUT_CHARS)}…` : text
  return { ...error, model_output: { source: 'llm', untrusted: true, text: clipped } }
}

/** What a planner's failure means for the planner-outcome metric: the classes usage analytics count (answer-outcome.ts). */
function plannerOutcomeOf(err: unknown): PlannerOutcome {
  return failureOutcome((err as { code?: unknown } | null)?.code as string | undefined)
}

function addUsage(a: LlmUsage | undefined, b: LlmUsage): LlmUsage {
  if (!a) return b
  return { model: a.model, prompt_tokens: a.prompt_tokens + b.prompt_tokens, completion_tokens: a.completion_tokens + b.completion_tokens, total_tokens: a.total_tokens + b.total_tokens }
}

export class QueryRunner {
  private readonly running = new Map<string, AbortController>()
  private readonly catalogs = new Map<string, { fingerprint: string; catalog: Catalog }>()
  private readonly plans = new PlanCache()

  /** Runs here that another instance was asked to cancel (a cancel or a revocation that reached it). */
  private readonly cancelWatch: CancelWatch

  constructor(private readonly deps: QueryRunnerDeps) {
    this.cancelWatch = new CancelWatch({
      live: () => [...this.running.keys()],
      flagged: (ids) => deps.history.cancelsRequested(ids),
      cancel: (id, reason) => { this.cancel(id, reason) },
      onError: (err) => deps.logger.warn({ err }, 'could not read the cancel flags of running queries'),
      intervalMs: deps.limits.cancelWatchMs ?? 2000,
    })
  }

  /** Resolves the connection and conversation and writes the history record. */
  async prepare(input: RunInput): Promise<PreparedRun> {
    const { principal } = input
    // A follow-up that names no connection continues on its conversation's.
    const connectionId = input.connectionId ?? (input.question !== undefined && input.conversationId
      ? await this.deps.history.conversationConnection(principal, input.conversationId) : undefined)
    const connection = await this.deps.connections.resolve(principal.tenantId, connectionId)
    // A question without a conversation starts one: written with the run's record (one statement).
    const newConversation = input.question !== undefined && !input.conversationId
    const conversationId = input.question === undefined ? null
      : newConversation ? newId('conv') : await this.deps.history.conversation(principal, input.conversationId, connection.id)
    const queued = !!(input.async || input.webhookUrl)
    if (queued) await this.assertQueueRoom(principal)
    // Take the slot before writing history: a refused run leaves no record.
    const releaseSlot = queued ? undefined : this.deps.gate.acquire(principal.id, principal.tenantId)
    let record: QueryRow
    try {
      record = await this.createRecord(input, connection.id, conversationId, queued, newConversation)
    } catch (e) {
      releaseSlot?.()
      throw e
    }
    return { id: record.id, record, connection, conversationId, input, releaseSlot, startedRecord: !queued }
  }

  /** Caps waiting async jobs per credential and per tenant, so one client cannot bury everyone's work. */
  private async assertQueueRoom(principal: Principal): Promise<void> {
    const caps = this.deps.queueCaps
    if (!caps) return
    const n = await this.deps.history.queuedCounts(principal.tenantId, principal.id)
    const over = n.principal >= caps.perKey ? { issue: 'credential', limit: caps.perKey } : n.tenant >= caps.perTenant ? { issue: 'tenant', limit: caps.perTenant } : null
    if (over) {
      throw new AppError('too_many_queued_queries', `at most ${over.limit} async queries may wait at once per ${over.issue}; wait for some to finish`, [over], { retryAfterS: 30 })
    }
  }

  private createRecord(input: RunInput, connectionId: string, conversationId: string | null, queued: boolean, newConversation: boolean): Promise<QueryRow> {
    const { principal } = input
    return this.deps.history.create({
      tenantId: principal.tenantId, principalId: principal.id, conversationId, connectionId,
      question: input.question ?? null, source: input.semantic ? 'semantic' : 'question',
      request: { question: input.question, semantic: input.semantic, max_rows: input.maxRows, connection_id: connectionId },
      status: queued ? 'queued' : 'running', async: queued, webhookUrl: input.webhookUrl ?? null,
      webhookStatus: input.webhookUrl ? 'pending' : null,
      // A synchronous run starts now: recorded as its first attempt, so execute() need not write again.
      startedAt: queued ? null : new Date(), attempts: queued ? 0 : 1,
    }, { newConversation })
  }

  /** Cancels a run in this process (recorded with `reason`); returns false when it is not running here. */
  cancel(id: string, reason: AppError = new AppError('query_cancelled', 'the query was cancelled')): boolean {
    const c = this.running.get(id)
    if (!c) return false
    c.abort(reason)
    return true
  }

  isRunning(id: string): boolean { return this.running.has(id) }

  /** Cancels every run in this process, in the database too (shutdown, once its grace period is over); returns how many. */
  cancelAll(reason: AppError = new AppError('query_cancelled', 'the server is shutting down')): number {
    const ids = [...this.running.keys()]
    for (const id of ids) this.cancel(id, reason)
    return ids.length
  }

  /** The planner's call as the `plan` span, counted by outcome (answered, clarified, refused, failed). */
  private planTraced(parent: Context, plan: () => Promise<Plan>): Promise<Plan> {
    return withSpan('plan', async (span) => {
      try {
        const p = await plan()
        span.setAttributes({ 'nexatron.planner': p.planner, 'nexatron.plan.kind': p.kind, 'nexatron.plan.confidence': p.confidence })
        this.deps.metrics?.plannerOutcome(p.planner, 'answered')
        return p
      } catch (err) {
        const outcome = plannerOutcomeOf(err)
        span.setAttribute('nexatron.planner.outcome', outcome)
        this.deps.metrics?.plannerOutcome('unknown', outcome)
        throw err
      }
    }, { parent })
  }

  private catalogFor(key: string, fingerprint: string, build: () => Catalog): Catalog {
    const hit = this.catalogs.get(key)
    if (hit && hit.fingerprint === fingerprint) return hit.catalog
    const catalog = build()
    // Keys include the access context (one catalog per distinct view of a layer): bound the map.
    if (this.catalogs.size >= 500 && !this.catalogs.has(key)) this.catalogs.delete(this.catalogs.keys().next().value!)
    this.catalogs.set(key, { fingerprint, catalog })
    return catalog
  }

  /**
   * Runs a prepared query, yielding events. Errors are recorded in history
   * and rethrown as AppError. Aborting `signal` cancels in the database.
   */
  async *execute(run: PreparedRun, signal: AbortSignal): AsyncGenerator<RunEvent> {
    const { principal } = run.input
    const controller = new AbortController()
    const onAbort = () => controller.abort(signal.reason ?? new AppError('query_cancelled', 'the client went away'))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    this.running.set(run.id, controller)
    this.cancelWatch.update()
    const started = Date.now()
    // This run's spans hang off the request that started it, whichever caller resumes the generator later (a response stream).
    const traceCtx = activeContext()
    let execSpan: Span | undefined
    // An abandoned generator (the client left) never reaches catch: it counts as cancelled.
    let outcome: QueryOutcome = 'cancelled'
    let plan: Plan | undefined
    let sqlText: string | undefined
    /** sqlText as shown and recorded: the tenant's mask keys hidden (see hideMaskKeys). */
    let shownSql: string | undefined
    /** The tenant's mask keys in the SQL that runs: hidden in what is shown of it, a database's error text included. */
    let maskKeys: ReadonlySet<string> = new Set()
    let explanation: string | undefined
    // Rows already sent count however the run ends: a client that leaves before `done`
    // (or a database failing after some batches) has still read them, and they are metered.
    let rowCount = 0
    let truncated = false
    // Whether the run's record was settled (succeeded, failed, cancelled): an abandoned generator's is not.
    let settled = false
    try {
      // A synchronous run's record was written as running (createRecord); a job's is marked here, attempt counted.
      if (!run.startedRecord) await this.deps.history.update(run.id, { status: 'running', startedAt: new Date(started), attempts: run.record.attempts + 1 })
      const conn = run.connection
      const timezone = await this.deps.tenants.timezoneOf(principal.tenantId)
      // the connection row read for this run carries the layer's version: a cached layer costs no statement
      // (unless work on the layer was still settling, e.g. the demo's sample values at start-up: read it anew then)
      const waited = await this.deps.semantic.settled(principal.tenantId, conn.id)
      const layer = await this.deps.semantic.load(principal.tenantId, conn.id, waited ? undefined : conn.layerVersion)
      // One principal's view of the layer (governance): every compile, catalog and explanation below reads it.
      // The rules the principal is under now: a job is run by its principal as it stands when claimed
      // (job-worker.ts), never under a role, groups or attributes taken away since it was queued.
      const accessCtx = accessContextOf(principal)
      const view = this.deps.access
        ? await this.deps.access.restrict(conn, layer, accessCtx)
        : { manifest: layer.manifest, applied: [], row_policies: [], context_key: '', layer_policies: [] as string[], access_stamp: '' }
      const manifest = view.manifest
      const dialect = dialectOf(conn.type)
      const options = this.deps.connections.options(conn)
      // Raw SQL reads tables directly, around every policy: refused on a layer that has any.
      const rawSqlAllowed = !!options.allow_raw_sql && view.layer_policies.length === 0

      let compiled: CompiledQuery | undefined
      // The planner compiles the plan it returns to check it (validate below): the same plan is not compiled twice.
      const compiledPlans = new WeakMap<Plan, CompiledQuery | undefined>()
      const compilePlan = (p: Plan): CompiledQuery | undefined => {
        if (compiledPlans.has(p)) return compiledPlans.get(p)
        const made = p.kind === 'semantic' ? compile(p.query, manifest, dialect) : undefined
        compiledPlans.set(p, made)
        return made
      }
      if (run.input.semantic) {
        plan = { kind: 'semantic', query: run.input.semantic, confidence: 1, reasons: ['structured semantic query'], planner: 'offline' }
      } else {
        const catalogKey = `${principal.tenantId}/${conn.id}/${view.context_key}`
        const catalog = this.catalogFor(catalogKey, layer.fingerprint, () => buildCatalog(manifest))
        // Only this connection's turns: a conversation never carries another catalog's questions, plans or SQL.
        // A conversation started by this very question has no turns yet: no need to ask the store.
        const turns = run.conversationId && run.input.conversationId ? await this.deps.history.turns(principal.tenantId, run.conversationId, 10, conn.id) : []
        const question = run.input.question ?? ''
        const planNow = this.deps.now?.() ?? new Date()
        // The same question asked afresh on the same view of the same layer: planned once (plan-cache.ts).
        const planKey = turns.length === 0
          ? PlanCache.key({ catalogKey: `${catalogKey}/${dialect}/${rawSqlAllowed}`, fingerprint: layer.fingerprint, timezone, now: planNow, question })
          : undefined
        plan = await this.planTraced(traceCtx, async () => {
          const kept = planKey ? this.plans.get(planKey) : undefined
          if (kept) return kept
          const made = await this.deps.planner.plan(question, catalog, turns, {
            timezone, now: planNow, allowRawSql: rawSqlAllowed, dialect,
            validate: (p) => {
              if (p.kind === 'sql') this.deps.executor.guard(conn, manifest, p.sql)
              else compilePlan(p)
            },
          }, controller.signal)
          if (planKey) this.plans.set(planKey, made)
          return made
        })
      }
      if (plan.kind === 'sql' && options.allow_raw_sql && !rawSqlAllowed) {
        throw new AppError('access_denied', `raw SQL is refused on this connection: access policy "${view.layer_policies[0]}" governs its semantic layer`,
          [{ issue: 'access_policy', policy: view.layer_policies[0] }])
      }
      if (plan.kind === 'sql' && !options.allow_raw_sql) {
        throw new AppError('sql_refused', 'this connection does not allow raw SQL plans')
      }
      const chosen = plan
      compiled = withSpanSync('compile', () => compilePlan(chosen), { parent: traceCtx, attributes: { 'nexatron.plan.kind': chosen.kind } })
      sqlText = compiled ? compiled.sql : (plan as Extract<Plan, { kind: 'sql' }>).sql
      const params = compiled ? compiled.params : []
      maskKeys = maskKeysOf(view.manifest)
      const display = shown({ sql: sqlText, params }, maskKeys, dialect)
      shownSql = display.sql
      // Every statement is guarded right before it runs, whoever wrote it.
      // Batches of 2,000 rows: large enough to amortise per-event costs, small
      // enough that the first rows arrive at once and memory stays flat.
      const statement = this.deps.executor.prepare(conn, layer.manifest, { sql: sqlText, params }, { maxRows: run.input.maxRows, batchSize: 2000 })
      // The result cache, looked up before the first event so the routes can send X-Nexatron-Cache with their headers.
      const cacheTtlS = this.deps.resultCache ? cacheTtlFor(plan.kind, options.cache_ttl_s, this.deps.resultCache.defaultTtlS) : 0
      const cacheKey = cacheTtlS > 0 ? resultCacheKey({
        tenantId: principal.tenantId, connectionId: conn.id, connectionVersion: conn.updatedAt.getTime(), layerFingerprint: layer.fingerprint,
        accessKey: view.context_key, sql: sqlText, params, maxRows: statement.maxRows,
      }) : undefined
      // A hit is still a use of the connection: a login now known to do more
      // than read refuses it (elevated_login), cached answers included.
      if (cacheKey) await this.deps.connections.connector(conn)
      const cached = cacheKey ? await this.deps.resultCache!.store.get(cacheKey) : undefined
      if (cacheKey) this.deps.onCacheLookup?.(cached ? 'hit' : 'miss')
      const cache: CacheStatus = !cacheKey ? 'off' : cached ? 'hit' : 'miss'
      const recorder = cacheKey && !cached ? new ResultRecorder(this.deps.resultCache!.store.maxEntryBytes) : undefined
      const now = this.deps.now?.() ?? new Date()
      explanation = explainPlan(plan, manifest, { timezone, now })
      const note = accessNote(view)
      if (note) explanation = `${explanation} ${note}`
      yield { type: 'plan', plan, explanation }
      // What runs binds the tenant's mask key; what the caller sees never holds it.
      yield { type: 'sql', ...display, cache }

      let columns: ResultColumn[] = []
      let shape: (rows: unknown[][], owned: boolean) => unknown[][] = (rows) => rows
      // Live rows without a recorder are ours alone: shaped in place, no copy per row.
      const ownedRows = !cached && !recorder
      const keepCap = Math.max(this.deps.limits.historyRows, 50)
      const kept: unknown[][] = []
      const chartRows: unknown[][] = []
      // What kept and chartRows hold (rowBytes); past the budget they take no more rows (a prefix stays).
      let keptBytes = 0
      let chartBytes = 0
      let chartTooWide = false
      execSpan = startSpan('execute', { parent: traceCtx, attributes: { 'db.system': dbSystemOf(conn.type), 'nexatron.connection_id': conn.id, 'nexatron.cache': cache } })
      // A hit replays the stored batches through the same shaping as a live result, so both answer alike.
      for await (const batch of cached ? replayResult(cached, 2000) : statement.rows(controller.signal)) {
        recorder?.add(batch)
        if (batch.columns) {
          columns = resultColumns(batch.columns, compiled?.columns)
          shape = rowShaper(batch.columns, columns)
          yield { type: 'columns', columns }
        }
        if (batch.truncated) truncated = true
        if (!batch.rows.length) continue
        const rows = shape(batch.rows, ownedRows)
        rowCount += rows.length
        this.deps.metrics?.rowsStreamed(conn.type, rows.length)
        for (let i = 0; i < rows.length && kept.length < keepCap && keptBytes <= KEPT_ROWS_MAX_BYTES; i++) {
          keptBytes += rowBytes(rows[i])
          if (keptBytes <= KEPT_ROWS_MAX_BYTES) kept.push(rows[i])
        }
        for (let i = 0; i < rows.length && chartRows.length <= MAX_POINTS && !chartTooWide; i++) {
          chartBytes += rowBytes(rows[i])
          // A chart carries its rows inline: one too wide to send is no chart.
          if (chartBytes > KEPT_ROWS_MAX_BYTES) { chartTooWide = true; chartRows.length = 0 } else chartRows.push(rows[i])
        }
        yield { type: 'rows', rows }
      }
      execSpan.setAttributes({ 'nexatron.rows': rowCount, 'nexatron.truncated': truncated })
      execSpan.end()
      execSpan = undefined
      // Only a complete result is stored: an error, a cancel or a timeout leaves the loop by throwing.
      if (recorder && cacheKey && !controller.signal.aborted) {
        const text = recorder.text()
        if (text) await this.deps.resultCache!.store.set(cacheKey, text, cacheTtlS)
      }
      let summary = summarize(plan, columns, kept, { timezone, now, rowCount, truncated, question: run.input.question })
      let usage = plan.usage
      if (this.deps.llmSummary && run.input.question) {
        const llm = await this.deps.llmSummary({
          question: run.input.question, plan, columns, rows: kept, row_count: rowCount, truncated, deterministic_summary: summary,
        }, controller.signal).catch(() => null)
        if (llm) { summary = llm.summary; usage = addUsage(usage, llm.usage) }
      }
      yield { type: 'summary', summary }
      const duration = Date.now() - started
      await this.deps.history.update(run.id, {
        status: 'succeeded', plan, sql: shownSql, rowCount, truncated, durationMs: duration, planner: plan.planner,
        usage: usage ?? null, summary, explanation, resultColumns: columns,
        resultRows: kept.slice(0, this.deps.limits.historyRows), finishedAt: new Date(), error: null,
        // History tells a served-again answer from one the database computed (query-views.ts shows it as `cache`).
        // access_stamp: the rules the stored rows were computed under (stale-answers.ts withholds them once those change)
        request: { ...(run.record.request ?? {}), cache, access_stamp: view.access_stamp },
      })
      settled = true
      outcome = 'succeeded'
      yield { type: 'done', id: run.id, row_count: rowCount, truncated, execution_time_ms: duration, chart: chartTooWide ? null : chartSpec(columns, chartRows), cache }
    } catch (err) {
      const cancelled = controller.signal.aborted
      outcome = cancelled ? 'cancelled' : 'failed'
      // Some databases quote the statement in their errors (ClickHouse whole, MariaDB "near '...'" cut short),
      // and its quotes nest in theirs, so databaseText's dropping of quoted runs can leave a mask key outside one.
      const appErr = withoutMaskKeys(cancelled
        ? (toAppError(controller.signal.reason) ?? new AppError('query_cancelled', 'the query was cancelled'))
        : toAppError(err) ?? new AppError('internal_error', 'internal error'), maskKeys)
      if (!toAppError(err) && !cancelled) this.deps.logger.error({ err, query_id: run.id }, 'query failed unexpectedly')
      // The database's own text stays in the operator's log; the client got our version (error-mapping.ts).
      if (!cancelled && err instanceof ConnectorError) {
        this.deps.logger.warn({ query_id: run.id, code: appErr.code, database_error: hideMaskKeyPieces(err.message.slice(0, 1_000), maskKeys) }, 'the database refused a query')
      }
      settled = true
      await this.deps.history.update(run.id, {
        status: cancelled ? 'cancelled' : 'failed', plan: plan ?? null, sql: shownSql ?? null, explanation: explanation ?? null, rowCount, truncated,
        durationMs: Date.now() - started, planner: plan?.planner ?? null, usage: plan?.usage ?? (err as { usage?: unknown })?.usage ?? null,
        error: withModelOutput(errorRecord(appErr), err), finishedAt: new Date(),
      }).catch((e) => this.deps.logger.error({ err: e }, 'could not record query failure'))
      if (execSpan) failSpan(execSpan, appErr)
      throw appErr
    } finally {
      execSpan?.end()
      // Abandoned while suspended at a yield (the client left and the response stopped
      // pulling): catch never ran, so the record is settled here, with the rows it sent.
      if (!settled) {
        await this.deps.history.update(run.id, {
          status: 'cancelled', plan: plan ?? null, sql: shownSql ?? null, explanation: explanation ?? null, rowCount, truncated,
          durationMs: Date.now() - started, planner: plan?.planner ?? null, usage: plan?.usage ?? null,
          error: errorRecord(new AppError('query_cancelled', 'the client went away')), finishedAt: new Date(),
        }).catch((e) => this.deps.logger.error({ err: e }, 'could not record an abandoned query'))
      }
      this.deps.metrics?.queryRun(run.connection.type, outcome, (Date.now() - started) / 1000)
      signal.removeEventListener('abort', onAbort)
      this.running.delete(run.id)
      this.cancelWatch.update()
      run.releaseSlot?.()
    }
  }
}

/** The error as the caller and the history see it: no mask key (nor piece of one) in its message. */
function withoutMaskKeys(err: AppError, maskKeys: ReadonlySet<string>): AppError {
  if (maskKeys.size === 0) return err
  const message = hideMaskKeyPieces(err.message, maskKeys)
  return message === err.message ? err : new AppError(err.code, message, err.details, { retryAfterS: err.retryAfterS })
}
