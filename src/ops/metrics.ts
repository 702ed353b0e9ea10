// Operator metrics: what the service records (requests, query runs, planner
// outcomes, rows, SSE streams, webhooks, rejections, cache lookups) and what
// a scrape reads from the services at that moment (the async queue, the
// connection pools, the process). One Metrics per service container (tests
// build many side by side). Counts, durations and identifiers only, never a
// tenant's data.
//
// prom-client is loaded only when /metrics is enabled (NEXATRON_METRICS_TOKEN):
// otherwise every recording call goes to NO_METRICS and costs nothing.
import type { QueryHistory } from '../query/history'

export type QueryOutcome = 'succeeded' | 'failed' | 'cancelled'
/** What the planner made of a question: a plan (answered), a question back (clarified), a refusal, or an error (LLM down, cancelled). */
export type PlannerOutcome = 'answered' | 'clarified' | 'refused' | 'failed'
/** A webhook attempt: delivered, failed and retried later, or failed for the last time. */
export type WebhookOutcome = 'delivered' | 'retrying' | 'failed'
export type CacheOutcome = 'hit' | 'miss'

/** What the query runner records: per run, its planner's outcome, and rows as they stream. */
export interface QueryMetrics {
  /** A run ended: `engine` is the connection type; seconds from start to its end. */
  queryRun(engine: string, outcome: QueryOutcome, seconds: number): void
  plannerOutcome(planner: string, outcome: PlannerOutcome): void
  rowsStreamed(engine: string, rows: number): void
}

export interface WebhookMetrics { webhookDelivery(outcome: WebhookOutcome): void }

/** For the result cache: call once per lookup. */
export interface CacheMetrics { cacheLookup(outcome: CacheOutcome): void }

/** A connection's session pool at this moment (connectors/shared/gate.ts). */
export interface PoolSample {
  connectionId: string
  tenantId: string
  engine: string
  size: number
  inUse: number
  waiting: number
  /** Acquisitions that had to wait for a session, since the connector was built. */
  waitsTotal: number
  /** Waits that ended in pool_exhausted. */
  timeoutsTotal: number
}

/** What a scrape reads from the running services. */
export interface MetricSources {
  history: Pick<QueryHistory, 'queueStats'>
  pools?: () => PoolSample[]
  demoWarehouseStarts?: () => number
}

export interface Metrics extends QueryMetrics, WebhookMetrics, CacheMetrics {
  readonly enabled: boolean
  /** One finished HTTP request: `route` is the matched route pattern (`/api/v1/queries/:id`), never the raw path. */
  httpRequest(route: string, method: string, status: number, seconds: number): void
  /** A refused request (429) by its error code: rate_limited, quota_exceeded, too_many_*. */
  rejection(code: string): void
  /** An SSE stream opened; call the returned function once when it closes. */
  sseOpened(): () => void
  /** The Prometheus text exposition. */
  render(): Promise<string>
  readonly contentType: string
}

const noop = () => {}

/** The recorder of a server without /metrics: nothing is kept. */
export const NO_METRICS: Metrics = {
  enabled: false,
  httpRequest: noop, rejection: noop, sseOpened: () => noop, queryRun: noop, plannerOutcome: noop, rowsStreamed: noop,
  webhookDelivery: noop, cacheLookup: noop,
  render: async () => '',
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
}

/** A recorder for one service container; prom-client is imported only when `enabled`. */
export async function createMetrics(enabled: boolean, sources: MetricSources): Promise<Metrics> {
  if (!enabled) return NO_METRICS
  const { PromMetrics } = await import('./prom-metrics')
  return new PromMetrics(sources)
}
