// For attacks where a warehouse answer could end the process: reads a whole
// answer through a connector, keeping the error instead of throwing, and
// counts uncaught exceptions (vitest would report one too, but only after the
// test; counting them here names the culprit).
import type { Connector } from '../../connectors/connector'

export interface Drained { rows: unknown[][]; error?: Error; ms: number }

export async function drain(connector: Connector, sql = 'SELECT v FROM t', timeoutMs = 20_000): Promise<Drained> {
  const started = performance.now()
  const rows: unknown[][] = []
  try {
    for await (const b of connector.stream({ sql, params: [] }, { signal: new AbortController().signal, maxRows: 1000, timeoutMs })) rows.push(...b.rows)
    return { rows, ms: performance.now() - started }
  } catch (e) {
    return { rows, error: e as Error, ms: performance.now() - started }
  }
}

/** Starts counting uncaught exceptions; `stop` in afterAll. */
export function watchUncaught(): { seen: unknown[]; stop: () => void } {
  const seen: unknown[] = []
  const on = (e: unknown) => { seen.push(e) }
  process.prependListener('uncaughtException', on)
  return { seen, stop: () => { process.removeListener('uncaughtException', on) } }
}
