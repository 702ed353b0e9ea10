// The streaming skeleton every SQL engine shares. An engine supplies a
// RowSource (open a session, start the statement, read rows, cancel, close);
// this module owns the rules: pool slot, time limit, cancellation, row cap with
// `truncated`, batching, and always giving the session back.
import { ConnectorError, type Column, type ConnectionType, type RowBatch, type StreamOptions } from '../connector'
import type { Gate } from './gate'
import { QueryLifetime, race, Stopped } from './lifetime'

export interface RowSource {
  /** Column metadata; valid once the first `read` has resolved. */
  columns(): Column[]
  /** The next rows (about `max`; more is fine), or null once the result is complete. */
  read(max: number): Promise<unknown[][] | null>
  /** Stops the running statement inside the database (out of band). Never throws. */
  cancel(): Promise<void>
  /**
   * Gives the session back. `discard` when the session is in an unknown state
   * (after a cancel): it must be destroyed, not reused. Called once; never throws.
   * An engine whose statement is still producing rows stops it here.
   */
  close(discard: boolean): Promise<void>
}

export interface StreamPlan {
  dialect: ConnectionType
  options: StreamOptions
  gate: Gate
  acquireTimeoutMs: number
  /** Extra time the engine's own server-side limit gets before our timer fires. */
  backstopMs: number
  /** Opens a session and starts the statement. */
  open(life: QueryLifetime): Promise<RowSource>
  /** Wraps a driver error; `life` tells whether we stopped the query ourselves. */
  mapError(err: unknown, life: QueryLifetime): ConnectorError
}

const DEFAULT_BATCH = 500
const MAX_BATCH = 50_000
/** How long a cancel may take before we drop the session anyway. */
const CANCEL_GRACE_MS = 3_000

function validate(dialect: ConnectionType, o: StreamOptions): { maxRows: number; batchSize: number } {
  const bad = (what: string) => new ConnectorError('invalid_config', dialect, what)
  if (!Number.isInteger(o.maxRows) || o.maxRows < 0) throw bad('maxRows must be a non-negative integer')
  if (!(o.timeoutMs > 0) || !Number.isFinite(o.timeoutMs)) throw bad('timeoutMs must be a positive number')
  const batchSize = o.batchSize ?? DEFAULT_BATCH
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) throw bad(`batchSize must be an integer from 1 to ${MAX_BATCH}`)
  return { maxRows: o.maxRows, batchSize }
}

function bounded(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    p.then(() => { clearTimeout(t); resolve() }, () => { clearTimeout(t); resolve() })
  })
}

export async function* streamBatches(plan: StreamPlan): AsyncGenerator<RowBatch> {
  const { dialect } = plan
  const { maxRows, batchSize } = validate(dialect, plan.options)
  const life = new QueryLifetime(dialect, plan.options.signal, plan.options.timeoutMs, plan.backstopMs)
  let release: (() => void) | undefined
  let source: RowSource | undefined
  let closing: Promise<void> | undefined
  // Idempotent: the first caller decides whether to cancel and discard.
  const shutdown = (abort: boolean): Promise<void> => {
    closing ??= (async () => {
      try {
        if (source) {
          if (abort) await bounded(source.cancel(), CANCEL_GRACE_MS)
          await bounded(source.close(abort), CANCEL_GRACE_MS)
        }
      } finally {
        release?.()
      }
    })()
    return closing
  }
  const fail = async (err: unknown): Promise<never> => {
    if (err instanceof Stopped || life.stopped) {
      await shutdown(true)
      throw life.error()
    }
    const mapped = err instanceof ConnectorError ? err : plan.mapError(err, life)
    await shutdown(false)
    throw mapped
  }

  try {
    if (life.stopped) throw life.error()
    release = await plan.gate.acquire(plan.acquireTimeoutMs, life.signal, () => life.error())
    try {
      const opening = plan.open(life)
      // If we give up while the session is still opening, close it once it is open.
      opening.then((s) => { if (life.stopped && !source) void s.cancel().then(() => s.close(true)) }, () => {})
      source = await race(opening, life)
    } catch (err) {
      if (!source) {
        if (err instanceof Stopped || life.stopped) { release(); throw life.error() }
        release()
        throw err instanceof ConnectorError ? err : plan.mapError(err, life)
      }
      throw err
    }
    const offStop = life.onStop(() => { void shutdown(true) })

    let emitted = 0
    let first = true
    let truncated = false
    let buf: unknown[][] = []
    try {
      for (;;) {
        if (life.stopped) await fail(new Stopped())
        const want = Math.max(1, Math.min(batchSize, maxRows + 1 - emitted - buf.length))
        let chunk: unknown[][] | null
        try { chunk = await race(source.read(want), life) } catch (err) { return await fail(err) }
        if (chunk === null) break
        // The common case, a whole chunk with nothing held back: take it as is, no copy.
        if (buf.length === 0) buf = chunk
        else for (const row of chunk) buf.push(row)
        if (emitted + buf.length > maxRows) {
          truncated = true
          buf.length = maxRows - emitted
          break
        }
        // Hold back a full batch that would reach maxRows: only the next read
        // can tell whether the result was cut short.
        while (buf.length >= batchSize && emitted + batchSize < maxRows) {
          let rows = buf
          if (buf.length === batchSize) buf = []
          else { rows = buf.slice(0, batchSize); buf = buf.slice(batchSize) }
          emitted += rows.length
          const batch: RowBatch = first ? { columns: source.columns(), rows } : { rows }
          first = false
          yield batch
          if (life.stopped) await fail(new Stopped())
        }
      }
      const columns = first ? source.columns() : undefined
      offStop()
      // Give the session back before handing out the tail we already hold.
      await shutdown(false)
      do {
        const rows = buf.slice(0, batchSize)
        buf = buf.slice(batchSize)
        const last = buf.length === 0
        const batch: RowBatch = { rows }
        if (first) { batch.columns = columns; first = false }
        if (last && truncated) batch.truncated = true
        if (rows.length > 0 || batch.columns || batch.truncated) yield batch
      } while (buf.length > 0)
    } finally {
      offStop()
    }
  } finally {
    // Runs on normal end, on errors, and when the consumer stops early (return()).
    await shutdown(false)
    life.dispose()
  }
}
