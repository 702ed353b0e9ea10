import type { QueryRow } from './history'
import { rowsToObjects, type ResultColumn } from './result-columns'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function queryRecordView(r: QueryRow) {
  return {
    id: r.id, question: r.question, status: r.status as 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled',
    connection_id: r.connectionId, conversation_id: r.conversationId, sql: r.sql, plan: r.plan ?? null, planner: r.planner,
    row_count: r.rowCount, truncated: r.truncated, execution_time_ms: r.durationMs, error: r.error ?? null, usage: r.usage ?? null,
    summary: r.summary, explanation: r.explanation,
    created_at: r.createdAt.toISOString(), started_at: iso(r.startedAt), finished_at: iso(r.finishedAt),
  }
}

export function queryDetailView(r: QueryRow, rowLimit: number) {
  const columns = (r.resultColumns as ResultColumn[] | null) ?? null
  return {
    ...queryRecordView(r),
    columns,
    data: columns && r.resultRows ? rowsToObjects(columns, r.resultRows as unknown[][]) : null,
    data_row_limit: rowLimit,
  }
}
