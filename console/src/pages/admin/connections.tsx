// Connections: list, create per engine, edit (config merged, secrets
// write-only), test, schema browser, delete after confirmation.
import { Fragment } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, type Page } from '../../api'
import { useSession } from '../../session'
import { Link, navigate, useLocation } from '../../router'
import { DataTable } from '../../components/data-table'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'
import { EngineFieldInput } from './engine-field-input'
import { ENGINES, engineOf, enteredValues, configPatch, OPTION_FIELDS, toFormValue, type Engine, type FormValues } from './engine-fields'
import { SchemaBrowser } from './schema-browser'

export interface Connection {
  id: string; name: string; type: string; config: Record<string, unknown>; options: Record<string, unknown>
  is_default: boolean; has_credentials: boolean; created_at: string; updated_at: string
  privileges?: { level: string; findings: Array<{ code: string; message: string }> }
}
interface TestResult { ok: true; version: string; latency_ms: number; privileges: { level: string; findings: Array<{ code: string; message: string }> } }

const engineLabel = (type: string) => engineOf(type)?.label ?? (type === 'pglite' ? 'PGlite (in-process)' : type)
const when = (iso: string) => new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })

export function ConnectionsPage() {
  const { path } = useLocation()
  const parts = path.split('/').filter(Boolean) // ['connections', id?, 'edit'?]
  if (parts[1] === 'new') return <ConnectionForm />
  if (parts[1] && parts[2] === 'edit') return <EditConnection id={decodeURIComponent(parts[1])} />
  if (parts[1]) return <ConnectionDetail id={decodeURIComponent(parts[1])} />
  return <ConnectionList />
}

function ConnectionList() {
  const session = useSession()
  const [rows, setRows] = useState<Connection[] | null>(null)
  const [cursor, setCursor] = useState<string | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    api.get<Page<Connection>>('/api/v1/connections', { limit: 50, cursor }).then((p) => { setRows(p.data); setNext(p.next_cursor) }, setError)
  }, [cursor])
  return (
    <div class="page">
      <div class="page-head">
        <h1>Connections</h1>
        {session.can('connections:write') && <button type="button" class="primary" onClick={() => navigate('/connections/new')}>Create connection</button>}
      </div>
      <p class="muted">The databases questions run against. Credentials are stored encrypted and never shown again.</p>
      <ErrorMessage error={error} />
      {rows && (
        <DataTable<Connection>
          caption="Connections"
          rows={rows}
          rowKey={(c) => c.id}
          empty="No connections yet."
          columns={[
            { key: 'name', label: 'Name', render: (c) => <Link href={`/connections/${encodeURIComponent(c.id)}`}>{c.name}</Link> },
            { key: 'type', label: 'Engine', value: (c) => engineLabel(c.type), render: (c) => engineLabel(c.type) },
            { key: 'target', label: 'Target', sortable: false, render: (c) => <code>{target(c)}</code> },
            { key: 'is_default', label: 'Default', render: (c) => (c.is_default ? 'Default' : '') },
            { key: 'updated_at', label: 'Updated', nowrap: true, render: (c) => when(c.updated_at) },
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

/** Where a connection points, in one line (no secrets: config holds none). */
function target(c: Connection): string {
  const k = c.config as Record<string, string | number | undefined>
  if (k.host) return `${k.host}${k.port ? `:${k.port}` : ''}${k.database ? `/${k.database}` : ''}`
  if (k.account) return `${k.account}/${k.database ?? ''}`
  if (k.project_id) return String(k.project_id)
  return c.type
}

function ConnectionDetail(props: { id: string }) {
  const session = useSession()
  const [conn, setConn] = useState<Connection | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [testing, setTesting] = useState(false)
  const [tested, setTested] = useState<TestResult | null>(null)
  const [testError, setTestError] = useState<unknown>(null)
  const [deleting, setDeleting] = useState(false)
  const [busy, setBusy] = useState(false)
  const canWrite = session.can('connections:write')
  useEffect(() => { api.get<Connection>(`/api/v1/connections/${encodeURIComponent(props.id)}`).then(setConn, setError) }, [props.id])

  const test = async () => {
    setTesting(true); setTested(null); setTestError(null)
    try { setTested(await api.post<TestResult>(`/api/v1/connections/${encodeURIComponent(props.id)}/test`)) } catch (e) { setTestError(e) } finally { setTesting(false) }
  }
  const remove = async () => {
    setBusy(true)
    try { await api.del(`/api/v1/connections/${encodeURIComponent(props.id)}`); navigate('/connections') } catch (e) { setError(e); setDeleting(false) } finally { setBusy(false) }
  }

  if (!conn) return <div class="page"><p><Link href="/connections">← Connections</Link></p><h1>Connection</h1><ErrorMessage error={error} />{!error && <p role="status">Loading…</p>}</div>
  const engine = engineOf(conn.type)
  return (
    <div class="page">
      <p><Link href="/connections">← Connections</Link></p>
      <div class="page-head">
        <h1>{conn.name}</h1>
        <div class="actions">
          <button type="button" onClick={test} disabled={testing}>{testing ? 'Testing…' : 'Test'}</button>
          {canWrite && engine && <button type="button" onClick={() => navigate(`/connections/${encodeURIComponent(conn.id)}/edit`)}>Edit</button>}
          {canWrite && <button type="button" class="danger" onClick={() => setDeleting(true)}>Delete</button>}
        </div>
      </div>
      <ErrorMessage error={error} />
      <div role="status" aria-live="polite">
        {tested && (
          <div class={`notice ${tested.privileges.level === 'read_only' ? 'ok' : 'warn'}`}>
            <p><strong>Connected.</strong> {tested.version} · {tested.latency_ms} ms · login: {privilegeWords(tested.privileges.level)}</p>
            {tested.privileges.findings.length > 0 && <ul>{tested.privileges.findings.map((f) => <li key={f.code}>{f.message}</li>)}</ul>}
          </div>
        )}
      </div>
      <ErrorMessage error={testError} />
      <section class="panel" aria-labelledby="conn-settings">
        <h2 id="conn-settings">Settings</h2>
        <dl class="props">
          <dt>Engine</dt><dd>{engineLabel(conn.type)}</dd>
          {(engine?.config ?? []).filter((f) => conn.config[f.key] !== undefined).map((f) => (
            <Fragment key={f.key}><dt>{f.label}</dt><dd>{f.kind === 'pem' ? 'PEM (set)' : f.kind === 'boolean' ? (conn.config[f.key] ? 'Yes' : 'No') : String(toFormValue(f, conn.config[f.key]))}</dd></Fragment>
          ))}
          <dt>Credentials</dt><dd>{conn.has_credentials ? 'Stored (write-only)' : 'None'}</dd>
          {OPTION_FIELDS.filter((f) => conn.options[f.key] !== undefined).map((f) => (
            <Fragment key={f.key}><dt>{f.label}</dt><dd>{typeof conn.options[f.key] === 'boolean' ? (conn.options[f.key] ? 'Yes' : 'No') : String(conn.options[f.key])}</dd></Fragment>
          ))}
          <dt>Default</dt><dd>{conn.is_default ? 'Yes' : 'No'}</dd>
          <dt>Updated</dt><dd>{when(conn.updated_at)}</dd>
        </dl>
      </section>
      <SchemaBrowser connectionId={conn.id} />
      <ConfirmDialog open={deleting} title={`Delete “${conn.name}”?`} confirmLabel="Delete connection" danger busy={busy} onConfirm={remove} onCancel={() => setDeleting(false)}>
        <p>The connection, its stored credentials and its semantic layer are removed. Questions can no longer run against it.</p>
      </ConfirmDialog>
    </div>
  )
}

const privilegeWords = (level: string) => (level === 'read_only' ? 'read-only' : level === 'elevated' ? 'can do more than read' : 'privileges unknown')

function EditConnection(props: { id: string }) {
  const [conn, setConn] = useState<Connection | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => { api.get<Connection>(`/api/v1/connections/${encodeURIComponent(props.id)}`).then(setConn, setError) }, [props.id])
  if (!conn) return <div class="page"><h1>Edit connection</h1><ErrorMessage error={error} />{!error && <p role="status">Loading…</p>}</div>
  // PGlite (the demo warehouse) has no form: its settings belong to the operator.
  if (!engineOf(conn.type)) return <div class="page"><h1>Edit {conn.name}</h1><p class="notice">A {conn.type} connection is set up by the operator, not from the console.</p></div>
  return <ConnectionForm existing={conn} />
}

function initialValues(engine: Engine, existing?: Connection): { config: FormValues; options: FormValues } {
  const config: FormValues = {}
  for (const f of engine.config) config[f.key] = toFormValue(f, existing ? existing.config[f.key] : undefined)
  const options: FormValues = {}
  for (const f of OPTION_FIELDS) options[f.key] = toFormValue(f, existing?.options[f.key])
  return { config, options }
}

function ConnectionForm(props: { existing?: Connection }) {
  const session = useSession()
  const existing = props.existing
  const [type, setType] = useState(existing?.type ?? 'postgres')
  const engine = engineOf(type) ?? ENGINES[0]
  const [name, setName] = useState(existing?.name ?? '')
  const [values, setValues] = useState(() => initialValues(engine, existing))
  const [secrets, setSecrets] = useState<FormValues>({})
  const [isDefault, setIsDefault] = useState(existing?.is_default ?? false)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  if (!session.can('connections:write')) {
    return <div class="page"><h1>{existing ? 'Edit connection' : 'Create connection'}</h1><p class="notice">Your role ({session.role ?? 'key'}) cannot change connections.</p></div>
  }
  const pickType = (t: string) => { setType(t); setValues(initialValues(engineOf(t) ?? ENGINES[0])); setSecrets({}) }
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true); setError(null)
    const credentials = enteredValues(engine.credentials, secrets)
    const options = existing ? configPatch(existing.options, OPTION_FIELDS, values.options) : enteredValues(OPTION_FIELDS, values.options)
    try {
      if (existing) {
        const body: Record<string, unknown> = { name: name.trim(), config: configPatch(existing.config, engine.config, values.config), options, is_default: isDefault }
        if (Object.keys(credentials).length) body.credentials = credentials
        const saved = await api.patch<Connection>(`/api/v1/connections/${encodeURIComponent(existing.id)}`, body)
        navigate(`/connections/${encodeURIComponent(saved.id)}`)
      } else {
        const body: Record<string, unknown> = { name: name.trim(), type, config: enteredValues(engine.config, values.config), options, is_default: isDefault }
        if (Object.keys(credentials).length) body.credentials = credentials
        const saved = await api.post<Connection>('/api/v1/connections', body)
        navigate(`/connections/${encodeURIComponent(saved.id)}`)
      }
    } catch (err) { setError(err) } finally { setBusy(false) }
  }
  const secretHint = existing?.has_credentials ? 'Stored. Leave empty to keep the stored credentials; typing any secret here replaces them all.' : undefined
  return (
    <div class="page">
      <p><Link href={existing ? `/connections/${encodeURIComponent(existing.id)}` : '/connections'}>← {existing ? existing.name : 'Connections'}</Link></p>
      <h1>{existing ? `Edit ${existing.name}` : 'Create connection'}</h1>
      <form class="panel" onSubmit={submit} aria-label={existing ? 'Edit connection' : 'New connection'}>
        <div class="form-grid">
          <FormField id="conn-name" label="Name" hint="Letters, digits, space, _ . - only.">
            <input id="conn-name" type="text" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          </FormField>
          <FormField id="conn-engine" label="Engine" hint={existing ? 'The engine of a connection cannot change.' : undefined}>
            <select id="conn-engine" value={type} disabled={!!existing} onChange={(e) => pickType((e.target as HTMLSelectElement).value)}>
              {ENGINES.map((en) => <option key={en.type} value={en.type}>{en.label}</option>)}
            </select>
          </FormField>
        </div>
        <fieldset>
          <legend>{engine.label} settings</legend>
          <div class="form-grid">
            {engine.config.map((f) => (
              <EngineFieldInput key={`${type}-${f.key}`} field={f} prefix="cfg" value={values.config[f.key]} onChange={(v) => setValues((cur) => ({ ...cur, config: { ...cur.config, [f.key]: v } }))} />
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Credentials (write-only)</legend>
          {existing && <p class="hint">Changing the host, port, database or user sends the stored credentials elsewhere: the API then asks for them again.</p>}
          <div class="form-grid">
            {engine.credentials.map((f) => (
              <EngineFieldInput key={`${type}-${f.key}`} field={{ ...f, required: existing ? false : f.required }} prefix="cred" value={secrets[f.key]} hint={secretHint ?? f.hint} onChange={(v) => setSecrets((cur) => ({ ...cur, [f.key]: v }))} />
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Options</legend>
          <div class="form-grid">
            {OPTION_FIELDS.map((f) => (
              <EngineFieldInput key={f.key} field={f} prefix="opt" value={values.options[f.key]} onChange={(v) => setValues((cur) => ({ ...cur, options: { ...cur.options, [f.key]: v } }))} />
            ))}
            <div class="field">
              <label class="check" for="conn-default"><input id="conn-default" type="checkbox" checked={isDefault} onChange={(e) => setIsDefault((e.target as HTMLInputElement).checked)} />Default connection of the tenant</label>
            </div>
          </div>
        </fieldset>
        <ErrorMessage error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !name.trim()}>{existing ? 'Save' : 'Create'}</button>
          <button type="button" onClick={() => navigate(existing ? `/connections/${encodeURIComponent(existing.id)}` : '/connections')}>Cancel</button>
        </div>
      </form>
    </div>
  )
}
