import { useState } from 'preact/hooks'
import { signIn } from '../session'
import { ErrorMessage } from '../components/error-message'
import { SsoSignIn } from './sign-in-sso'

export function SignInPage(props: { reason?: string }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [tenant, setTenant] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await signIn(email.trim(), password, tenant.trim() || undefined)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <main class="sign-in" id="main">
      <div class="card">
        <p class="brand">Nexatron</p>
        <h1>Sign in</h1>
        {props.reason && <p class="notice" role="status">{props.reason}</p>}
        <form onSubmit={submit}>
          <div class="field">
            <label for="email">Email</label>
            <input id="email" type="email" autoComplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input id="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          </div>
          <details class="tenant">
            <summary>Several tenants?</summary>
            <div class="field">
              <label for="tenant">Tenant (name or id)</label>
              <input id="tenant" type="text" value={tenant} onInput={(e) => setTenant((e.target as HTMLInputElement).value)} />
              <p class="hint">Only needed when your email belongs to more than one tenant.</p>
            </div>
          </details>
          <ErrorMessage error={error} />
          <button type="submit" class="primary wide" disabled={busy}>Sign in</button>
        </form>
        <SsoSignIn />
      </div>
      <section class="card first-time" aria-labelledby="first-time">
        <h2 id="first-time">First sign-in</h2>
        <p>The console signs in <em>users</em>; the admin API key printed at first start works with the API, not here.</p>
        <p>On a fresh install the server's first start prints a console admin (<code>admin@nexatron.local</code>) with a generated password, once, next to the API key. Or create the first admin yourself:</p>
        <ul>
          <li>Start the server with <code>NEXATRON_BOOTSTRAP_ADMIN_EMAIL</code> and <code>NEXATRON_BOOTSTRAP_ADMIN_PASSWORD</code> (at least 12 characters) set: the user is created on start if it does not exist yet.</li>
          <li>Or, with the server stopped (the embedded store is locked while it runs): <code>NEXATRON_USER_PASSWORD=… npx nexatron users create --email you@example.com --role admin</code>, then start it again.</li>
        </ul>
        <p>Admins add more people under Settings → Users. API reference: <a href="/docs">/docs</a>.</p>
      </section>
    </main>
  )
}
