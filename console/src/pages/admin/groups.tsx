// Settings → Users → Groups: the tenant's groups (the ones an identity
// provider pushes through SCIM, or made here), their members and (admins)
// the attributes members inherit. Membership of a role-mapped group
// (NEXATRON_SCIM_ROLE_GROUPS) sets the member's role: the API answers 403
// when that would grant a role beyond the signed-in user's own.
import { useEffect, useState } from 'preact/hooks'
import { api, type Page } from '../../api'
import { useSession } from '../../session'
import { DataTable } from '../../components/data-table'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'
import { AttributesCell } from '../../components/attributes-cell'
import { formatAttributes, type Attributes } from '../../attributes'
import type { User } from './users'

export interface Group { id: string; display_name: string; external_id: string | null; attributes: Attributes; member_count: number; created_at: string; updated_at: string }
export interface GroupDetail extends Group { role: string | null; members: Array<{ id: string; email: string; name: string | null }> }

export function GroupsSection() {
  const session = useSession()
  const [groups, setGroups] = useState<Group[] | null>(null)
  const [users, setUsers] = useState<User[]>([])
  const [open, setOpen] = useState<GroupDetail | null>(null)
  const [name, setName] = useState('')
  const [deleting, setDeleting] = useState<Group | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const canSetAttributes = session.scopes.includes('*')

  const load = () => api.get<Page<Group>>('/api/v1/groups', { limit: 100 }).then((p) => setGroups(p.data), setError)
  const reopen = async (id: string) => setOpen(await api.get<GroupDetail>(`/api/v1/groups/${encodeURIComponent(id)}`))
  useEffect(() => {
    void load()
    api.get<Page<User>>('/api/v1/users', { limit: 100 }).then((p) => setUsers(p.data), setError)
  }, [])

  /** Runs a change, then reloads the list (and the open group); errors are shown, never thrown. */
  const run = async (fn: () => Promise<unknown>, done: string, groupId?: string) => {
    setBusy(true); setError(null); setNotice('')
    try {
      await fn()
      setNotice(done)
    } catch (e) { setError(e) } finally {
      await load()
      if (groupId) await reopen(groupId).catch(() => setOpen(null))
      setBusy(false)
    }
  }

  const create = (e: Event) => {
    e.preventDefault()
    const n = name.trim()
    if (!n) return
    void run(async () => { await api.post('/api/v1/groups', { display_name: n }); setName('') }, `Group ${n} created.`)
  }

  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <p class="muted">Groups come from your identity provider (SCIM) or are made here. A group mapped to a role gives its members that role; a group's attributes add to its members' for access policies.</p>
      <form class="panel" onSubmit={create} aria-label="Create a group">
        <FormField id="group-name" label="New group">
          <input id="group-name" type="text" required maxLength={200} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </FormField>
        <div class="actions"><button type="submit" class="primary" disabled={busy}>Create group</button></div>
      </form>
      <p role="status" aria-live="polite" class={notice ? 'notice' : undefined}>{notice}</p>
      <ErrorMessage error={error} />
      {groups && (
        <DataTable<Group>
          caption="Groups of the tenant"
          rows={groups}
          rowKey={(g) => g.id}
          empty="No groups yet."
          columns={[
            { key: 'display_name', label: 'Name' },
            { key: 'member_count', label: 'Members' },
            {
              key: 'attributes', label: 'Attributes', sortable: false, value: (g) => formatAttributes(g.attributes),
              render: (g) => <AttributesCell owner={g.display_name} attributes={g.attributes} canEdit={canSetAttributes && !busy}
                onSave={async (attributes) => {
                  await api.patch(`/api/v1/groups/${encodeURIComponent(g.id)}`, { attributes })
                  await load()
                  setNotice(`Attributes of ${g.display_name} saved.`)
                }} />,
            },
            {
              key: 'actions', label: 'Actions', sortable: false, render: (g) => (
                <span class="actions">
                  <button type="button" class="small" disabled={busy} aria-label={`Members of ${g.display_name}`} onClick={() => void reopen(g.id).catch(setError)}>Members</button>
                  <button type="button" class="danger small" disabled={busy} aria-label={`Delete ${g.display_name}`} onClick={() => setDeleting(g)}>Delete</button>
                </span>
              ),
            },
          ]}
        />
      )}
      {open && <GroupMembers group={open} users={users} busy={busy} onClose={() => setOpen(null)}
        onAdd={(userId) => void run(() => api.patch(`/api/v1/groups/${encodeURIComponent(open.id)}/members`, { add: [userId] }), `Member added to ${open.display_name}.`, open.id)}
        onRemove={(m) => void run(() => api.patch(`/api/v1/groups/${encodeURIComponent(open.id)}/members`, { remove: [m.id] }), `${m.email} left ${open.display_name}.`, open.id)} />}
      <ConfirmDialog open={!!deleting} title={`Delete ${deleting?.display_name ?? ''}?`} confirmLabel="Delete group" danger busy={busy}
        onConfirm={() => {
          const g = deleting!
          setDeleting(null)
          if (open?.id === g.id) setOpen(null)
          void run(() => api.del(`/api/v1/groups/${encodeURIComponent(g.id)}`), `Group ${g.display_name} deleted.`)
        }} onCancel={() => setDeleting(null)}>
        <p>Its members keep their accounts. If the group is mapped to a role, they fall back to the role their other groups give (or the default role), and lose the attributes it gave them.</p>
      </ConfirmDialog>
    </section>
  )
}

function GroupMembers(props: { group: GroupDetail; users: User[]; busy: boolean; onClose: () => void; onAdd: (userId: string) => void; onRemove: (m: GroupDetail['members'][number]) => void }) {
  const [pick, setPick] = useState('')
  const inGroup = new Set(props.group.members.map((m) => m.id))
  const candidates = props.users.filter((u) => !inGroup.has(u.id))
  return (
    <div class="panel" aria-labelledby="group-members-title">
      <div class="page-head">
        <h3 id="group-members-title">Members of {props.group.display_name}</h3>
        <button type="button" class="small" onClick={props.onClose}>Close</button>
      </div>
      <p class="muted small">{props.group.role ? `Members get the ${props.group.role} role.` : 'This group gives no role.'}{props.group.external_id ? ` Identity provider id: ${props.group.external_id}.` : ''}</p>
      {props.group.members.length === 0 ? <p class="muted">No members.</p> : (
        <ul class="plain-list">
          {props.group.members.map((m) => (
            <li key={m.id}>{m.email}{m.name ? ` (${m.name})` : ''}{' '}
              <button type="button" class="small" disabled={props.busy} aria-label={`Remove ${m.email} from ${props.group.display_name}`} onClick={() => props.onRemove(m)}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => { e.preventDefault(); if (pick) { props.onAdd(pick); setPick('') } }}>
        <FormField id="group-add-member" label="Add a member">
          <select id="group-add-member" value={pick} onChange={(e) => setPick((e.target as HTMLSelectElement).value)}>
            <option value="">Choose a user…</option>
            {candidates.map((u) => <option key={u.id} value={u.id}>{u.email}</option>)}
          </select>
        </FormField>
        <div class="actions"><button type="submit" class="primary small" disabled={props.busy || !pick}>Add</button></div>
      </form>
    </div>
  )
}
