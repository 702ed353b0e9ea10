// Caps concurrently running queries per credential and per tenant, so one
// client cannot occupy every database connection, and sheds new queries while
// the process is over its memory budget (answers stream, so in-flight results
// are small; the budget catches what is left: many large answers at once, a
// slow consumer's buffers). Per process: with several instances each enforces
// its own caps.
import { getHeapStatistics } from 'node:v8'
import { AppError } from '../errors'

export interface MemoryBudget {
  /** Bytes the process may use (JS heap and buffers) before new queries are turned away. */
  bytes: number
  /** What it uses now; the V8 heap and external memory (buffers) by default. */
  used?: () => number
}

// V8's own counters, not process.memoryUsage(): that also reads the resident
// set from /proc on every call (three system calls per query, for a figure the
// budget does not use).
const inUse = () => { const h = getHeapStatistics(); return h.used_heap_size + h.external_memory }

export class ConcurrencyGate {
  private readonly counts = new Map<string, number>()

  constructor(private readonly perKey: number, private readonly perTenant: number, private readonly memory?: MemoryBudget) {}

  acquire(principalId: string, tenantId: string): () => void {
    if (this.memory && (this.memory.used ?? inUse)() > this.memory.bytes) {
      throw new AppError('server_busy', 'the server is busy with other answers; try again shortly', [{ issue: 'memory_budget' }], { retryAfterS: 5 })
    }
    const k = `p:${principalId}`
    const t = `t:${tenantId}`
    if ((this.counts.get(k) ?? 0) >= this.perKey) {
      throw new AppError('too_many_concurrent_queries', `at most ${this.perKey} queries may run at once per credential`, [{ issue: 'credential', limit: this.perKey }], { retryAfterS: 1 })
    }
    if ((this.counts.get(t) ?? 0) >= this.perTenant) {
      throw new AppError('too_many_concurrent_queries', `at most ${this.perTenant} queries may run at once per tenant`, [{ issue: 'tenant', limit: this.perTenant }], { retryAfterS: 1 })
    }
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1)
    this.counts.set(t, (this.counts.get(t) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      for (const x of [k, t]) {
        const n = (this.counts.get(x) ?? 1) - 1
        if (n <= 0) this.counts.delete(x)
        else this.counts.set(x, n)
      }
    }
  }
}
