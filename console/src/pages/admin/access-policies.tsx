// Semantic layer → Access policies (admins): the connection's row filters,
// hidden members and masks; edited as the API's JSON (one PUT replaces the
// set, 422 lists every problem with its path) and previewed as the SQL a role
// with attributes would run.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../../api'
import { DataTable } from '../../components/data-table'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'
import { problemsOf, ProblemList } from './semantic-import'

interface Policy {
  name: string; model: string; description?: string; row_filter?: string; bypass_roles?: string[]; bypass_groups?: string[]
  applies_to?: { roles?: string[]; groups?: string[]; attributes?: Record<string, unknown> }
  member_access?: { hide?: string[]; allow?: string[] }; mask?: Array<{ dimension: string; method: string }>
}
interface PolicySet { connection_id: string; policies: Policy[]; updated_at: string | null }
interface Preview { sql_inline: string; applied: Array<{ policy: string; model: string; row_filter: boolean; hidden: string[]; masked: string[]; denied?: { attribute: string } }>; visible_metrics: string[] }

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean)

export function AccessPolicies(props: { connectionId: string }) {
  const [set, setSet] = useState<PolicySet | null>(null)
  const [text, setText] = useState('')
  const [editing, setEditing] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const load = () => api.get<PolicySet>('/api/v1/semantic/access-policies', { connection_id: props.connectionId }).then((s) => { setSet(s); setText(JSON.stringify(s.policies, null, 2)) }, setError)
  useEffect(() => { setEditing(false); setNotice(''); setError(null); void load() }, [props.connectionId])

  const save = async (e: Event) => {
    e.preventDefault()
    setError(null); setNotice('')
    let policies: unknown
    try { policies = JSON.parse(text) } catch (err) { setError(new Error(`The policies are not valid JSON: ${(err as Error).message}`)); return }
    setBusy(true)
    try {
      const saved = await api.put<PolicySet>('/api/v1/semantic/access-policies', { connection_id: props.connectionId, policies })
      setSet(saved); setText(JSON.stringify(saved.policies, null, 2)); setEditing(false)
      setNotice(`${saved.policies.length} access ${saved.policies.length === 1 ? 'policy' : 'policies'} saved.`)
    } catch (err) { setError(err) } finally { setBusy(false) }
  }
  const problems = problemsOf(error)
  return (
    <section aria-labelledby="access-title">
      <div class="page-head">
        <h2 id="access-title">Access policies</h2>
        {set && !editing && <button type="button" onClick={() => { setEditing(true); setNotice('') }}>Edit policies</button>}
      </div>
      <p class="muted small">Row filters, hidden members and masks per principal; they apply to every query on this connection, admins included unless a policy lists them in <code>bypass_roles</code>.</p>
      <p role="status" aria-live="polite" class={notice ? 'notice ok' : undefined}>{notice}</p>
      {set && !editing && (
        <DataTable<Policy>
          caption={`${set.policies.length} policies`}
          rows={set.policies}
          rowKey={(p) => p.name}
          empty="No access policies: everyone who may query sees every row."
          columns={[
            { key: 'name', label: 'Policy', render: (p) => <code>{p.name}</code> },
            { key: 'model', label: 'Model', render: (p) => <code>{p.model}</code> },
            { key: 'applies', label: 'Applies to', sortable: false, render: (p) => [
              p.applies_to?.roles?.length || p.applies_to?.groups?.length
                ? [p.applies_to.roles?.length ? `roles ${p.applies_to.roles.join(', ')}` : '', p.applies_to.groups?.length ? `groups ${p.applies_to.groups.join(', ')}` : ''].filter(Boolean).join(' and ')
                : 'everyone',
              p.bypass_roles?.length || p.bypass_groups?.length ? `except ${[...(p.bypass_roles ?? []), ...(p.bypass_groups ?? [])].join(', ')}` : '',
            ].filter(Boolean).join(' ') },
            { key: 'row_filter', label: 'Row filter', sortable: false, render: (p) => (p.row_filter ? <code>{p.row_filter}</code> : '') },
            { key: 'hidden', label: 'Hidden', sortable: false, render: (p) => (p.member_access?.hide ?? []).join(', ') },
            { key: 'mask', label: 'Masked', sortable: false, render: (p) => (p.mask ?? []).map((m) => `${m.dimension} (${m.method})`).join(', ') },
          ]}
        />
      )}
      {editing && (
        <form class="panel" onSubmit={save} aria-label="Edit access policies">
          <FormField id="access-json" label="Policies (JSON)" hint="The whole list: saving replaces every policy of this connection.">
            <textarea id="access-json" rows={14} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          </FormField>
          <ErrorMessage error={problems.length ? new Error('The policies were refused; nothing was changed.') : error} />
          <ProblemList problems={problems} label="Policy problems" />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>Save policies</button>
            <button type="button" onClick={() => { setEditing(false); setError(null); if (set) setText(JSON.stringify(set.policies, null, 2)) }}>Cancel</button>
          </div>
        </form>
      )}
      {!editing && <ErrorMessage error={error} />}
      {set && <AccessPreviewForm connectionId={props.connectionId} />}
    </section>
  )
}

function AccessPreviewForm(props: { connectionId: string }) {
  const [role, setRole] = useState('analyst')
  const [attributes, setAttributes] = useState('{}')
  const [metrics, setMetrics] = useState('')
  const [groupBy, setGroupBy] = useState('')
  const [result, setResult] = useState<Preview | null>(null)
  const [error, setError] = useState<unknown>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    setError(null); setResult(null)
    let attrs: unknown
    try { attrs = JSON.parse(attributes || '{}') } catch { setError(new Error('Attributes must be a JSON object, e.g. {"region": ["West"]}')); return }
    try {
      setResult(await api.post<Preview>('/api/v1/semantic/access/preview', {
        connection_id: props.connectionId, principal: { role, attributes: attrs }, query: { metrics: list(metrics), group_by: list(groupBy) },
      }))
    } catch (err) { setError(err) }
  }
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="preview-title">
      <h3 id="preview-title">Preview a principal’s SQL</h3>
      <div class="form-grid">
        <FormField id="preview-role" label="Role">
          <select id="preview-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
            <option value="admin">admin</option><option value="analyst">analyst</option><option value="viewer">viewer</option>
          </select>
        </FormField>
        <FormField id="preview-attributes" label="Attributes (JSON)"><input id="preview-attributes" type="text" value={attributes} onInput={(e) => setAttributes((e.target as HTMLInputElement).value)} /></FormField>
        <FormField id="preview-metrics" label="Metrics" hint="Comma-separated."><input id="preview-metrics" type="text" value={metrics} onInput={(e) => setMetrics((e.target as HTMLInputElement).value)} /></FormField>
        <FormField id="preview-group-by" label="Group by" hint="Comma-separated, e.g. order__region."><input id="preview-group-by" type="text" value={groupBy} onInput={(e) => setGroupBy((e.target as HTMLInputElement).value)} /></FormField>
      </div>
      <div class="actions"><button type="submit">Preview</button></div>
      <ErrorMessage error={error} />
      {result && (
        <div aria-live="polite">
          <p class="small">{result.applied.length ? `Applied: ${result.applied.map((a) => `${a.policy}${a.row_filter ? ' (row filter)' : ''}${a.hidden.length ? ` hides ${a.hidden.join(', ')}` : ''}${a.masked.length ? ` masks ${a.masked.join(', ')}` : ''}`).join('; ')}` : 'No policy applies.'}</p>
          <pre aria-label="Previewed SQL"><code>{result.sql_inline}</code></pre>
        </div>
      )}
    </form>
  )
}
