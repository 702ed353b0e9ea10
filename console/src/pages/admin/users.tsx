// Settings → Users: create a user with a first password, change a role,
// deactivate or reactivate, and (admins) set the attributes access policies
// read. Deactivating revokes their keys and sessions (API). The Groups tab
// (groups.tsx) manages groups, their members and attributes.
import { useEffect, useState } from 'preact/hooks'
import { api, type Page } from '../../api'
import { useSession } from '../../session'
import { DataTable } from '../../components/data-table'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'
import { AttributesCell } from '../../components/attributes-cell'
import { formatAttributes as formatAttributesValue, type Attributes } from '../../attributes'
import { GroupsSection } from './groups'

export interface User { id: string; email: string; name: string | null; role: string; scopes: string[]; disabled: boolean; attributes?: Attributes; groups?: Array<{ id: string; display_name: string }>; created_at: string; updated_at: string }
const ROLES = ['admin', 'analyst', 'viewer'] as const
const MIN_PASSWORD = 12

export function UsersPage() {
  const session = useSession()
  const [users, setUsers] = useState<User[] | null>(null)
  const [cursor, setCursor] = useState<string | null>(null)
  const [next, setNext] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [creating, setCreating] = useState(false)
  const [notice, setNotice] = useState('')
  const [deactivating, setDeactivating] = useState<User | null>(null)
  const [busy, setBusy] = useState(false)
  const canManage = session.can('users:manage')
  // Attributes decide which rows access policies let through: admins only (as
  // the API), and like role and status not on one's own row (the API allows it).
  const canSetAttributes = session.scopes.includes('*')
  const [tab, setTab] = useState<'users' | 'groups'>('users')

  const load = () => api.get<Page<User>>('/api/v1/users', { limit: 50, cursor }).then((p) => { setUsers(p.data); setNext(p.next_cursor) }, setError)
  // Reloaded when the Users tab comes back: memberships may have changed on the Groups tab.
  useEffect(() => { if (canManage && tab === 'users') void load() }, [cursor, tab])
  if (!canManage) return <div class="page"><h1>Users</h1><p class="notice">Your role ({session.role ?? 'key'}) cannot manage users.</p></div>

  const patch = async (u: User, body: Partial<Pick<User, 'role' | 'disabled' | 'attributes'>>, done: string) => {
    setBusy(true); setError(null); setNotice('')
    try {
      await api.patch<User>(`/api/v1/users/${encodeURIComponent(u.id)}`, body)
      await load()
      setNotice(done)
    } catch (e) { setError(e); await load() } finally { setBusy(false) }
  }

  const tabs = (
    <div role="tablist" aria-label="Users and groups" class="tabs">
      {(['users', 'groups'] as const).map((k) => (
        <button key={k} type="button" role="tab" aria-selected={tab === k} class={tab === k ? 'active' : undefined} onClick={() => setTab(k)}>{k === 'users' ? 'Users' : 'Groups'}</button>
      ))}
    </div>
  )
  if (tab === 'groups') return <div class="page"><h1>Users</h1>{tabs}<GroupsSection /></div>

  return (
    <div class="page">
      <div class="page-head">
        <h1>Users</h1>
        {!creating && <button type="button" class="primary" onClick={() => { setCreating(true); setNotice('') }}>Create user</button>}
      </div>
      {tabs}
      <p class="muted">People who sign in to this tenant. A role change or deactivation ends their sessions at once; deactivating also revokes their API keys.</p>
      {creating && <CreateUserForm onCancel={() => setCreating(false)} onCreated={(u) => { setCreating(false); setNotice(`User ${u.email} created. Give them their password over a safe channel.`); void load() }} />}
      <p role="status" aria-live="polite" class={notice ? 'notice' : undefined}>{notice}</p>
      <ErrorMessage error={error} />
      {users && (
        <DataTable<User>
          caption="Users of the tenant"
          rows={users}
          rowKey={(u) => u.id}
          columns={[
            { key: 'email', label: 'Email' },
            { key: 'name', label: 'Name', render: (u) => u.name ?? '' },
            {
              key: 'role', label: 'Role', render: (u) => (
                <select aria-label={`Role of ${u.email}`} value={u.role} disabled={busy || u.id === session.userId} onChange={(e) => void patch(u, { role: (e.target as HTMLSelectElement).value }, `${u.email} is now ${(e.target as HTMLSelectElement).value}.`)}>
                  {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
              ),
            },
            {
              key: 'groups', label: 'Groups', value: (u) => (u.groups ?? []).map((g) => g.display_name).join(', '),
              render: (u) => (u.groups?.length ? <span>{u.groups.map((g) => g.display_name).join(', ')}</span> : <span class="muted small">no groups</span>),
            },
            {
              key: 'attributes', label: 'Attributes', sortable: false, value: (u) => formatAttributesValue(u.attributes),
              render: (u) => <AttributesCell owner={u.email} attributes={u.attributes} canEdit={canSetAttributes && !busy && u.id !== session.userId}
                onSave={async (attributes) => {
                  await api.patch<User>(`/api/v1/users/${encodeURIComponent(u.id)}`, { attributes })
                  await load()
                  setNotice(`Attributes of ${u.email} saved.`)
                }} />,
            },
            { key: 'disabled', label: 'Status', value: (u) => (u.disabled ? 'deactivated' : 'active'), render: (u) => <span class={`status ${u.disabled ? 'failed' : 'succeeded'}`}>{u.disabled ? 'Deactivated' : 'Active'}</span> },
            { key: 'created_at', label: 'Created', nowrap: true, render: (u) => new Date(u.created_at).toLocaleDateString('en-US', { dateStyle: 'medium' }) },
            {
              key: 'actions', label: 'Actions', sortable: false, render: (u) => (u.id === session.userId ? <span class="muted small">You</span> : u.disabled
                ? <button type="button" class="small" disabled={busy} aria-label={`Reactivate ${u.email}`} onClick={() => void patch(u, { disabled: false }, `${u.email} is active again.`)}>Reactivate</button>
                : <button type="button" class="danger small" disabled={busy} aria-label={`Deactivate ${u.email}`} onClick={() => setDeactivating(u)}>Deactivate</button>),
            },
          ]}
        />
      )}
      {(cursor || next) && (
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={!cursor} onClick={() => setCursor(null)}>First page</button>
          <button type="button" disabled={!next} onClick={() => setCursor(next)}>Next page</button>
        </nav>
      )}
      <ConfirmDialog open={!!deactivating} title={`Deactivate ${deactivating?.email ?? ''}?`} confirmLabel="Deactivate user" danger busy={busy}
        onConfirm={() => { const u = deactivating!; setDeactivating(null); void patch(u, { disabled: true }, `${u.email} is deactivated.`) }} onCancel={() => setDeactivating(null)}>
        <p>They are signed out everywhere, their API keys are revoked and their queued jobs cancelled. You can reactivate them later (keys stay revoked).</p>
      </ConfirmDialog>
    </div>
  )
}

function CreateUserForm(props: { onCancel: () => void; onCreated: (u: User) => void }) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [role, setRole] = useState<string>('analyst')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true); setError(null)
    try {
      props.onCreated(await api.post<User>('/api/v1/users', { email: email.trim(), password, role, ...(name.trim() ? { name: name.trim() } : {}) }))
    } catch (err) { setError(err) } finally { setBusy(false) }
  }
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="new-user-title">
      <h2 id="new-user-title">Create a user</h2>
      <div class="form-grid">
        <FormField id="user-email" label="Email"><input id="user-email" type="email" required autoComplete="off" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></FormField>
        <FormField id="user-name" label="Name"><input id="user-name" type="text" maxLength={200} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></FormField>
        <FormField id="user-password" label="First password" hint={`At least ${MIN_PASSWORD} characters; they can change it later.`}>
          <input id="user-password" type="password" required minLength={MIN_PASSWORD} autoComplete="new-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </FormField>
        <FormField id="user-role" label="Role">
          <select id="user-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select>
        </FormField>
      </div>
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>Create</button>
        <button type="button" onClick={props.onCancel}>Cancel</button>
      </div>
    </form>
  )
}
