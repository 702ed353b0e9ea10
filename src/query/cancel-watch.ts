// Stops this process's runs that another instance was asked to stop. A
// cancel (POST /query/{id}/cancel) or a revocation that reaches an instance
// not running the query can only leave a flag in the store; without someone
// reading it, an open stream of a revoked key kept running to its end. While
// any run is live here, one statement every `intervalMs` reads the flags of
// all of them; with nothing running the timer is off, so idle costs nothing.
import { AppError, ERROR_CODES, type ErrorCode } from '../errors'

export interface CancelWatchDeps {
  /** The runs live in this process now. */
  live: () => string[]
  /** Of these, the ones flagged, with the reason recorded (an error record, or null for a plain cancel). */
  flagged: (ids: string[]) => Promise<Array<{ id: string; reason: unknown }>>
  /** Aborts one run here. */
  cancel: (id: string, reason: AppError) => void
  onError: (err: unknown) => void
  intervalMs: number
}

/** The reason a flagged run stops with: the one its flagger recorded, else a plain cancel. */
function reasonOf(recorded: unknown): AppError {
  const r = recorded as { code?: unknown; message?: unknown; details?: unknown } | null
  if (r && (ERROR_CODES as readonly unknown[]).includes(r.code) && typeof r.message === 'string') {
    return new AppError(r.code as ErrorCode, r.message, Array.isArray(r.details) ? r.details : [])
  }
  return new AppError('query_cancelled', 'the query was cancelled')
}

export class CancelWatch {
  private timer: NodeJS.Timeout | undefined
  private checking = false

  constructor(private readonly deps: CancelWatchDeps) {}

  /** Call when a run starts or ends: the timer runs exactly while runs are live. */
  update(): void {
    const any = this.deps.live().length > 0
    if (any && !this.timer) {
      this.timer = setInterval(() => void this.check(), this.deps.intervalMs)
      this.timer.unref()
    } else if (!any && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private async check(): Promise<void> {
    // a slow store must not pile up overlapping checks
    if (this.checking) return
    this.checking = true
    try {
      const ids = this.deps.live()
      for (const { id, reason } of await this.deps.flagged(ids)) this.deps.cancel(id, reasonOf(reason))
    } catch (err) {
      this.deps.onError(err)
    } finally {
      this.checking = false
    }
  }
}
