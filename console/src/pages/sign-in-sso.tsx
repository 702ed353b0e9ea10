// "Sign in with SSO" on the sign-in page: asks the server whether the tenant
// signs in through its identity provider (GET /api/v1/auth/sso/config), then
// hands the whole page to /api/v1/auth/sso/start, which redirects to the
// provider. Coming back, the server has set the refresh cookie and the
// console restores the session as after a reload; a failed sign-in comes back
// with `?sso_error=<code>`, shown here in words.
import { useState } from 'preact/hooks'

const MESSAGES: Record<string, string> = {
  sso_not_configured: 'Single sign-on is not set up for this tenant.',
  state_mismatch: 'The sign-in did not start in this browser. Start it again here.',
  state_expired: 'The sign-in took too long or was already used. Start it again.',
  idp_error: 'Your identity provider refused the sign-in.',
  idp_unreachable: 'Your identity provider could not be reached. Try again later.',
  code_rejected: 'The answer from your identity provider could not be verified. Start again, or ask your admin.',
  email_missing: 'Your identity provider did not share your email address. Ask your admin.',
  email_not_verified: 'Your identity provider says your email address is not verified.',
  domain_not_allowed: 'Your email domain may not sign in to this tenant.',
  identity_conflict: 'This account is already linked to another sign-in of your provider. Ask your admin.',
  user_disabled: 'Your account is deactivated. Ask your admin.',
  plan_limit_reached: 'Your organisation\'s plan has no free seat for a new user. Ask your admin.',
}

/** The sign-in error the server redirected with, read once (and removed from the address bar). */
function takeSsoError(): string | null {
  const url = new URL(location.href)
  const code = url.searchParams.get('sso_error')
  if (code === null) return null
  url.searchParams.delete('sso_error')
  history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`)
  return MESSAGES[code] ?? 'Single sign-on failed.'
}

export function SsoSignIn() {
  const [tenant, setTenant] = useState(() => new URLSearchParams(location.search).get('tenant') ?? '')
  const [message, setMessage] = useState<string | null>(takeSsoError)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const name = tenant.trim()
    if (!name) return
    setBusy(true)
    setMessage(null)
    try {
      const res = await fetch(`/api/v1/auth/sso/config?tenant=${encodeURIComponent(name)}`, { headers: { Accept: 'application/json' } })
      const config = res.ok ? ((await res.json()) as { enabled: boolean }) : { enabled: false }
      if (!config.enabled) {
        setMessage(MESSAGES.sso_not_configured)
        setBusy(false)
        return
      }
      const returnTo = `${location.pathname}${location.search}`
      location.assign(`/api/v1/auth/sso/start?tenant=${encodeURIComponent(name)}&return_to=${encodeURIComponent(returnTo)}`)
    } catch {
      setMessage('The server could not be reached.')
      setBusy(false)
    }
  }
  return (
    <form class="sso" onSubmit={submit} aria-labelledby="sso-title">
      <h2 id="sso-title">Single sign-on</h2>
      <div class="field">
        <label for="sso-tenant">Tenant (name or id)</label>
        <input id="sso-tenant" type="text" autoComplete="organization" required value={tenant} onInput={(e) => setTenant((e.target as HTMLInputElement).value)} />
      </div>
      {message && <div class="error" role="alert"><p>{message}</p></div>}
      <button type="submit" class="wide" disabled={busy}>Sign in with SSO</button>
    </form>
  )
}
