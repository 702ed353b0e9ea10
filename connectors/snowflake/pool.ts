// Keeps logged-in Snowflake sessions for reuse and closes idle ones.
//
// Why not the SDK's createPool (generic-pool): its factory rethrows login
// failures as a bare `Error(message)`, losing the code that tells a wrong
// password from an unreachable host. How many sessions may be in use at once
// is decided in front of this pool by the connector's Gate (fast
// pool_exhausted), so this pool never makes anyone wait: it hands out an idle
// session or logs in a new one.
export interface SessionPoolOptions<T> {
  create: () => Promise<T>
  destroy: (item: T) => Promise<void>
  /** Sessions idle longer than this are logged out. */
  idleMs: number
}

export class SessionPool<T> {
  private readonly idle: Array<{ item: T; since: number }> = []
  private readonly sweeper: NodeJS.Timeout
  private closed = false

  constructor(private readonly opts: SessionPoolOptions<T>) {
    this.sweeper = setInterval(() => this.evictIdle(), Math.max(250, Math.min(opts.idleMs / 2, 30_000)))
    this.sweeper.unref?.()
  }

  get idleCount(): number {
    return this.idle.length
  }

  /** The most recently used idle session, or a new login. */
  async acquire(): Promise<T> {
    if (this.closed) throw new Error('the session pool is closed')
    const ready = this.idle.pop()
    return ready ? ready.item : this.opts.create()
  }

  /** Returns a session for reuse; `broken` ones are logged out instead. */
  release(item: T, broken = false): void {
    if (broken || this.closed) {
      void this.opts.destroy(item).catch(() => {})
      return
    }
    this.idle.push({ item, since: Date.now() })
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.sweeper)
    const idle = this.idle.splice(0)
    await Promise.all(idle.map(({ item }) => this.opts.destroy(item).catch(() => {})))
  }

  private evictIdle(): void {
    const cutoff = Date.now() - this.opts.idleMs
    for (let i = this.idle.length - 1; i >= 0; i--) {
      if (this.idle[i].since <= cutoff) {
        const [{ item }] = this.idle.splice(i, 1)
        void this.opts.destroy(item).catch(() => {})
      }
    }
  }
}
