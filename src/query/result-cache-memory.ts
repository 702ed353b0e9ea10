// The result cache in this process: least recently used first out, bounded
// by entries and by bytes (the JSON text's length), each entry with its own
// expiry. Entries are kept as JSON text, so the bytes counted are the bytes
// held and a consumer can never mutate a cached answer.
import type { CachedResult, ResultCache } from './result-cache'

export interface MemoryResultCacheLimits {
  maxEntries: number
  maxBytes: number
  maxEntryBytes: number
}

export class MemoryResultCache implements ResultCache {
  // A Map iterates in insertion order: re-inserting on every hit makes the first key the least recently used.
  private readonly entries = new Map<string, { text: string; expiresAt: number }>()
  private bytes = 0

  constructor(private readonly limits: MemoryResultCacheLimits, private readonly now: () => number = Date.now) {}

  get maxEntryBytes(): number { return Math.min(this.limits.maxEntryBytes, this.limits.maxBytes) }

  /** Entries and bytes held (for tests and operators). */
  get size(): { entries: number; bytes: number } { return { entries: this.entries.size, bytes: this.bytes } }

  async get(key: string): Promise<CachedResult | undefined> {
    const e = this.entries.get(key)
    if (!e) return undefined
    this.remove(key)
    if (e.expiresAt <= this.now()) return undefined
    this.entries.set(key, e)
    this.bytes += e.text.length
    return JSON.parse(e.text) as CachedResult
  }

  async set(key: string, text: string, ttlS: number): Promise<void> {
    if (ttlS <= 0 || text.length > this.maxEntryBytes) return
    this.remove(key)
    while (this.entries.size && (this.entries.size >= this.limits.maxEntries || this.bytes + text.length > this.limits.maxBytes)) {
      this.remove(this.entries.keys().next().value!)
    }
    this.entries.set(key, { text, expiresAt: this.now() + ttlS * 1000 })
    this.bytes += text.length
  }

  private remove(key: string): void {
    const e = this.entries.get(key)
    if (!e) return
    this.entries.delete(key)
    this.bytes -= e.text.length
  }
}
