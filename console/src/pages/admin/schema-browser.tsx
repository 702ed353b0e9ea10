// The tables and columns of a connection, as the API's introspection reports
// them (cached by the server; "Refresh schema" re-introspects).
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api } from '../../api'
import { DataTable } from '../../components/data-table'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'

interface TableInfo {
  schema: string; name: string; kind: string; primary_key: string[]
  columns: Array<{ name: string; type: string; db_type: string; nullable: boolean }>
  foreign_keys: Array<{ columns: string[]; references: { schema: string; table: string; columns: string[] } }>
}
interface SchemaInfo { connection_id: string; cached_at: string; schemas: string[]; tables: TableInfo[] }

export function SchemaBrowser(props: { connectionId: string }) {
  const [info, setInfo] = useState<SchemaInfo | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(false)
  const [filter, setFilter] = useState('')
  const load = async (refresh: boolean) => {
    setLoading(true); setError(null)
    try { setInfo(await api.get<SchemaInfo>(`/api/v1/connections/${encodeURIComponent(props.connectionId)}/schema`, { refresh: refresh ? 'true' : undefined })) } catch (e) { setError(e) } finally { setLoading(false) }
  }
  useEffect(() => { void load(false) }, [props.connectionId])
  const tables = useMemo(() => {
    const q = filter.trim().toLowerCase()
    return (info?.tables ?? []).filter((t) => !q || `${t.schema}.${t.name}`.toLowerCase().includes(q) || t.columns.some((c) => c.name.toLowerCase().includes(q)))
  }, [info, filter])
  return (
    <section class="schema-browser" aria-labelledby="schema-title">
      <div class="page-head">
        <h2 id="schema-title">Schema</h2>
        <button type="button" onClick={() => void load(true)} disabled={loading}>{loading ? 'Loading…' : 'Refresh schema'}</button>
      </div>
      <ErrorMessage error={error} />
      {info && (
        <>
          <p class="muted small">{info.tables.length} tables and views in {info.schemas.length} schemas · read {new Date(info.cached_at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}</p>
          <FormField id="schema-filter" label="Filter tables">
            <input id="schema-filter" type="search" value={filter} placeholder="table or column name" onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
          </FormField>
          {tables.length === 0 && <p class="muted">No table matches.</p>}
          <ul class="tables">
            {tables.map((t) => (
              <li key={`${t.schema}.${t.name}`}>
                <details>
                  <summary><code>{t.schema}.{t.name}</code> <span class="muted small">{t.kind} · {t.columns.length} columns</span></summary>
                  <DataTable<TableInfo['columns'][number]>
                    caption={`Columns of ${t.schema}.${t.name}`}
                    rows={t.columns}
                    rowKey={(c) => c.name}
                    columns={[
                      { key: 'name', label: 'Column', render: (c) => <code>{c.name}</code> },
                      { key: 'type', label: 'Type' },
                      { key: 'db_type', label: 'Database type', render: (c) => <code>{c.db_type}</code> },
                      { key: 'nullable', label: 'Nullable', render: (c) => (c.nullable ? 'yes' : 'no') },
                      { key: 'key', label: 'Key', sortable: false, render: (c) => keyOf(t, c.name) },
                    ]}
                  />
                </details>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

function keyOf(t: TableInfo, column: string): string {
  if (t.primary_key.includes(column)) return 'primary'
  const fk = t.foreign_keys.find((f) => f.columns.includes(column))
  return fk ? `→ ${fk.references.schema}.${fk.references.table}` : ''
}
