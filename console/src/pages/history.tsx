// History: the caller's runs, newest first, filtered and paged with the API's cursor.
import { useEffect, useState } from 'preact/hooks'
import { api, type Page } from '../api'
import { useSession } from '../session'
import { DataTable } from '../components/data-table'
import { ConfirmDialog } from '../components/confirm-dialog'
import { ErrorMessage } from '../components/error-message'
import { ResultView } from '../components/result-view'
import { Link, navigate, useLocation } from '../router'
import { useConnections } from './ask'
import { fromJson, type JsonAnswer } from '../answer'
import type { Column } from '../format'
import { chartSpec } from '../../../src/query/chart-spec'
import type { ResultColumn } from '../../../src/query/result-columns'

interface QueryRecord {
  id: string; question: string | null; status: string; connection_id: string; conversation_id: string | null
  row_count: number | null; execution_time_ms: number | null; created_at: string; summary: string | null; error: { message?: string } | null
}
const STATUSES = ['succeeded', 'failed', 'cancelled', 'running', 'queued']
const when = (iso: string) => new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })

export function HistoryPage() {
  const { path } = useLocation()
  const id = /^\/history\/([^/]+)$/.exec(path)?.[1]
  return id ? <HistoryDetail id={decodeURIComponent(id)} /> : <HistoryList />
}

function HistoryList() {
  const { connections } = useConnections()
  const [filters, setFilters] = useState({ connection_id: '', status: '' })
  const [cursors, setCursors] = useState<string[]>([]) // the cursors of the pages before this one
  const [cursor, setCursor] = useState<string | null>(null)
  const [page, setPage] = useState<Page<QueryRecord> | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    setError(null)
    api.get<Page<QueryRecord>>('/api/v1/query/history', { limit: 20, cursor, ...filters }).then(setPage, setError)
  }, [cursor, filters])
  const names = new Map((connections ?? []).map((c) => [c.id, c.name]))
  const setFilter = (k: 'connection_id' | 'status', v: string) => { setCursors([]); setCursor(null); setFilters((f) => ({ ...f, [k]: v })) }
  return (
    <div class="page">
      <h1>History</h1>
      <div class="filters">
        <div class="field">
          <label for="h-conn">Connection</label>
          <select id="h-conn" value={filters.connection_id} onChange={(e) => setFilter('connection_id', (e.target as HTMLSelectElement).value)}>
            <option value="">All connections</option>
            {(connections ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="h-status">Status</label>
          <select id="h-status" value={filters.status} onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
      </div>
      <ErrorMessage error={error} />
      {page && (
        <DataTable<QueryRecord>
          caption="Your questions, newest first"
          rows={page.data}
          rowKey={(r) => r.id}
          empty="No questions yet."
          columns={[
            { key: 'question', label: 'Question', render: (r) => <Link href={`/history/${encodeURIComponent(r.id)}`}>{r.question ?? '(structured query)'}</Link> },
            { key: 'status', label: 'Status', render: (r) => <span class={`status ${r.status}`}>{r.status}</span> },
            { key: 'connection_id', label: 'Connection', value: (r) => names.get(r.connection_id) ?? r.connection_id },
            { key: 'row_count', label: 'Rows', numeric: true, render: (r) => (r.row_count ?? '—').toLocaleString() },
            { key: 'execution_time_ms', label: 'Duration', numeric: true, render: (r) => (r.execution_time_ms === null ? '—' : `${r.execution_time_ms.toLocaleString('en-US')} ms`) },
            { key: 'created_at', label: 'Asked', nowrap: true, render: (r) => when(r.created_at) },
          ]}
        />
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={!cursors.length} onClick={() => { const prev = [...cursors]; const c = prev.pop() ?? null; setCursors(prev); setCursor(c) }}>Previous page</button>
        <button type="button" disabled={!page?.next_cursor} onClick={() => { setCursors((p) => [...p, cursor ?? '']); setCursor(page!.next_cursor) }}>Next page</button>
      </nav>
    </div>
  )
}

interface Detail extends QueryRecord { columns: Column[] | null; data: Array<Record<string, unknown>> | null; withheld: { message: string } | null; data_row_limit: number; sql: string | null; explanation: string | null; plan: { kind?: string; query?: Record<string, unknown>; reasons?: string[] } | null }

const QUERY_KEYS = new Set(['metrics', 'group_by', 'filters', 'time_constraint', 'order_by', 'limit'])

/** A semantic plan as an interpretation id (int_ + base64url JSON), which POST /query runs as it is. */
export function interpretationOf(plan: Detail['plan']): string | undefined {
  const q = plan?.kind === 'semantic' ? plan.query : undefined
  if (!q || Object.keys(q).some((k) => !QUERY_KEYS.has(k))) return undefined
  const bytes = new TextEncoder().encode(JSON.stringify(q))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return `int_${btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
}

/** History keeps the rows but not the chart: drawn again by the same rules, when every row was kept. */
function storedChart(rec: Detail) {
  if (!rec.columns || !rec.data || rec.row_count === null || rec.data.length !== rec.row_count) return null
  const cols = rec.columns
  return chartSpec(cols as unknown as ResultColumn[], rec.data.map((o) => cols.map((c) => o[c.name])))
}

function HistoryDetail(props: { id: string }) {
  const session = useSession()
  const [rec, setRec] = useState<Detail | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [confirming, setConfirming] = useState(false)
  useEffect(() => { api.get<Detail>(`/api/v1/query/${encodeURIComponent(props.id)}`).then(setRec, setError) }, [props.id])
  const [rerunning, setRerunning] = useState(false)
  // The same plan again (a follow-up's question alone would lose its context), as a new run.
  const rerun = async () => {
    if (!rec) return
    setRerunning(true)
    setError(null)
    try {
      const interpretation = interpretationOf(rec.plan)
      const j = await api.post<JsonAnswer>('/api/v1/query', { question: rec.question ?? 'Re-run', connection_id: rec.connection_id, ...(interpretation ? { interpretation } : {}) })
      navigate(`/history/${encodeURIComponent(j.id)}`)
    } catch (e) { setError(e) } finally { setRerunning(false) }
  }
  const remove = async () => {
    try {
      await api.del(`/api/v1/query/${encodeURIComponent(props.id)}`)
      navigate('/history')
    } catch (e) { setError(e); setConfirming(false) }
  }
  const answer = rec && !rec.withheld && fromJson(rec.question ?? '', {
    ...rec, columns: rec.columns ?? [], data: rec.data ?? [], row_count: rec.row_count ?? 0, truncated: false,
    execution_time_ms: rec.execution_time_ms ?? 0, plan: rec.plan ?? undefined, chart: storedChart(rec),
  } as unknown as JsonAnswer)
  return (
    <div class="page">
      <p><Link href="/history">← History</Link></p>
      <h1>{rec?.question ?? 'Query'}</h1>
      <ErrorMessage error={error} />
      {rec && (
        <>
          <p class="muted">
            <span class={`status ${rec.status}`}>{rec.status}</span> · {when(rec.created_at)}
            {rec.execution_time_ms !== null && ` · ${rec.execution_time_ms.toLocaleString('en-US')} ms`}
            {rec.row_count !== null && ` · ${rec.row_count.toLocaleString('en-US')} rows`}
          </p>
          <div class="actions">
            {session.can('query:run') && rec.question && (
              <button type="button" class="primary" disabled={rerunning} onClick={() => void rerun()}>Re-run</button>
            )}
            {session.can('query:run') && <button type="button" class="danger" onClick={() => setConfirming(true)}>Delete</button>}
          </div>
          {rec.error?.message && <div class="error" role="alert"><p>{rec.error.message}</p></div>}
          {rec.withheld && <p class="notice" role="status">Result not shown: {rec.withheld.message}.</p>}
          {rec.data && rec.row_count !== null && rec.data.length < rec.row_count && (
            <p class="muted small">History keeps the first {rec.data_row_limit} rows; re-run for all.</p>
          )}
          {answer && <ResultView answer={answer} />}
          <ConfirmDialog open={confirming} title="Delete this query?" confirmLabel="Delete" danger onConfirm={remove} onCancel={() => setConfirming(false)}>
            <p>It disappears from your history. This cannot be undone.</p>
          </ConfirmDialog>
        </>
      )}
    </div>
  )
}
