// The result cache's contract: what an entry holds, how its key is made and
// when a run may use it. BI tools re-ask the same question every few seconds;
// serving the same rows again from here spares the database. The stores are
// result-cache-memory.ts (one process) and result-cache-redis.ts (shared by
// every instance when REDIS_URL is set).
//
// Invalidation is by key, not by purge: the key holds every version the
// answer depends on (the connection's updated_at, the semantic layer's
// fingerprint, the access context, the compiled SQL and its parameters, the
// row cap), and every run reads those versions from the store. A change made
// through any instance therefore makes every instance look up a new key; the
// old entries are never read again and expire with their TTL.
import { createHash } from 'node:crypto'
import type { Column } from '../../connectors/connector'

/** What the client is told: served from the cache, looked up and missed, or not cacheable on this run. */
export type CacheStatus = 'hit' | 'miss' | 'off'

/** A finished result exactly as the connector streamed it (the runner shapes it again on a hit). */
export interface CachedResult {
  columns?: Column[]
  rows: unknown[][]
  truncated: boolean
}

export interface ResultCache {
  /** Results whose JSON text is longer are not stored (they would evict many small ones). */
  readonly maxEntryBytes: number
  /** The entry, or undefined on a miss; a store that fails answers a miss, never an error. */
  get(key: string): Promise<CachedResult | undefined>
  /** Stores `text` (JSON of a CachedResult) for `ttlS` seconds; failures are swallowed. */
  set(key: string, text: string, ttlS: number): Promise<void>
}

export interface ResultKeyParts {
  tenantId: string
  connectionId: string
  /** The connection row's updated_at in ms: any PATCH (config, credentials, options) moves it. */
  connectionVersion: number
  /** SemanticStore's fingerprint of the layer (counts and last change of its objects). */
  layerFingerprint: string
  /** accessContextKey(): what of the principal the applying policies read, and those policies. */
  accessKey: string
  sql: string
  params: unknown[]
  maxRows: number
}

/**
 * The entry's key: the tenant id in clear (an operator can find a tenant's
 * entries) and a sha256 of every part, length-prefixed so no two different
 * tuples hash the same text.
 */
export function resultCacheKey(p: ResultKeyParts): string {
  const h = createHash('sha256')
  for (const part of [p.tenantId, p.connectionId, String(p.connectionVersion), p.layerFingerprint, p.accessKey, p.sql, JSON.stringify(p.params), String(p.maxRows)]) {
    h.update(`${part.length}:`).update(part)
  }
  return `${p.tenantId}:${h.digest('hex')}`
}

/**
 * Seconds a run's result may be served again, 0 when it must not be cached.
 * `cache_ttl_s` on the connection decides when set (0 turns caching off);
 * otherwise semantic queries (compiled by us, so their SQL names exactly what
 * they read) get the server default and raw SQL is not cached: it may call
 * functions whose answer changes by the second.
 */
export function cacheTtlFor(kind: 'semantic' | 'sql', connectionTtlS: number | undefined, defaultTtlS: number): number {
  if (connectionTtlS !== undefined) return Math.max(0, connectionTtlS)
  return kind === 'semantic' ? defaultTtlS : 0
}

/**
 * Collects a run's batches for storing, up to `maxBytes` of JSON: past that
 * it stops collecting (and measuring), so a large result costs the runner no
 * memory beyond the limit and is simply not cached.
 */
export class ResultRecorder {
  private columns?: Column[]
  private readonly rows: unknown[][] = []
  private truncated = false
  private bytes = 0
  private over = false

  constructor(private readonly maxBytes: number) {}

  add(batch: { columns?: Column[]; rows: unknown[][]; truncated?: boolean }): void {
    if (this.over) return
    if (batch.columns) { this.columns = batch.columns; this.bytes += JSON.stringify(batch.columns).length }
    if (batch.truncated) this.truncated = true
    for (const r of batch.rows) {
      this.bytes += JSON.stringify(r).length + 1
      if (this.bytes > this.maxBytes) { this.over = true; this.rows.length = 0; return }
      this.rows.push(r)
    }
  }

  /** The JSON text to store, or undefined when the result outgrew the limit. */
  text(): string | undefined {
    if (this.over) return undefined
    const entry: CachedResult = { columns: this.columns, rows: this.rows, truncated: this.truncated }
    const text = JSON.stringify(entry)
    return text.length <= this.maxBytes ? text : undefined
  }
}

/** Replays a cached result as connector batches of `batchSize` rows (columns on the first, truncated on the last). */
export async function* replayResult(entry: CachedResult, batchSize: number): AsyncGenerator<{ columns?: Column[]; rows: unknown[][]; truncated?: boolean }> {
  const n = entry.rows.length
  if (n === 0) { yield { columns: entry.columns, rows: [], truncated: entry.truncated }; return }
  for (let i = 0; i < n; i += batchSize) {
    const last = i + batchSize >= n
    yield { ...(i === 0 ? { columns: entry.columns } : {}), rows: entry.rows.slice(i, i + batchSize), ...(last && entry.truncated ? { truncated: true } : {}) }
  }
}
