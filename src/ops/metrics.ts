// Operator metrics in the Prometheus text format: the async queue per tenant
// (depth, running, age of the oldest waiting job) and the process (memory,
// event-loop delay). Counts and tenant ids only, never a tenant's data.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { QueryHistory } from '../query/history'

// Sampled continuously from start: a scrape reads the last interval's figures.
const loopDelay = monitorEventLoopDelay({ resolution: 20 })
loopDelay.enable()

function line(name: string, value: number, labels: Record<string, string> = {}): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`).join(',')
  return `${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}\n`
}

function family(name: string, type: 'gauge' | 'counter', help: string, lines: string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines.join('')}`
}

export async function renderMetrics(history: QueryHistory, extra: { demoWarehouseStarts?: number } = {}): Promise<string> {
  const queue = await history.queueStats()
  const mem = process.memoryUsage()
  const out = [
    family('nexatron_jobs_queued', 'gauge', 'Async jobs waiting to run, per tenant.', queue.map((q) => line('nexatron_jobs_queued', q.queued, { tenant_id: q.tenantId }))),
    family('nexatron_jobs_running', 'gauge', 'Async jobs running, per tenant.', queue.map((q) => line('nexatron_jobs_running', q.running, { tenant_id: q.tenantId }))),
    family('nexatron_jobs_oldest_queued_seconds', 'gauge', 'Age of the oldest waiting async job, per tenant.',
      queue.filter((q) => q.oldestQueuedS !== null).map((q) => line('nexatron_jobs_oldest_queued_seconds', Math.round(q.oldestQueuedS! * 1000) / 1000, { tenant_id: q.tenantId }))),
    family('nexatron_process_resident_memory_bytes', 'gauge', 'Resident memory of the server process.', [line('nexatron_process_resident_memory_bytes', mem.rss)]),
    family('nexatron_process_heap_used_bytes', 'gauge', 'JavaScript heap in use.', [line('nexatron_process_heap_used_bytes', mem.heapUsed)]),
    family('nexatron_event_loop_delay_p99_seconds', 'gauge', '99th percentile event-loop delay since the last scrape.', [line('nexatron_event_loop_delay_p99_seconds', loopDelay.percentile(99) / 1e9)]),
    family('nexatron_event_loop_delay_max_seconds', 'gauge', 'Longest event-loop delay since the last scrape.', [line('nexatron_event_loop_delay_max_seconds', loopDelay.max / 1e9)]),
  ]
  if (extra.demoWarehouseStarts !== undefined) {
    out.push(family('nexatron_demo_warehouse_starts_total', 'counter', 'Demo warehouse threads started (restarts stop statements stuck past their timeout).',
      [line('nexatron_demo_warehouse_starts_total', extra.demoWarehouseStarts)]))
  }
  loopDelay.reset()
  return out.join('')
}
