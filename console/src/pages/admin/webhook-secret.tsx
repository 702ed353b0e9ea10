// Settings → Webhook secret: whether one is set (a hint of it, from
// /webhook-secret/status, so the page never holds the secret), and creation
// or rotation with the new secret shown once.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../../api'
import { useSession } from '../../session'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { CopyButton } from '../../components/copy-button'
import { ErrorMessage } from '../../components/error-message'

interface WebhookSecret { secret: string; algorithm: string; header: string }
interface SecretStatus { set: boolean; hint: string | null; algorithm: string; header: string }

const hintOf = (s: string) => `${s.slice(0, 8)}…${s.slice(-4)}`

export function WebhookSecretPage() {
  const session = useSession()
  const [current, setCurrent] = useState<SecretStatus | null>(null)
  const [fresh, setFresh] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const canManage = session.can('keys:manage')
  useEffect(() => { if (canManage) api.get<SecretStatus>('/api/v1/webhook-secret/status').then(setCurrent, setError) }, [])
  if (!canManage) return <div class="page"><h1>Webhook secret</h1><p class="notice">Your role ({session.role ?? 'key'}) cannot manage the webhook secret.</p></div>

  const rotate = async () => {
    setBusy(true); setError(null)
    try {
      const s = await api.post<WebhookSecret>('/api/v1/webhook-secret')
      // Only the hint stays in the page's state once the new secret is dismissed.
      setCurrent({ set: true, hint: hintOf(s.secret), algorithm: s.algorithm, header: s.header })
      setFresh(s.secret)
    } catch (e) { setError(e) } finally { setBusy(false); setConfirming(false) }
  }
  return (
    <div class="page">
      <div class="page-head">
        <h1>Webhook secret</h1>
        {!fresh && <button type="button" class="primary" onClick={() => (current?.set ? setConfirming(true) : void rotate())} disabled={!current || busy}>{current && !current.set ? 'Create secret' : 'Rotate secret'}</button>}
      </div>
      <p class="muted">Webhook deliveries (async queries with <code>webhook_url</code>) carry an HMAC signature of the body in a header; check it with this secret.</p>
      <ErrorMessage error={error} />
      {fresh && (
        <section class="created" aria-labelledby="fresh-title">
          <h2 id="fresh-title">New secret</h2>
          <p>Copy it now: it is shown <strong>once</strong>. Deliveries from now on are signed with it.</p>
          <div class="secret-row">
            <code class="secret" aria-label="New webhook secret">{fresh}</code>
            <CopyButton text={fresh} label="Copy secret" />
          </div>
          <button type="button" onClick={() => setFresh(null)}>Done</button>
        </section>
      )}
      {current && (
        <section class="panel" aria-labelledby="current-title">
          <h2 id="current-title">Current secret</h2>
          <dl class="props">
            <dt>Status</dt><dd>{current.set ? 'Set' : 'Not set yet (created on first use or with “Create secret”)'}</dd>
            {current.hint && <><dt>Secret</dt><dd><code aria-label="Current secret (masked)">{current.hint}</code></dd></>}
            <dt>Signature</dt><dd><code>{current.algorithm}</code> in the <code>{current.header}</code> header</dd>
          </dl>
        </section>
      )}
      {!current && !error && <p role="status">Loading…</p>}
      <ConfirmDialog open={confirming} title="Rotate the webhook secret?" confirmLabel="Rotate" danger busy={busy} onConfirm={rotate} onCancel={() => setConfirming(false)}>
        <p>Receivers that check signatures with the old secret reject deliveries until they have the new one.</p>
      </ConfirmDialog>
    </div>
  )
}
