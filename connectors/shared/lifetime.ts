// One query's lifetime: the caller's AbortSignal and our time limit folded into
// a single signal with a reason, so every engine stops the same way and
// reports the same error.
import { ConnectorError, type ConnectionType } from '../connector'

export type StopReason = 'cancelled' | 'timeout'

export class QueryLifetime {
  private readonly controller = new AbortController()
  private readonly timer: NodeJS.Timeout
  private readonly onOuterAbort = () => this.stop('cancelled')
  private readonly startedAt = performance.now()
  reason: StopReason | null = null

  /**
   * @param timeoutMs the limit the user asked for (used in messages)
   * @param backstopMs extra time before our own timer fires, so an engine's
   *   server-side limit (statement_timeout, max_execution_time) normally trips
   *   first and leaves the session reusable
   */
  constructor(
    private readonly dialect: ConnectionType,
    private readonly outer: AbortSignal,
    readonly timeoutMs: number,
    backstopMs = 0,
  ) {
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs + backstopMs)
    this.timer.unref?.()
    if (outer.aborted) this.stop('cancelled')
    else outer.addEventListener('abort', this.onOuterAbort, { once: true })
  }

  get signal(): AbortSignal { return this.controller.signal }
  /** Milliseconds since the query started. */
  get elapsedMs(): number { return performance.now() - this.startedAt }
  get stopped(): boolean { return this.reason !== null }

  stop(reason: StopReason): void {
    if (this.reason) return
    this.reason = reason
    this.controller.abort(this.error())
  }

  /** Runs `fn` once when the query stops (immediately if it already has). */
  onStop(fn: () => void): () => void {
    if (this.stopped) { queueMicrotask(fn); return () => {} }
    const listener = () => fn()
    this.controller.signal.addEventListener('abort', listener, { once: true })
    return () => this.controller.signal.removeEventListener('abort', listener)
  }

  /** The error a stopped query ends with. */
  error(): ConnectorError {
    return this.reason === 'timeout' ? timeoutError(this.dialect, this.timeoutMs) : cancelledError(this.dialect)
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.outer.removeEventListener('abort', this.onOuterAbort)
  }
}

export function timeoutError(dialect: ConnectionType, timeoutMs: number, cause?: unknown): ConnectorError {
  return new ConnectorError('timeout', dialect, `the query ran longer than its time limit of ${timeoutMs} ms and was stopped`, cause)
}

export function cancelledError(dialect: ConnectionType, cause?: unknown): ConnectorError {
  return new ConnectorError('cancelled', dialect, 'the query was cancelled', cause)
}

/** Thrown by `race` when the lifetime ends before the promise settles. */
export class Stopped extends Error {
  constructor() { super('query stopped'); this.name = 'Stopped' }
}

/**
 * Settles with `promise`, or rejects with `Stopped` as soon as the lifetime
 * ends. The losing promise is kept from becoming an unhandled rejection.
 */
export function race<T>(promise: Promise<T>, life: QueryLifetime): Promise<T> {
  if (life.stopped) { promise.catch(() => {}); return Promise.reject(new Stopped()) }
  return new Promise<T>((resolve, reject) => {
    const off = life.onStop(() => reject(new Stopped()))
    promise.then(
      (v) => { off(); resolve(v) },
      (e) => { off(); reject(e) },
    )
  })
}
