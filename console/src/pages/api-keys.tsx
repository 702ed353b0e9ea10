// Settings → API keys: create (the full key shown once), list, revoke, and
// (admins) set the attributes access policies read for a key: a BI tool's key
// carries the attributes of the audience it serves.
import { useEffect, useState } from 'preact/hooks'
import { api, type Page } from '../api'
import { useSession } from '../session'
import { DataTable } from '../components/data-table'
import { ConfirmDialog } from '../components/confirm-dialog'
import { CopyButton } from '../components/copy-button'
import { ErrorMessage } from '../components/error-message'
import { FormField } from '../components/form-field'
import { AttributesCell } from '../components/attributes-cell'
import { formatAttributes, parseAttributes, type Attributes } from '../attributes'

export interface ApiKey {
  id: string; name: string; prefix: string; last4: string; scopes: string[]; created_at: string
  expires_at: string | null; last_used_at: string | null; revoked_at: string | null; attributes?: Attributes | null
}
const SCOPES = ['query:run', 'query:read', 'connections:read', 'connections:write', 'semantic:read', 'semantic:write', 'keys:manage', 'users:manage', 'audit:read', 'analytics:read', '*']
const EXPIRIES: Array<[string, number | null]> = [['30 days', 30], ['90 days', 90], ['1 year', 365], ['Never', null]]
const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString('en-US', { dateStyle: 'medium' }) : '—')

export function ApiKeysPage() {
  const session = useSession()
  const [keys, setKeys] = useState<ApiKey[] | null>(null)
  const [cursor, setCursor] = useState<string | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<(ApiKey & { key: string }) | null>(null)
  const [revoking, setRevoking] = useState<ApiKey | null>(null)
  const [busy, setBusy] = useState(false)
  const canManage = session.can('keys:manage')
  const canSetAttributes = session.scopes.includes('*')

  const load = (c: string | null = cursor) => api.get<Page<ApiKey>>('/api/v1/api-keys', { limit: 50, cursor: c }).then((p) => { setKeys(p.data); setNext(p.next_cursor) }, setError)
  useEffect(() => { if (canManage) void load() }, [cursor])

  if (!canManage) {
    return <div class="page"><h1>API keys</h1><p class="notice">Your role ({session.role ?? 'key'}) cannot manage API keys. An admin can issue one for you.</p></div>
  }

  const revoke = async () => {
    if (!revoking) return
    setBusy(true)
    try {
      await api.del(`/api/v1/api-keys/${encodeURIComponent(revoking.id)}`)
      setRevoking(null)
      await load()
    } catch (e) { setError(e); setRevoking(null) } finally { setBusy(false) }
  }

  return (
    <div class="page">
      <div class="page-head">
        <h1>API keys</h1>
        {!creating && !created && <button type="button" class="primary" onClick={() => { setCreating(true); setError(null) }}>Create API key</button>}
      </div>
      <p class="muted">Keys let programs and BI tools call the API as <code>Authorization: Bearer nxa_…</code>. A key can only hold scopes you hold.</p>
      {created && (
        <section class="created" aria-labelledby="created-title">
          <h2 id="created-title">Key “{created.name}” created</h2>
          <p>Copy it now: it is shown <strong>once</strong> and cannot be shown again.</p>
          <div class="secret-row">
            <code class="secret" aria-label="New API key">{created.key}</code>
            <CopyButton text={created.key} label="Copy key" />
          </div>
          <button type="button" onClick={() => setCreated(null)}>Done</button>
        </section>
      )}
      {creating && <CreateKeyForm scopes={session.scopes} canSetAttributes={canSetAttributes} onCancel={() => setCreating(false)} onCreated={(k) => { setCreating(false); setCreated(k); void load() }} />}
      <ErrorMessage error={error} />
      {keys && (
        <DataTable<ApiKey>
          caption="Active keys"
          rows={keys}
          rowKey={(k) => k.id}
          empty="No active keys."
          columns={[
            { key: 'name', label: 'Name' },
            { key: 'prefix', label: 'Key', nowrap: true, value: (k) => `${k.prefix}…${k.last4}`, render: (k) => <code>{k.prefix}…{k.last4}</code> },
            { key: 'scopes', label: 'Scopes', sortable: false, render: (k) => k.scopes.join(', ') },
            {
              key: 'attributes', label: 'Attributes', sortable: false, value: (k) => formatAttributes(k.attributes),
              render: (k) => <AttributesCell owner={k.name} attributes={k.attributes} canEdit={canSetAttributes} empty={k.attributes === null ? 'its owner\'s, as they stand' : 'none'}
                onSave={async (attributes) => { await api.patch<ApiKey>(`/api/v1/api-keys/${encodeURIComponent(k.id)}`, { attributes }); await load() }} />,
            },
            { key: 'created_at', label: 'Created', nowrap: true, render: (k) => day(k.created_at) },
            { key: 'last_used_at', label: 'Last used', nowrap: true, render: (k) => day(k.last_used_at) },
            { key: 'expires_at', label: 'Expires', nowrap: true, render: (k) => (k.expires_at ? day(k.expires_at) : 'Never') },
            { key: 'actions', label: 'Actions', sortable: false, render: (k) => <button type="button" class="danger small" aria-label={`Revoke ${k.name}`} onClick={() => setRevoking(k)}>Revoke</button> },
          ]}
        />
      )}
      {(cursor || next) && (
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={!cursor} onClick={() => setCursor(null)}>First page</button>
          <button type="button" disabled={!next} onClick={() => setCursor(next)}>Next page</button>
        </nav>
      )}
      <ConfirmDialog open={!!revoking} title={`Revoke “${revoking?.name ?? ''}”?`} confirmLabel="Revoke key" danger busy={busy} onConfirm={revoke} onCancel={() => setRevoking(null)}>
        <p>Programs using <code>{revoking?.prefix}…{revoking?.last4}</code> stop working on their next request, and its queued jobs are cancelled.</p>
      </ConfirmDialog>
    </div>
  )
}

function CreateKeyForm(props: { scopes: string[]; canSetAttributes: boolean; onCancel: () => void; onCreated: (k: ApiKey & { key: string }) => void }) {
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<string[]>(['query:run', 'query:read'])
  const [expiry, setExpiry] = useState<string>('90')
  // Empty: the key takes its owner's (your) attributes.
  const [attributes, setAttributes] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const grantable = SCOPES.filter((s) => props.scopes.includes('*') || props.scopes.includes(s))
  const submit = async (e: Event) => {
    e.preventDefault()
    let attrs: Attributes | undefined
    if (attributes.trim()) {
      const parsed = parseAttributes(attributes)
      if ('error' in parsed) { setError(new Error(parsed.error)); return }
      attrs = parsed.attributes
    }
    setBusy(true)
    setError(null)
    try {
      const key = await api.post<ApiKey & { key: string }>('/api/v1/api-keys', { name: name.trim(), scopes, expires_in_days: expiry === 'never' ? null : Number(expiry), ...(attrs ? { attributes: attrs } : {}) })
      props.onCreated(key)
    } catch (err) { setError(err) } finally { setBusy(false) }
  }
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="new-key-title">
      <h2 id="new-key-title">Create an API key</h2>
      <FormField id="key-name" label="Name" hint="What uses it, e.g. “BI dashboard”.">
        <input id="key-name" type="text" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </FormField>
      <fieldset>
        <legend>Scopes</legend>
        <div class="checks">
          {grantable.map((s) => (
            <label key={s} class="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((cur) => ((e.target as HTMLInputElement).checked ? [...cur, s] : cur.filter((x) => x !== s)))} />
              <code>{s}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <FormField id="key-expiry" label="Expires">
        <select id="key-expiry" value={expiry} onChange={(e) => setExpiry((e.target as HTMLSelectElement).value)}>
          {EXPIRIES.map(([label, days]) => <option key={label} value={days === null ? 'never' : String(days)}>{label}</option>)}
        </select>
      </FormField>
      {props.canSetAttributes && (
        <FormField id="key-attributes" label="Attributes (JSON)" hint={'What access policies read about the key, e.g. {"partner_id": 42}. Empty: your own attributes and groups, as they stand.'}>
          <textarea id="key-attributes" rows={3} spellcheck={false} value={attributes} onInput={(e) => setAttributes((e.target as HTMLTextAreaElement).value)} />
        </FormField>
      )}
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !name.trim() || scopes.length === 0}>Create</button>
        <button type="button" onClick={props.onCancel}>Cancel</button>
      </div>
    </form>
  )
}
