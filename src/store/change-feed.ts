// The store's change notices (migrations/0010): a trigger on every table an
// in-memory read-through cache copies sends NOTIFY nexatron_changes '<table>'
// at commit. A feed passes them on; while it cannot promise it hears every one
// (not yet listening, connection lost) it is not `live`, and caches must read
// the store instead. Losing or regaining the connection is passed on as '*'
// (forget everything), since notices sent meanwhile are gone.
import { randomUUID } from 'node:crypto'

export const CHANGES_CHANNEL = 'nexatron_changes'

export type ChangeListener = (table: string) => void

export interface ChangeFeed {
  /** True while every notice committed from now on will be heard. */
  readonly live: boolean
  subscribe(fn: ChangeListener): () => void
  close(): Promise<void>
}

/** Fans notices out to subscribers; `live` is set by the transport. */
export class ChangeFanout implements ChangeFeed {
  private readonly listeners = new Set<ChangeListener>()
  live = false

  constructor(private readonly onClose: () => Promise<void> = async () => {}) {}

  subscribe(fn: ChangeListener): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  emit(table: string): void {
    for (const fn of this.listeners) fn(table)
  }

  /** Going live or dropping out: whatever was cached may have missed notices. */
  setLive(live: boolean): void {
    this.live = live
    this.emit('*')
  }

  async close(): Promise<void> {
    this.setLive(false)
    await this.onClose()
  }
}

/** A feed that is never live: caches over it always read the store (tests, or a store without notices). */
export const noChangeFeed = (): ChangeFeed => new ChangeFanout()

interface PgliteListener { listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>> }

/**
 * PGlite: one process, one connection. Its notices are handed over while the
 * result of the committing statement is read, before that statement's promise
 * settles, so a reader never sees a commit whose notice it has not heard.
 */
export async function pgliteChangeFeed(client: PgliteListener): Promise<ChangeFeed> {
  let unlisten: (() => Promise<void>) | undefined
  const feed = new ChangeFanout(async () => { await unlisten?.().catch(() => {}) })
  unlisten = await client.listen(CHANGES_CHANNEL, (table) => feed.emit(table))
  feed.setLive(true)
  return feed
}

interface PgClientLike {
  connect(): Promise<unknown>
  query(text: string): Promise<unknown>
  end(): Promise<void>
  on(event: 'notification', fn: (msg: { channel: string; payload?: string }) => void): unknown
  on(event: 'error' | 'end', fn: (e?: Error) => void): unknown
}

/**
 * The instance's own commits: every pooled store connection LISTENs as well, so
 * a change this instance commits is heard on the very connection that made it.
 * PostgreSQL hands a listening session its own notices before it reports the
 * commit done, so they are passed on before the commit's promise settles; on
 * the listening connection alone they arrive on another socket, which the
 * process may read after it has answered the writer and taken the writer's next
 * request (a revoked key served once more by the instance that revoked it).
 * Call before the pool hands out its first connection.
 */
export function hearOwnCommits(pool: { on(event: 'connect', fn: (c: PgClientLike) => void): unknown }, emit: ChangeListener): void {
  pool.on('connect', (c) => {
    c.on('notification', (msg) => { if (msg.channel === CHANGES_CHANNEL) emit(msg.payload ?? '*') })
    // Queued ahead of whatever the connection was taken for; a failure leaves the listening connection's notices.
    c.query(`LISTEN ${CHANGES_CHANNEL}`).catch(() => {})
  })
}

export interface PostgresFeedOptions {
  /** A fresh client for the listening connection (not from the pool: LISTEN lives on its session). */
  newClient: () => PgClientLike
  /** How often the listening connection is proved alive; a failed probe drops it (default 5 s). */
  probeMs?: number
  /** Wait before connecting again after a loss (default 1 s). */
  retryMs?: number
}

/**
 * PostgreSQL: one dedicated connection per instance LISTENs. The feed is live
 * only from the moment it heard a notice of its own after LISTEN until the
 * connection errs, ends or fails a probe; then caches read the store until it
 * is back. Other instances' notices are signalled to every listener when the
 * writing transaction commits; this instance's own are heard on the pooled
 * connection that made them (hearOwnCommits), before the commit settles.
 */
export async function postgresChangeFeed(opts: PostgresFeedOptions): Promise<ChangeFanout> {
  const probeMs = opts.probeMs ?? 5000
  const retryMs = opts.retryMs ?? 1000
  let client: PgClientLike | undefined
  let closed = false
  let timer: NodeJS.Timeout | undefined
  const feed = new ChangeFanout(async () => {
    closed = true
    clearTimeout(timer)
    await client?.end().catch(() => {})
  })

  const drop = (c: PgClientLike) => {
    if (client !== c) return
    client = undefined
    if (feed.live) feed.setLive(false)
    c.end().catch(() => {})
    if (!closed) schedule(connect, retryMs)
  }
  const schedule = (fn: () => void, ms: number) => {
    clearTimeout(timer)
    timer = setTimeout(fn, ms)
    timer.unref()
  }
  // A probe sends the listening session a notice of its own, which it must hear before the statement
  // completes (PostgreSQL hands a session its own notices first): a live connection that does not
  // listen (a transaction-mode pooler such as PgBouncer keeps no LISTEN) fails it like a dead one.
  let awaiting: string | undefined
  let heard = false
  const hearsItself = async (c: PgClientLike): Promise<boolean> => {
    awaiting = `probe:${randomUUID()}`
    heard = false
    await c.query(`SELECT pg_notify('${CHANGES_CHANNEL}', '${awaiting}')`)
    return heard
  }
  const probe = () => {
    const c = client
    if (!c || closed) return
    const deadline = setTimeout(() => drop(c), probeMs)
    deadline.unref()
    hearsItself(c).then((ok) => {
      clearTimeout(deadline)
      if (!ok) drop(c)
      else if (client === c) schedule(probe, probeMs)
    }, () => { clearTimeout(deadline); drop(c) })
  }
  const connect = async () => {
    if (closed) return
    const c = opts.newClient()
    c.on('error', () => drop(c))
    c.on('end', () => drop(c))
    c.on('notification', (msg) => {
      if (client !== c || msg.channel !== CHANGES_CHANNEL) return
      if (msg.payload === awaiting) { heard = true; return }
      feed.emit(msg.payload ?? '*')
    })
    try {
      client = c
      await c.connect()
      await c.query(`LISTEN ${CHANGES_CHANNEL}`)
      if (!(await hearsItself(c))) return drop(c)
      if (client !== c || closed) return
      feed.setLive(true)
      schedule(probe, probeMs)
    } catch {
      drop(c)
    }
  }
  await connect()
  return feed
}
