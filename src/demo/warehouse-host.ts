// The demo warehouse, served from its own thread (warehouse-thread.ts) so that
// no statement on it can stall the server. Every tenant's demo connection
// shares it read-only; what one tenant runs can cost others only their turn:
// - each statement has a timeout enforced here, on the server's thread (the
//   connection's, at most DEMO_MAX_STATEMENT_MS: a tenant cannot raise it): when it
//   passes, the statement is cancelled between batches, and if the thread does
//   not answer within a short grace (it is inside one long statement), the
//   thread is terminated and a new one starts from a snapshot of the data;
// - the client's AbortSignal does the same.
// The thread starts on the first statement, not with the server: an idle
// server does not carry a second database. With a cache folder it loads the
// data built earlier today from disk (demo-cache.ts) instead of building it.
import { Worker } from 'node:worker_threads'
import { ConnectorError, type Connector, type ConnectorErrorCode, type RowBatch, type SchemaInfo, type StreamOptions } from '../../connectors/connector'
import type { HostMessage, ThreadInit, ThreadMessage } from './warehouse-protocol'
import { demoDataKeyFor, type DemoDataKey } from './demo-cache'

/** The longest a statement on the shared demo data may run (a tenant's timeout_ms above it is cut to it). */
export const DEMO_MAX_STATEMENT_MS = 10_000

/** How long a cancelled statement may take to stop before its thread is replaced. */
const CANCEL_GRACE_MS = 500

interface Pending {
  onMessage(m: ThreadMessage): void
  /**
   * The thread died or was replaced. `replaced` is true when it was stopped on
   * purpose (another statement ran too long): work it had not answered yet can
   * safely run again on the next thread, since every statement only reads.
   */
  onLost(err: ConnectorError, replaced: boolean): void
}

/** Starts the thread's module whether the service runs as TypeScript (tsx) or compiled JavaScript. */
function spawn(init: ThreadInit): Worker {
  const url = new URL(`./warehouse-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)
  if (url.pathname.endsWith('.js')) return new Worker(url, { workerData: init })
  // Worker threads do not inherit tsx's loader: register it inside the thread, then load the module.
  const tsxApi = import.meta.resolve('tsx/esm/api')
  const code = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(code, { eval: true, workerData: init })
}

export class DemoWarehouse {
  private worker?: Worker
  private ready?: Promise<void>
  private snapshot?: Uint8Array
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private closed = false
  /** Threads started so far (the first one plus restarts); for tests and metrics. */
  starts = 0

  private key?: DemoDataKey
  private idleTimer?: NodeJS.Timeout
  private waiting = 0

  /**
   * `cacheDir`: where to keep the built data between starts (demo-cache.ts);
   * without it every start builds the data and restarts reuse it from memory.
   * `idleStopMs`: stop the thread after this long without a statement (none
   * running); the next one starts it again from the snapshot, so an idle
   * server gives the demo database's memory back.
   * `maxStatementMs`: the longest any statement may run, whatever its connection asks (default 10 s).
   * Nothing starts until the first statement (or `start()`).
   */
  constructor(private readonly today: Date = new Date(), private readonly opts: { cacheDir?: string; idleStopMs?: number; maxStatementMs?: number } = {}) {}

  private get maxStatementMs(): number { return this.opts.maxStatementMs ?? DEMO_MAX_STATEMENT_MS }

  /** The key of the data this warehouse serves (computed once, without starting the thread). */
  dataKey(): DemoDataKey {
    this.key ??= demoDataKeyFor(this.today)
    return this.key
  }

  /** Whether a thread is running or loading (for tests and the footprint bench). */
  get running(): boolean { return this.worker !== undefined }

  /** Starts the thread and waits until the data is loaded. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new ConnectorError('unreachable', 'pglite', 'the demo warehouse has been stopped'))
    if (this.ready) return this.ready
    this.ready = new Promise<void>((resolve, reject) => {
      this.starts++
      const cache = this.opts.cacheDir ? { dir: this.opts.cacheDir, key: this.dataKey() } : undefined
      const worker = spawn({ today: this.today.toISOString(), snapshot: this.snapshot, cache })
      this.worker = worker
      worker.on('message', (m: ThreadMessage) => {
        if (m.kind === 'ready') {
          if (m.snapshot) this.snapshot = m.snapshot
          resolve()
          return
        }
        this.pending.get(m.id)?.onMessage(m)
      })
      worker.once('error', (err) => { reject(err); this.lost(worker, 'the demo warehouse stopped unexpectedly') })
      worker.once('exit', () => { reject(new ConnectorError('unreachable', 'pglite', 'the demo warehouse stopped')); this.lost(worker, 'the demo warehouse stopped') })
    })
    // Callers see the failure; an unawaited start must not become an unhandled rejection.
    this.ready.catch(() => {})
    return this.ready
  }

  /** Forgets a thread that died or was replaced; its requests fail. */
  private lost(worker: Worker, why: string, replaced = false): void {
    if (this.worker !== worker) return
    this.worker = undefined
    this.ready = undefined
    const err = new ConnectorError('unreachable', 'pglite', `${why}; try again`)
    const pending = [...this.pending.values()]
    this.pending.clear()
    for (const p of pending) p.onLost(err, replaced)
  }

  /** Replaces a thread stuck in a statement; the next request starts a new one. */
  private async restart(): Promise<void> {
    const w = this.worker
    if (!w) return
    this.lost(w, 'the demo warehouse was restarted to stop a statement that ran too long', true)
    await w.terminate()
  }

  /** (Re)arms the idle stop: when it fires with nothing running, the thread stops. */
  private touch(): void {
    const ms = this.opts.idleStopMs
    if (!ms) return
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      const w = this.worker
      if (!w || this.closed) return
      if (this.pending.size > 0 || this.waiting > 0) { this.touch(); return }
      this.lost(w, 'the demo warehouse stopped while idle')
      void w.terminate()
    }, ms)
    this.idleTimer.unref()
  }

  private async send(m: HostMessage, p: Pending): Promise<void> {
    this.touch()
    // Counted while the thread loads for it: the idle stop must not cut that short.
    this.waiting++
    try {
      await this.start()
    } finally { this.waiting-- }
    this.pending.set(m.id, p)
    this.worker!.postMessage(m)
  }

  private request<T>(make: (id: number) => HostMessage, timeoutMs: number, retries = 1): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      // The clock starts when a ready thread has the request, as for statements: a (re)start's
      // load does not count. Counting it replaced a thread still loading whenever the load took
      // longer than a short timeout (a busy machine), and the next request's thread too, for good.
      let timer: NodeJS.Timeout | undefined
      let settled = false
      const startClock = () => {
        if (settled) return
        timer = setTimeout(() => { this.pending.delete(id); reject(new ConnectorError('timeout', 'pglite', `the demo warehouse did not answer within ${timeoutMs} ms`)); void this.restart() }, timeoutMs)
      }
      const done = () => { settled = true; clearTimeout(timer); this.pending.delete(id) }
      this.send(make(id), {
        onMessage: (m) => {
          done()
          if (m.kind === 'result') resolve(m.value as T)
          else if (m.kind === 'error') reject(new ConnectorError(m.error.code as ConnectorErrorCode, 'pglite', m.error.message))
        },
        onLost: (err, replaced) => {
          done()
          if (replaced && retries > 0) this.request<T>(make, timeoutMs, retries - 1).then(resolve, reject)
          else reject(err)
        },
      }).then(startClock, (err) => { done(); reject(err) })
    })
  }

  private async *stream(q: { sql: string; params: unknown[] }, asked: StreamOptions): AsyncGenerator<RowBatch> {
    // One thread serves every tenant: no connection may hold it longer than the warehouse's own cap,
    // whatever timeout_ms the tenant set (the demo's questions take well under a second).
    const o = { ...asked, timeoutMs: Math.min(asked.timeoutMs, this.maxStatementMs) }
    const id = this.nextId++
    const queue: ThreadMessage[] = []
    let failure: ConnectorError | undefined
    let wake: (() => void) | undefined
    const notify = () => { const w = wake; wake = undefined; w?.() }
    // True once the thread has ended this stream (end or error) or is gone.
    let acknowledged = false
    let graceTimer: NodeJS.Timeout | undefined
    const settle = () => { acknowledged = true; clearTimeout(graceTimer); this.pending.delete(id) }
    // Asks the thread to stop; if it cannot (it is inside one long statement), replaces it.
    const cancel = () => {
      if (acknowledged) return
      this.worker?.postMessage({ op: 'cancel', id } satisfies HostMessage)
      graceTimer ??= setTimeout(() => { if (!acknowledged) void this.restart() }, CANCEL_GRACE_MS)
    }
    let stopReason: ConnectorError | undefined
    const stop = (reason: ConnectorError) => {
      if (stopReason || acknowledged) return
      stopReason = reason
      cancel()
      notify()
    }
    // The time limit and the client's abort are enforced from this thread. The
    // clock starts when a ready thread has the statement (a restart's load does not count).
    let timer: NodeJS.Timeout | undefined
    const startClock = () => {
      clearTimeout(timer)
      timer = setTimeout(() => stop(new ConnectorError('timeout', 'pglite', `the statement ran longer than ${o.timeoutMs} ms and was cancelled`)), o.timeoutMs)
    }
    const onAbort = () => stop(new ConnectorError('cancelled', 'pglite', 'the statement was cancelled'))
    if (o.signal.aborted) onAbort()
    else o.signal.addEventListener('abort', onAbort, { once: true })
    let yielded = false
    let retries = 1
    const start = () => this.send({ op: 'stream', id, sql: q.sql, params: q.params, maxRows: o.maxRows, timeoutMs: o.timeoutMs, batchSize: o.batchSize }, {
      onMessage: (m) => {
        if (m.kind === 'end' || m.kind === 'error') settle()
        queue.push(m)
        notify()
      },
      onLost: (err, replaced) => {
        // Replaced because of someone else's statement before answering us: run again on the new thread.
        if (replaced && !yielded && !stopReason && retries-- > 0) {
          clearTimeout(timer)
          start().then(startClock, (e) => { failure = e; notify() })
          return
        }
        acknowledged = true
        clearTimeout(graceTimer)
        failure = err
        notify()
      },
    })
    try {
      await start()
      startClock()
      for (;;) {
        if (stopReason) throw stopReason
        const m = queue.shift()
        if (!m) {
          if (failure) throw failure
          await new Promise<void>((r) => { wake = r })
          continue
        }
        if (m.kind === 'end') return
        if (m.kind === 'error') throw new ConnectorError(m.error.code as ConnectorErrorCode, 'pglite', m.error.message)
        if (m.kind === 'batch') {
          yielded = true
          yield m.batch
          this.worker?.postMessage({ op: 'more', id } satisfies HostMessage)
        }
      }
    } finally {
      clearTimeout(timer)
      o.signal.removeEventListener('abort', onAbort)
      // The consumer stopped early or the stream failed here: make sure the thread stops too.
      cancel()
    }
  }

  /** A connector onto the shared demo data (read-only sessions, statement timeouts enforced). */
  connector(options: { timeout_ms?: number } = {}): Connector {
    const timeoutMs = Math.min(options.timeout_ms ?? 30_000, this.maxStatementMs)
    return {
      type: 'pglite',
      dialect: 'postgres',
      test: () => this.request((id) => ({ op: 'test', id }), timeoutMs),
      introspect: (o?: { schemas?: string[] }) => this.request<SchemaInfo>((id) => ({ op: 'introspect', id, schemas: o?.schemas }), timeoutMs),
      stream: (q, o) => this.stream(q, o),
      // Our own data, read in READ ONLY transactions on its own thread.
      privileges: async () => ({ level: 'read_only' as const, findings: [] }),
      // The warehouse is shared: closing one connection leaves it running.
      close: async () => {},
    }
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.idleTimer)
    const w = this.worker
    if (w) { this.lost(w, 'the demo warehouse has been stopped'); await w.terminate() }
  }
}
