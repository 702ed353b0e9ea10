// Settings → Single sign-on: the tenant's OpenID Connect provider, its role
// mapping and whether passwords still work. The client secret is write-only.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../../api'
import { useSession } from '../../session'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'

interface SsoSettings {
  enabled: boolean; issuer: string; client_id: string; client_secret_set: true; scopes: string[]; groups_claim: string | null
  role_mapping: Record<string, string>; allowed_email_domains: string[]; password_login: boolean; button_label: string; redirect_uri: string
}
const ROLES = ['admin', 'analyst', 'viewer']
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean)

/** "Group = role" lines into the API's map; a line without a known role is an error naming it. */
export function parseRoleMapping(text: string): { mapping: Record<string, string>; bad: string[] } {
  const mapping: Record<string, string> = {}
  const bad: string[] = []
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const at = line.lastIndexOf('=')
    const group = at > 0 ? line.slice(0, at).trim() : ''
    const role = at > 0 ? line.slice(at + 1).trim().toLowerCase() : ''
    if (!group || !ROLES.includes(role)) bad.push(line)
    else mapping[group] = role
  }
  return { mapping, bad }
}

export function SsoSettingsPage() {
  const session = useSession()
  const [stored, setStored] = useState<SsoSettings | null | undefined>(undefined)
  const [form, setForm] = useState({ enabled: true, issuer: '', client_id: '', client_secret: '', scopes: 'openid, email, profile', groups_claim: '', roles: '', domains: '', password_login: true, button_label: '' })
  const [error, setError] = useState<unknown>(null)
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const [removing, setRemoving] = useState(false)
  const admin = session.can('*')
  const show = (s: SsoSettings | null) => {
    setStored(s)
    if (s) {
      setForm({
        enabled: s.enabled, issuer: s.issuer, client_id: s.client_id, client_secret: '', scopes: s.scopes.join(', '), groups_claim: s.groups_claim ?? '',
        roles: Object.entries(s.role_mapping).map(([g, r]) => `${g} = ${r}`).join('\n'), domains: s.allowed_email_domains.join(', '), password_login: s.password_login, button_label: s.button_label,
      })
    }
  }
  useEffect(() => {
    if (!admin) return
    api.get<SsoSettings>('/api/v1/sso/settings').then(show, (e) => { if (e instanceof ApiError && e.status === 404) setStored(null); else setError(e) })
  }, [])
  if (!admin) return <div class="page"><h1>Single sign-on</h1><p class="notice">Only an admin can configure single sign-on.</p></div>

  const text = (k: keyof typeof form) => (e: Event) => setForm((f) => ({ ...f, [k]: (e.target as HTMLInputElement).value }))
  const check = (k: 'enabled' | 'password_login') => (e: Event) => setForm((f) => ({ ...f, [k]: (e.target as HTMLInputElement).checked }))
  const save = async (e: Event) => {
    e.preventDefault()
    setError(null); setNotice('')
    const { mapping, bad } = parseRoleMapping(form.roles)
    if (bad.length) { setError(new Error(`Role mapping: write each line as “Group = admin|analyst|viewer” (${bad.join('; ')})`)); return }
    setBusy(true)
    try {
      const body = {
        enabled: form.enabled, issuer: form.issuer.trim(), client_id: form.client_id.trim(), ...(form.client_secret ? { client_secret: form.client_secret } : {}),
        scopes: list(form.scopes), groups_claim: form.groups_claim.trim() || null, role_mapping: mapping, allowed_email_domains: list(form.domains),
        password_login: form.password_login, button_label: form.button_label.trim() || null,
      }
      show(await api.put<SsoSettings>('/api/v1/sso/settings', body))
      setNotice('Single sign-on settings saved.')
    } catch (err) { setError(err) } finally { setBusy(false) }
  }
  const remove = async () => {
    setBusy(true)
    try {
      await api.del('/api/v1/sso/settings')
      setStored(null); setForm((f) => ({ ...f, issuer: '', client_id: '', client_secret: '', roles: '', groups_claim: '', domains: '', button_label: '' }))
      setNotice('Single sign-on removed: password sign-in is open again.')
    } catch (err) { setError(err) } finally { setBusy(false); setRemoving(false) }
  }
  return (
    <div class="page">
      <div class="page-head">
        <h1>Single sign-on</h1>
        {stored && <button type="button" class="danger" onClick={() => setRemoving(true)}>Remove single sign-on</button>}
      </div>
      <p class="muted">Sign-in through your OpenID Connect provider (Okta, Entra ID, Google, Keycloak…); people are created on first sign-in with the role their groups map to.</p>
      {stored === null && <p class="notice">Single sign-on is not configured.</p>}
      {stored && <p class="notice ok">Register this redirect URI at the provider: <code>{stored.redirect_uri}</code></p>}
      <p role="status" aria-live="polite" class={notice ? 'notice ok' : undefined}>{notice}</p>
      {stored !== undefined && (
        <form class="panel" onSubmit={save} aria-label="Single sign-on settings">
          <div class="form-grid">
            <FormField id="sso-issuer" label="Issuer" hint="https://… (its /.well-known/openid-configuration is read)."><input id="sso-issuer" type="text" required value={form.issuer} onInput={text('issuer')} /></FormField>
            <FormField id="sso-client-id" label="Client ID"><input id="sso-client-id" type="text" required value={form.client_id} onInput={text('client_id')} /></FormField>
            <FormField id="sso-client-secret" label="Client secret" hint={stored ? 'Stored (write-only). Leave empty to keep it; needed again when the issuer or client ID change.' : 'Write-only: stored encrypted, never shown again.'}>
              <input id="sso-client-secret" type="password" autoComplete="new-password" value={form.client_secret} onInput={text('client_secret')} />
            </FormField>
            <FormField id="sso-scopes" label="Scopes" hint="Comma-separated; must include openid."><input id="sso-scopes" type="text" value={form.scopes} onInput={text('scopes')} /></FormField>
            <FormField id="sso-groups-claim" label="Groups claim" hint="The ID token claim listing groups (Okta: groups). Empty: roles are not taken from the provider."><input id="sso-groups-claim" type="text" value={form.groups_claim} onInput={text('groups_claim')} /></FormField>
            <FormField id="sso-domains" label="Allowed email domains" hint="Comma-separated; empty: any."><input id="sso-domains" type="text" value={form.domains} onInput={text('domains')} /></FormField>
            <FormField id="sso-button" label="Button label"><input id="sso-button" type="text" maxLength={80} placeholder="Sign in with SSO" value={form.button_label} onInput={text('button_label')} /></FormField>
          </div>
          <FormField id="sso-roles" label="Role mapping" hint="One line per group: “Nexatron Admins = admin”.">
            <textarea id="sso-roles" rows={4} value={form.roles} onInput={text('roles')} />
          </FormField>
          <div class="field"><label class="check" for="sso-enabled"><input id="sso-enabled" type="checkbox" checked={form.enabled} onChange={check('enabled')} />Sign-in through the provider is on</label></div>
          <div class="field"><label class="check" for="sso-password"><input id="sso-password" type="checkbox" checked={form.password_login} onChange={check('password_login')} />Passwords still work for this tenant’s users</label></div>
          <ErrorMessage error={error} />
          <div class="actions"><button type="submit" class="primary" disabled={busy}>Save</button></div>
        </form>
      )}
      <ConfirmDialog open={removing} title="Remove single sign-on?" confirmLabel="Remove" danger busy={busy} onConfirm={remove} onCancel={() => setRemoving(false)}>
        <p>Sign-in through the provider stops and password sign-in is open again. Users already created stay.</p>
      </ConfirmDialog>
    </div>
  )
}
