// Keeps store reads that every request makes (a key and its owner, a
// connection row) in memory while the store's change feed is live, dropping
// all of them at any notice from the tables they were read from. Whatever the
// feed cannot vouch for is read from the store: a feed that is not live, a
// reader inside a transaction (which may see its own uncommitted writes, which
// no notice has announced yet), and a read that a notice overtook (its result
// may predate the change, so it is returned but not kept).
import type { ChangeFeed } from './change-feed'

export interface ReadThroughCacheOptions {
  feed: ChangeFeed
  /** Tables whose notices make every entry stale. */
  tables: readonly string[]
  /** True when this read must go to the store (e.g. inside a transaction). */
  bypass?: () => boolean
  maxEntries?: number
  /** A bound on an entry's age, even with a feed that never missed a notice (default 60 s). */
  ttlMs?: number
  now?: () => number
}

export class ReadThroughCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>()
  /** Bumped by every notice: a read that began under an older generation is not kept. */
  private generation = 0
  private readonly maxEntries: number
  private readonly ttlMs: number
  private readonly now: () => number

  constructor(private readonly o: ReadThroughCacheOptions) {
    this.maxEntries = o.maxEntries ?? 10_000
    this.ttlMs = o.ttlMs ?? 60_000
    this.now = o.now ?? Date.now
    const tables = new Set(o.tables)
    o.feed.subscribe((table) => {
      if (table !== '*' && !tables.has(table)) return
      this.generation++
      this.entries.clear()
    })
  }

  /** The value for `key`, from memory when the feed vouches for it, else from `load` (kept when it may be). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    if (!this.o.feed.live || this.o.bypass?.()) return load()
    const hit = this.entries.get(key)
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value
    const generation = this.generation
    const value = await load()
    if (generation === this.generation && this.o.feed.live && value !== undefined) {
      this.entries.delete(key)
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(key, { value, at: this.now() })
    }
    return value
  }

  get size(): number { return this.entries.size }
}
