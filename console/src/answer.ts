// One answer as the Ask page holds it, filled from the SSE events of
// /query/stream or from a JSON answer of /query (a confirmed interpretation).
import type { Column } from './format'
import type { SseEvent } from './sse'

export interface Answer {
  id: string | null
  question: string
  status: 'running' | 'succeeded' | 'cancelled' | 'failed'
  explanation?: string
  reasons?: string[]
  sql?: string
  params?: unknown[]
  sqlInline?: string
  columns: Column[]
  rows: unknown[][]
  summary?: string | null
  chart?: unknown
  rowCount?: number
  truncated?: boolean
  executionMs?: number
  error?: unknown
}

export const newAnswer = (question: string): Answer => ({ id: null, question, status: 'running', columns: [], rows: [] })

/** The answer after one stream event (a new object: Preact compares by identity). */
export function applyEvent(a: Answer, ev: SseEvent): Answer {
  const data = JSON.parse(ev.data) as Record<string, unknown>
  switch (ev.event) {
    case 'plan': {
      const plan = data.plan as { reasons?: string[] } | undefined
      return { ...a, explanation: data.explanation as string, reasons: plan?.reasons }
    }
    case 'sql': return { ...a, sql: data.sql as string, params: data.params as unknown[], sqlInline: data.sql_inline as string }
    case 'columns': return { ...a, columns: data.columns as Column[] }
    case 'rows': return { ...a, rows: a.rows.concat(data as unknown as unknown[][]) }
    case 'summary': return { ...a, summary: data.summary as string }
    case 'done': return {
      ...a, status: 'succeeded', id: data.id as string, rowCount: data.row_count as number, truncated: data.truncated as boolean,
      executionMs: data.execution_time_ms as number, chart: data.chart ?? null,
    }
    default: return a
  }
}

interface JsonAnswer {
  id: string; question: string | null; columns: Column[]; data: Array<Record<string, unknown>>; summary: string | null
  explanation: string | null; sql: string | null; params?: unknown[]; sql_inline?: string; plan?: { reasons?: string[] }
  row_count: number; truncated: boolean; execution_time_ms: number; chart?: unknown; conversation_id: string | null; connection_id: string; status: string
  error?: unknown
}

export function fromJson(question: string, j: JsonAnswer): Answer {
  return {
    id: j.id, question, status: j.status === 'succeeded' ? 'succeeded' : 'failed', explanation: j.explanation ?? undefined,
    reasons: j.plan?.reasons, sql: j.sql ?? undefined, params: j.params, sqlInline: j.sql_inline, columns: j.columns,
    rows: j.data.map((o) => j.columns.map((c) => o[c.name])), summary: j.summary, chart: j.chart ?? null,
    rowCount: j.row_count, truncated: j.truncated, executionMs: j.execution_time_ms, error: j.error,
  }
}
export type { JsonAnswer }
