import type { QueryRow } from './history'
import { rowsToObjects, type ResultColumn } from './result-columns'
import { WITHHELD } from '../governance/stale-answers'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export interface ViewOptions {
  /** Include the model's own words kept with an error (`error.model_output`): admins only. */
  modelOutput?: boolean
  /** The stored result is no longer the viewer's to read (governance/stale-answers.ts): rows and summary left out. */
  withheld?: boolean
}

/**
 * The recorded error (`{code, message, details}`, src/errors.ts); the model's
 * own words (untrusted, a phishing channel) only when asked for. Records
 * written before history kept domain errors hold the HTTP envelope's inner
 * object, with an empty `request_id` that named no request: it is dropped, so
 * old and new records read the same.
 */
function errorView(error: unknown, opts: ViewOptions): unknown {
  if (!error || typeof error !== 'object') return error ?? null
  const { model_output: modelOutput, request_id: _stale, ...rest } = error as Record<string, unknown>
  return opts.modelOutput && modelOutput !== undefined ? { ...rest, model_output: modelOutput } : rest
}

/** The runner writes the run's cache status into its request record when it succeeds. */
function cacheOf(r: QueryRow): 'hit' | 'miss' | 'off' | null {
  const c = (r.request as { cache?: unknown } | null)?.cache
  return c === 'hit' || c === 'miss' || c === 'off' ? c : null
}

export function queryRecordView(r: QueryRow, opts: ViewOptions = {}) {
  return {
    id: r.id, question: r.question, status: r.status as 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled',
    connection_id: r.connectionId, conversation_id: r.conversationId, sql: r.sql, plan: r.plan ?? null, planner: r.planner,
    row_count: r.rowCount, truncated: r.truncated, execution_time_ms: r.durationMs, error: errorView(r.error, opts), usage: r.usage ?? null,
    summary: opts.withheld ? null : r.summary, explanation: r.explanation, cache: cacheOf(r),
    withheld: opts.withheld ? WITHHELD : null,
    created_at: r.createdAt.toISOString(), started_at: iso(r.startedAt), finished_at: iso(r.finishedAt),
  }
}

export function queryDetailView(r: QueryRow, rowLimit: number, opts: ViewOptions = {}) {
  const columns = (r.resultColumns as ResultColumn[] | null) ?? null
  return {
    ...queryRecordView(r, opts),
    columns,
    data: columns && r.resultRows && !opts.withheld ? rowsToObjects(columns, r.resultRows as unknown[][]) : null,
    data_row_limit: rowLimit,
  }
}
