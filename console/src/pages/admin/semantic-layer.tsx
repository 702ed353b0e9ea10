// Semantic layer: per connection, its models (entities, dimensions with sample
// values, measures) and metrics with what the planner reads about them; edit
// labels/descriptions/synonyms/formats, import from dbt, validate live.
import { useEffect, useState } from 'preact/hooks'
import { api, type Page } from '../../api'
import { useSession } from '../../session'
import { DataTable } from '../../components/data-table'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'
import type { Connection } from './connections'
import { SemanticEditDialog, type Editable, type ValueFormat } from './semantic-edit-dialog'
import { SemanticImport } from './semantic-import'
import { AccessPolicies } from './access-policies'

interface Metric { id: string; name: string; label: string | null; description: string | null; synonyms: string[]; format: ValueFormat | null; type: string }
interface Dimension {
  id: string; model_id: string; semantic_model: string; name: string; query_name: string | null; label: string | null; description: string | null
  synonyms: string[]; type: string; sample_values: unknown[] | null
}
interface Entity { name: string; type: string; expr?: string; label?: string; description?: string; synonyms?: string[]; [field: string]: unknown }
interface Measure { name: string; agg: string; expr?: string; label?: string; description?: string }
interface Model {
  id: string; name: string; label: string | null; description: string | null; synonyms: string[]; node_relation: { alias: string; schema_name?: string; database?: string }
  entities: Entity[]; measures: Measure[]; dimensions: unknown[]
}
interface Report {
  valid: boolean; checked: { models: number; metrics: number; dimensions: number; probes: number }
  problems: Array<{ object: string; path: string; issue: string; message: string; severity: 'error' | 'warning' }>
}

/** Every page of a listing (the semantic lists cap a page at 100). */
async function all<T>(path: string, query: Record<string, string>): Promise<T[]> {
  const out: T[] = []
  let cursor: string | null = null
  for (let i = 0; i < 50; i++) {
    const p: Page<T> = await api.get<Page<T>>(path, { ...query, limit: 100, cursor })
    out.push(...p.data)
    if (!p.next_cursor) break
    cursor = p.next_cursor
  }
  return out
}

const formatWords = (f: ValueFormat | null) => (!f ? '' : f.type === 'currency' ? `currency ${f.currency}` : f.type) + (f?.decimals !== undefined ? `, ${f.decimals} decimals` : '')
const samples = (v: unknown[] | null) => (v && v.length ? `${v.slice(0, 8).map(String).join(', ')}${v.length > 8 ? `, … (${v.length})` : ''}` : '')

export function SemanticLayerPage() {
  const session = useSession()
  const canWrite = session.can('semantic:write')
  const [connections, setConnections] = useState<Connection[] | null>(null)
  const [connectionId, setConnectionId] = useState('')
  const [metrics, setMetrics] = useState<Metric[] | null>(null)
  const [dimensions, setDimensions] = useState<Dimension[]>([])
  const [models, setModels] = useState<Model[]>([])
  const [error, setError] = useState<unknown>(null)
  const [editing, setEditing] = useState<Editable | null>(null)
  const [report, setReport] = useState<Report | null>(null)
  const [validating, setValidating] = useState(false)
  const [validateError, setValidateError] = useState<unknown>(null)

  useEffect(() => {
    all<Connection>('/api/v1/connections', {}).then((list) => {
      setConnections(list)
      const wanted = new URLSearchParams(location.search).get('connection')
      setConnectionId((list.find((c) => c.id === wanted) ?? list.find((c) => c.is_default) ?? list[0])?.id ?? '')
    }, setError)
  }, [])
  const load = async () => {
    if (!connectionId) return
    setError(null)
    try {
      const q = { connection_id: connectionId }
      const [m, d, s] = await Promise.all([all<Metric>('/api/v1/semantic/metrics', q), all<Dimension>('/api/v1/semantic/dimensions', q), all<Model>('/api/v1/semantic/models', q)])
      setMetrics(m); setDimensions(d); setModels(s)
    } catch (e) { setError(e); setMetrics([]); setDimensions([]); setModels([]) }
  }
  useEffect(() => { setReport(null); setValidateError(null); void load() }, [connectionId])

  const validate = async () => {
    setValidating(true); setReport(null); setValidateError(null)
    try { setReport(await api.post<Report>('/api/v1/semantic/validate', { connection_id: connectionId })) } catch (e) { setValidateError(e) } finally { setValidating(false) }
  }
  // Sample values are what the planner matches words like "North" against.
  const refreshValues = async (d: Dimension) => {
    setError(null)
    try {
      const fresh = await api.post<Dimension>(`/api/v1/semantic/dimensions/${encodeURIComponent(d.id)}/sample-values/refresh`)
      setDimensions((cur) => cur.map((x) => (x.id === fresh.id ? { ...x, sample_values: fresh.sample_values } : x)))
    } catch (e) { setError(e) }
  }
  const editButton = (item: Editable) => canWrite && (
    <button type="button" class="small" aria-label={`Edit ${item.kind} ${item.name}`} onClick={() => setEditing(item)}>Edit</button>
  )

  return (
    <div class="page">
      <div class="page-head">
        <h1>Semantic layer</h1>
        <button type="button" onClick={validate} disabled={!connectionId || validating}>{validating ? 'Validating…' : 'Validate'}</button>
      </div>
      <p class="muted">The metrics and dimensions questions are answered with. Labels, descriptions and synonyms are what the planner matches words against.</p>
      {connections && connections.length === 0 && <p class="notice">No connection yet: create one under Connections first.</p>}
      {connections && connections.length > 0 && (
        <div class="toolbar">
          <FormField id="sem-connection" label="Connection">
            <select id="sem-connection" value={connectionId} onChange={(e) => setConnectionId((e.target as HTMLSelectElement).value)}>
              {connections.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.type})</option>)}
            </select>
          </FormField>
        </div>
      )}
      <ErrorMessage error={error} />
      <div aria-live="polite">
        {report && (
          <section class={`panel report ${report.valid ? 'ok' : 'bad'}`} aria-labelledby="report-title">
            <h2 id="report-title">{report.valid ? 'Valid' : 'Not valid'}: validation report</h2>
            <p class="small">Checked {report.checked.models} models, {report.checked.metrics} metrics, {report.checked.dimensions} dimensions with {report.checked.probes} probes in the database.</p>
            {report.problems.length > 0 && (
              <DataTable
                caption="Problems"
                rows={report.problems}
                columns={[
                  { key: 'severity', label: 'Severity', render: (p) => <span class={`status ${p.severity === 'error' ? 'failed' : 'cancelled'}`}>{p.severity}</span> },
                  { key: 'object', label: 'Object', render: (p) => <code>{p.object}</code> },
                  { key: 'path', label: 'Path', render: (p) => <code>{p.path}</code> },
                  { key: 'message', label: 'Problem' },
                ]}
              />
            )}
          </section>
        )}
      </div>
      <ErrorMessage error={validateError} />
      {canWrite && connectionId && <SemanticImport connectionId={connectionId} onImported={() => void load()} />}
      {metrics && (
        <section aria-labelledby="metrics-title">
          <h2 id="metrics-title">Metrics</h2>
          <DataTable<Metric>
            caption={`${metrics.length} metrics`}
            rows={metrics}
            rowKey={(m) => m.id}
            empty="No metrics: import a dbt project."
            columns={[
              { key: 'name', label: 'Name', render: (m) => <code>{m.name}</code> },
              { key: 'label', label: 'Label', render: (m) => m.label ?? '' },
              { key: 'description', label: 'Description', render: (m) => m.description ?? '' },
              { key: 'synonyms', label: 'Synonyms', sortable: false, render: (m) => m.synonyms.join(', ') },
              { key: 'format', label: 'Format', sortable: false, render: (m) => formatWords(m.format) },
              { key: 'type', label: 'Type' },
              ...(canWrite ? [{ key: 'edit', label: 'Actions', sortable: false, render: (m: Metric) => editButton({ kind: 'metric', ...m }) }] : []),
            ]}
          />
        </section>
      )}
      {metrics && (
        <section aria-labelledby="models-title">
          <h2 id="models-title">Models</h2>
          {models.length === 0 && <p class="muted">No semantic models.</p>}
          {models.map((m) => (
            <details key={m.id} class="model" open={models.length <= 3}>
              <summary>
                <strong>{m.label || m.name}</strong> <code class="muted small">{m.name}</code>
                <span class="muted small"> · {[m.node_relation.database, m.node_relation.schema_name, m.node_relation.alias].filter(Boolean).join('.')}</span>
              </summary>
              <div class="model-body">
                <div class="page-head">
                  <p class="muted">{m.description || 'No description.'}</p>
                  {editButton({ kind: 'model', id: m.id, name: m.name, label: m.label, description: m.description, synonyms: m.synonyms })}
                </div>
                <h3>Entities</h3>
                <ul class="chips">{m.entities.map((e) => (
                  <li key={e.name}>
                    <code>{e.name}</code> <span class="muted small">{e.type}{e.label ? ` · ${e.label}` : ''}</span>{' '}
                    {editButton({ kind: 'entity', id: m.id, name: e.name, label: e.label ?? null, description: e.description ?? null, synonyms: e.synonyms, modelEntities: m.entities })}
                  </li>
                ))}</ul>
                <DataTable<Dimension>
                  caption={`Dimensions of ${m.name}`}
                  rows={dimensions.filter((d) => d.model_id === m.id)}
                  rowKey={(d) => d.id}
                  empty="No dimensions."
                  columns={[
                    { key: 'name', label: 'Name', render: (d) => <code>{d.query_name ?? d.name}</code> },
                    { key: 'label', label: 'Label', render: (d) => d.label ?? '' },
                    { key: 'description', label: 'Description', render: (d) => d.description ?? '' },
                    { key: 'synonyms', label: 'Synonyms', sortable: false, render: (d) => d.synonyms.join(', ') },
                    { key: 'type', label: 'Type' },
                    { key: 'sample_values', label: 'Sample values', sortable: false, render: (d) => samples(d.sample_values) },
                    ...(canWrite ? [{
                      key: 'edit', label: 'Actions', sortable: false, render: (d: Dimension) => (
                        <div class="actions">
                          {editButton({ kind: 'dimension', ...d })}
                          {d.type === 'categorical' && <button type="button" class="small" aria-label={`Refresh values of ${d.name}`} onClick={() => void refreshValues(d)}>Refresh values</button>}
                        </div>
                      ),
                    }] : []),
                  ]}
                />
                {m.measures.length > 0 && (
                  <>
                    <h3>Measures</h3>
                    <ul class="chips">{m.measures.map((x) => <li key={x.name}><code>{x.name}</code> <span class="muted small">{x.agg}{x.expr ? ` of ${x.expr}` : ''}</span></li>)}</ul>
                  </>
                )}
              </div>
            </details>
          ))}
        </section>
      )}
      {session.can('*') && metrics && connectionId && <AccessPolicies connectionId={connectionId} />}
      <SemanticEditDialog item={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); void load() }} />
    </div>
  )
}
