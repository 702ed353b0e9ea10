// The prom-client recorder behind metrics.ts (loaded only when /metrics is
// enabled). Each instance has its own Registry, so service containers built
// side by side (tests) never share or double-register a series. Figures read
// at scrape time (queue, pools, process) are gauges whose collect() asks the
// services then.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Metrics, MetricSources, PoolSample, PlannerOutcome, QueryOutcome, WebhookOutcome, CacheOutcome } from './metrics'

// Sampled continuously from the first enabled container: a scrape reads the
// figures since the previous scrape, then resets them.
let loopDelay: ReturnType<typeof monitorEventLoopDelay> | undefined

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const QUERY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
const POOL_LABELS = ['connection_id', 'tenant_id', 'engine'] as const

export class PromMetrics implements Metrics {
  readonly enabled = true
  private readonly registry = new Registry()
  private readonly http: Histogram<'route' | 'method' | 'status'>
  private readonly query: Histogram<'engine' | 'outcome'>
  private readonly planner: Counter<'planner' | 'outcome'>
  private readonly rows: Counter<'engine'>
  private readonly sse: Gauge
  private readonly webhooks: Counter<'outcome'>
  private readonly cache: Counter<'outcome'>
  private readonly rejections: Counter<'code'>

  constructor(sources: MetricSources) {
    if (!loopDelay) {
      loopDelay = monitorEventLoopDelay({ resolution: 20 })
      loopDelay.enable()
    }
    const registers = [this.registry]
    this.http = new Histogram({
      name: 'nexatron_http_request_duration_seconds', help: 'HTTP requests by matched route, method and status, until the last byte of the answer.',
      labelNames: ['route', 'method', 'status'], buckets: HTTP_BUCKETS, registers,
    })
    this.query = new Histogram({
      name: 'nexatron_query_duration_seconds', help: 'Query runs (plan to last row) by engine and outcome.',
      labelNames: ['engine', 'outcome'], buckets: QUERY_BUCKETS, registers,
    })
    this.planner = new Counter({
      name: 'nexatron_planner_outcomes_total', help: 'Questions by planner and outcome: answered (a plan), clarified (ambiguous_question), refused (not understood), failed.',
      labelNames: ['planner', 'outcome'], registers,
    })
    this.rows = new Counter({ name: 'nexatron_rows_streamed_total', help: 'Result rows streamed to clients and jobs, by engine.', labelNames: ['engine'], registers })
    this.sse = new Gauge({ name: 'nexatron_sse_streams_open', help: 'Server-Sent Events answers streaming now.', registers })
    this.webhooks = new Counter({ name: 'nexatron_webhook_deliveries_total', help: 'Webhook attempts by outcome (delivered, retrying, failed for good).', labelNames: ['outcome'], registers })
    this.cache = new Counter({ name: 'nexatron_cache_lookups_total', help: 'Result cache lookups by outcome.', labelNames: ['outcome'], registers })
    this.rejections = new Counter({ name: 'nexatron_rejections_total', help: 'Requests refused with 429, by error code (rate_limited, quota_exceeded, too_many_*).', labelNames: ['code'], registers })
    // Pre-create the outcome series so a dashboard sees zeros, not gaps.
    for (const o of ['hit', 'miss']) this.cache.inc({ outcome: o }, 0)
    for (const o of ['delivered', 'retrying', 'failed']) this.webhooks.inc({ outcome: o }, 0)

    this.scrapeGauges(sources, registers)
  }

  private scrapeGauges(sources: MetricSources, registers: Registry[]) {
    const perTenant = (name: string, help: string, pick: (q: Awaited<ReturnType<MetricSources['history']['queueStats']>>[number]) => number | null) =>
      new Gauge({
        name, help, labelNames: ['tenant_id'], registers,
        async collect() {
          this.reset()
          for (const q of await sources.history.queueStats()) {
            const v = pick(q)
            if (v !== null) this.set({ tenant_id: q.tenantId }, v)
          }
        },
      })
    perTenant('nexatron_jobs_queued', 'Async jobs waiting to run, per tenant.', (q) => q.queued)
    perTenant('nexatron_jobs_running', 'Async jobs running, per tenant.', (q) => q.running)
    perTenant('nexatron_jobs_oldest_queued_seconds', 'Age of the oldest waiting async job, per tenant.',
      (q) => (q.oldestQueuedS === null ? null : Math.round(q.oldestQueuedS * 1000) / 1000))

    const pools = sources.pools
    if (pools) {
      const poolGauge = (name: string, help: string, pick: (p: PoolSample) => number) =>
        new Gauge({
          name, help, labelNames: POOL_LABELS, registers,
          collect() {
            this.reset()
            for (const p of pools()) this.set({ connection_id: p.connectionId, tenant_id: p.tenantId, engine: p.engine }, pick(p))
          },
        })
      poolGauge('nexatron_pool_sessions_max', 'Database sessions a connection may open at once (its pool size).', (p) => p.size)
      poolGauge('nexatron_pool_sessions_in_use', 'Database sessions running a statement now, per connection.', (p) => p.inUse)
      poolGauge('nexatron_pool_waiting', 'Statements waiting for a free session now, per connection.', (p) => p.waiting)
      // Monotonic in the connector; restarting from 0 when a connection is rebuilt reads as a counter reset.
      const poolCounter = (name: string, help: string, pick: (p: PoolSample) => number) =>
        new Counter({
          name, help, labelNames: POOL_LABELS, registers,
          collect() {
            this.reset()
            for (const p of pools()) this.inc({ connection_id: p.connectionId, tenant_id: p.tenantId, engine: p.engine }, pick(p))
          },
        })
      poolCounter('nexatron_pool_waits_total', 'Statements that had to wait for a free session, per connection.', (p) => p.waitsTotal)
      poolCounter('nexatron_pool_timeouts_total', 'Waits for a session that ended in pool_exhausted, per connection.', (p) => p.timeoutsTotal)
    }

    new Gauge({ name: 'nexatron_process_resident_memory_bytes', help: 'Resident memory of the server process.', registers, collect() { this.set(process.memoryUsage.rss()) } })
    new Gauge({ name: 'nexatron_process_heap_used_bytes', help: 'JavaScript heap in use.', registers, collect() { this.set(process.memoryUsage().heapUsed) } })
    new Gauge({
      name: 'nexatron_event_loop_delay_p99_seconds', help: '99th percentile event-loop delay since the last scrape.', registers,
      collect() { this.set(finite(loopDelay!.percentile(99) / 1e9)) },
    })
    new Gauge({
      name: 'nexatron_event_loop_delay_max_seconds', help: 'Longest event-loop delay since the last scrape.', registers,
      collect() { this.set(finite(loopDelay!.max / 1e9)) },
    })
    const starts = sources.demoWarehouseStarts
    if (starts) {
      new Counter({
        name: 'nexatron_demo_warehouse_starts_total', help: 'Demo warehouse threads started (restarts stop statements stuck past their timeout).', registers,
        collect() { this.reset(); this.inc(starts()) },
      })
    }
  }

  httpRequest(route: string, method: string, status: number, seconds: number): void {
    this.http.observe({ route, method, status: String(status) }, seconds)
  }

  rejection(code: string): void { this.rejections.inc({ code }) }

  sseOpened(): () => void {
    this.sse.inc()
    let open = true
    return () => { if (open) { open = false; this.sse.dec() } }
  }

  queryRun(engine: string, outcome: QueryOutcome, seconds: number): void { this.query.observe({ engine, outcome }, seconds) }
  plannerOutcome(planner: string, outcome: PlannerOutcome): void { this.planner.inc({ planner, outcome }) }
  rowsStreamed(engine: string, rows: number): void { if (rows > 0) this.rows.inc({ engine }, rows) }
  webhookDelivery(outcome: WebhookOutcome): void { this.webhooks.inc({ outcome }) }
  cacheLookup(outcome: CacheOutcome): void { this.cache.inc({ outcome }) }

  get contentType(): string { return this.registry.contentType }

  async render(): Promise<string> {
    const text = await this.registry.metrics()
    loopDelay?.reset()
    return text
  }
}

const finite = (n: number) => (Number.isFinite(n) ? n : 0)
