// Settings → Audit log: the tenant's security events with filters, the hash
// chain's verification, and NDJSON/CSV exports of the filtered records.
import { useEffect, useState } from 'preact/hooks'
import { api, request, type Page } from '../../api'
import { useSession } from '../../session'
import { DataTable } from '../../components/data-table'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'

interface AuditEntry {
  id: string; seq: number | null; occurred_at: string; action: string; outcome: string; ip: string | null; request_id: string | null
  actor: { type: string; id: string | null; display: string | null } | null
  resource: { type: string; id: string | null } | null
  details: Record<string, unknown>
}
interface Verification { ok: boolean; checked: number; unchained: number; first_break: { id: string | null; seq: number; reason: string } | null }
interface Filters { action: string; outcome: string; since: string; until: string }

const EMPTY: Filters = { action: '', outcome: '', since: '', until: '' }

/**
 * The export is an authenticated GET (the access token lives in memory, not
 * in a cookie), so a plain link cannot carry it: fetch, then save the blob.
 */
async function download(format: 'ndjson' | 'csv', filters: Filters): Promise<void> {
  const res = await request('/api/v1/audit-log/export', { query: { ...filters, format }, accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson' })
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = `audit-log.${format}`
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function AuditLogPage() {
  const session = useSession()
  const [draft, setDraft] = useState<Filters>(EMPTY)
  const [filters, setFilters] = useState<Filters>(EMPTY)
  const [cursor, setCursor] = useState<string | null>(null)
  const [rows, setRows] = useState<AuditEntry[] | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [verification, setVerification] = useState<Verification | null>(null)
  const [busy, setBusy] = useState(false)
  const canRead = session.can('audit:read')
  useEffect(() => {
    if (!canRead) return
    setError(null)
    api.get<Page<AuditEntry>>('/api/v1/audit-log', { ...filters, limit: 50, cursor }).then((p) => { setRows(p.data); setNext(p.next_cursor) }, (e) => { setError(e); setRows([]) })
  }, [filters, cursor])
  if (!canRead) return <div class="page"><h1>Audit log</h1><p class="notice">Your role ({session.role ?? 'key'}) cannot read the audit log.</p></div>

  const verify = async () => {
    setBusy(true); setVerification(null); setError(null)
    try { setVerification(await api.get<Verification>('/api/v1/audit-log/verify')) } catch (e) { setError(e) } finally { setBusy(false) }
  }
  const set = (k: keyof Filters) => (e: Event) => setDraft((d) => ({ ...d, [k]: (e.target as HTMLInputElement).value }))
  return (
    <div class="page">
      <div class="page-head">
        <h1>Audit log</h1>
        <div class="actions">
          <button type="button" onClick={verify} disabled={busy}>{busy ? 'Verifying…' : 'Verify chain'}</button>
          <button type="button" onClick={() => download('ndjson', filters).catch(setError)}>Export NDJSON</button>
          <button type="button" onClick={() => download('csv', filters).catch(setError)}>Export CSV</button>
        </div>
      </div>
      <p class="muted">Who did what, to what, when and from where. Records are hash-chained: verification recomputes the chain and names the first record that was changed, inserted or removed.</p>
      <div aria-live="polite">
        {verification && (
          <p role="status" class={`notice ${verification.ok ? 'ok' : 'warn'}`}>
            {verification.ok
              ? `The chain holds: ${verification.checked.toLocaleString('en-US')} records checked${verification.unchained ? `, ${verification.unchained} older records not covered` : ''}.`
              : `The chain is broken at record ${verification.first_break?.seq} (${verification.first_break?.reason.replace(/_/g, ' ')}).`}
          </p>
        )}
      </div>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setCursor(null); setFilters({ ...draft, action: draft.action.trim() }) }} aria-label="Filters">
        <FormField id="audit-action" label="Action" hint="Or a prefix: user. or api_key.*"><input id="audit-action" type="text" value={draft.action} onInput={set('action')} /></FormField>
        <FormField id="audit-outcome" label="Outcome">
          <select id="audit-outcome" value={draft.outcome} onChange={set('outcome')}>
            <option value="">any</option><option value="success">success</option><option value="failure">failure</option><option value="denied">denied</option>
          </select>
        </FormField>
        <FormField id="audit-since" label="Since"><input id="audit-since" type="date" value={draft.since} onInput={set('since')} /></FormField>
        <FormField id="audit-until" label="Until"><input id="audit-until" type="date" value={draft.until} onInput={set('until')} /></FormField>
        <div class="field filter-apply"><button type="submit">Apply filters</button></div>
      </form>
      <ErrorMessage error={error} />
      {rows && (
        <DataTable<AuditEntry>
          caption="Newest first"
          rows={rows}
          rowKey={(r) => r.id}
          empty="No records match."
          columns={[
            { key: 'occurred_at', label: 'When', nowrap: true, render: (r) => new Date(r.occurred_at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'medium' }) },
            { key: 'actor', label: 'Actor', value: (r) => r.actor?.display ?? r.actor?.id ?? '', render: (r) => (r.actor ? r.actor.display ?? r.actor.id ?? r.actor.type : 'anonymous') },
            { key: 'action', label: 'Action', render: (r) => <code>{r.action}</code> },
            { key: 'resource', label: 'Resource', value: (r) => r.resource?.id ?? '', render: (r) => (r.resource ? `${r.resource.type}${r.resource.id ? ` ${r.resource.id}` : ''}` : '') },
            { key: 'outcome', label: 'Outcome', render: (r) => <span class={`status ${r.outcome === 'success' ? 'succeeded' : r.outcome === 'denied' ? 'cancelled' : 'failed'}`}>{r.outcome}</span> },
            { key: 'ip', label: 'IP', nowrap: true, render: (r) => r.ip ?? '' },
          ]}
        />
      )}
      {(cursor || next) && (
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={!cursor} onClick={() => setCursor(null)}>First page</button>
          <button type="button" disabled={!next} onClick={() => setCursor(next)}>Next page</button>
        </nav>
      )}
    </div>
  )
}
