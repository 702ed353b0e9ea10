// Defaults for the per-connection tuning knobs, in one place so every engine
// behaves the same. Values outside sane bounds are clamped rather than
// rejected: they come from stored connections and must never crash a query.
import type { ConnectorOptions } from '../connector'

export interface ResolvedOptions {
  maxRows: number
  timeoutMs: number
  poolMax: number
  idleMs: number
  acquireTimeoutMs: number
  connectTimeoutMs: number
}

export const DEFAULT_OPTIONS: Readonly<ResolvedOptions> = Object.freeze({
  maxRows: 10_000,
  timeoutMs: 30_000,
  poolMax: 5,
  idleMs: 30_000,
  // A short queue smooths bursts; beyond it the caller gets a fast 503.
  acquireTimeoutMs: 1_000,
  connectTimeoutMs: 10_000,
})

function clamp(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback
  return Math.min(max, Math.max(min, Math.floor(value)))
}

export function resolveOptions(o: ConnectorOptions | undefined, overrides: Partial<ResolvedOptions> = {}): ResolvedOptions {
  const d = { ...DEFAULT_OPTIONS, ...overrides }
  return {
    maxRows: clamp(o?.max_rows, 0, 10_000_000, d.maxRows),
    timeoutMs: clamp(o?.timeout_ms, 100, 24 * 3_600_000, d.timeoutMs),
    poolMax: clamp(o?.pool_max, 1, 100, d.poolMax),
    idleMs: clamp(o?.idle_ms, 1_000, 3_600_000, d.idleMs),
    acquireTimeoutMs: clamp(o?.acquire_timeout_ms, 0, 60_000, d.acquireTimeoutMs),
    connectTimeoutMs: clamp(o?.connect_timeout_ms, 100, 120_000, d.connectTimeoutMs),
  }
}
