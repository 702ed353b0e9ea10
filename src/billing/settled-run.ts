// A query run's history record once it has settled: the runner's last update
// can land a moment after the answer's last byte, so wait briefly for it.
// The runner's process keeps that last write (QueryHistory.recentlySettled).
import type { QueryHistory, QueryRow } from '../query/history'

export async function settledRun(history: Pick<QueryHistory, 'getById' | 'recentlySettled'>, id: string, tenantId: string, waitMs = 2000): Promise<QueryRow | undefined> {
  // Settled by this process a moment ago (the usual case): no store read.
  let row = history.recentlySettled(id) ?? await history.getById(id)
  for (const end = Date.now() + waitMs; row && (row.status === 'running' || row.status === 'queued') && Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 50))
    row = history.recentlySettled(id) ?? await history.getById(id)
  }
  return row && row.tenantId === tenantId ? row : undefined
}

/** LLM tokens a run used (its planner's and summary's usage). */
export function runTokens(row: QueryRow | undefined): number | undefined {
  const t = (row?.usage as { total_tokens?: unknown } | null | undefined)?.total_tokens
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined
}
