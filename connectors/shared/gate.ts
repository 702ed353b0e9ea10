// A counting semaphore in front of each connector's driver pool. Drivers queue
// without bound when their pool is full; we want a bounded wait and then a
// clear `pool_exhausted` (503) instead of a request that hangs.
import { ConnectorError, type ConnectionType, type PoolState } from '../connector'

interface Waiter {
  grant: (release: () => void) => void
  fail: (err: unknown) => void
}

export class Gate implements PoolState {
  private active = 0
  private readonly waiters: Waiter[] = []
  private waits = 0
  private timeouts = 0

  constructor(readonly size: number, private readonly dialect: ConnectionType) {}

  get inUse(): number { return this.active }
  get queued(): number { return this.waiters.length }
  /** Acquisitions that had to queue, and those of them that timed out (for /metrics). */
  get waitsTotal(): number { return this.waits }
  get timeoutsTotal(): number { return this.timeouts }

  /**
   * Resolves with a release function (call it exactly once; extra calls are
   * ignored). Waits at most `timeoutMs` for a free slot, and not at all when
   * `timeoutMs` is 0. Rejects with the signal's reason when it aborts first.
   */
  acquire(timeoutMs: number, signal?: AbortSignal, onAbort?: () => unknown): Promise<() => void> {
    if (this.active < this.size && this.waiters.length === 0) return Promise.resolve(this.grant())
    this.waits++
    if (timeoutMs <= 0) { this.timeouts++; return Promise.reject(this.exhausted()) }
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
      }
      const waiter: Waiter = {
        grant: (release) => { cleanup(); resolve(release) },
        fail: (err) => { cleanup(); reject(err) },
      }
      const timer = setTimeout(() => { this.timeouts++; waiter.fail(this.exhausted()) }, timeoutMs)
      const abort = () => waiter.fail(onAbort ? onAbort() : signal?.reason)
      signal?.addEventListener('abort', abort, { once: true })
      this.waiters.push(waiter)
    })
  }

  private grant(): () => void {
    this.active++
    return this.releaseFor()
  }

  /** A release function for a slot that changes hands without being freed. */
  private releaseFor(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiters.shift()
      if (next) next.grant(this.releaseFor())
      else this.active--
    }
  }

  private exhausted(): ConnectorError {
    return new ConnectorError('pool_exhausted', this.dialect,
      `all ${this.size} database sessions of this connection are busy; try again shortly`)
  }
}
