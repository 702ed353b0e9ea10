// The store's change notices (migrations/0010): a trigger on every table an
// in-memory read-through cache copies sends NOTIFY nexatron_changes '<table>'
// at commit. A feed passes them on; while it cannot promise it hears every one
// (not yet listening, connection lost) it is not `live`, and caches must read
// the store instead. Losing or regaining the connection is passed on as '*'
// (forget everything), since notices sent meanwhile are gone.

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
 * only from the moment LISTEN returned until the connection errs, ends or
 * misses a probe; then caches read the store until it is back. Notices reach
 * every listener when the writing transaction commits, before the writer's own
 * client hears its commit, so a request made after a change was acknowledged
 * elsewhere finds it already heard.
 */
export async function postgresChangeFeed(opts: PostgresFeedOptions): Promise<ChangeFeed> {
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
  const probe = () => {
    const c = client
    if (!c || closed) return
    const deadline = setTimeout(() => drop(c), probeMs)
    deadline.unref()
    c.query('SELECT 1').then(() => { clearTimeout(deadline); if (client === c) schedule(probe, probeMs) }, () => { clearTimeout(deadline); drop(c) })
  }
  const connect = async () => {
    if (closed) return
    const c = opts.newClient()
    c.on('error', () => drop(c))
    c.on('end', () => drop(c))
    c.on('notification', (msg) => { if (client === c && msg.channel === CHANGES_CHANNEL) feed.emit(msg.payload ?? '*') })
    try {
      client = c
      await c.connect()
      await c.query(`LISTEN ${CHANGES_CHANNEL}`)
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
