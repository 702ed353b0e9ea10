// Messages between the server and the demo warehouse's thread (see warehouse-thread.ts).
import type { RowBatch, SchemaInfo } from '../../connectors/connector'
import type { DemoDataKey } from './demo-cache'

export interface ThreadInit {
  /** The day the generated data ends on (ISO). */
  today: string
  /** A data directory dumped by an earlier thread: restarts skip generating and loading the data. */
  snapshot?: Uint8Array
  /**
   * Where snapshots are kept on disk (demo-cache.ts) and the key of today's
   * data: the thread loads that snapshot when present, else builds the data
   * and saves it there (and posts no snapshot: restarts read the file).
   */
  cache?: { dir: string; key: DemoDataKey }
}

export type HostMessage =
  | { op: 'test'; id: number }
  | { op: 'introspect'; id: number; schemas?: string[] }
  | { op: 'stream'; id: number; sql: string; params: unknown[]; maxRows: number; timeoutMs: number; batchSize?: number }
  | { op: 'more'; id: number }
  | { op: 'cancel'; id: number }

export type ThreadMessage =
  | { kind: 'ready'; snapshot?: Uint8Array }
  | { kind: 'result'; id: number; value: { ok: true; version: string; latency_ms: number } | SchemaInfo }
  | { kind: 'batch'; id: number; batch: RowBatch }
  | { kind: 'end'; id: number }
  | { kind: 'error'; id: number; error: { code: string; message: string } }
