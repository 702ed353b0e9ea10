// Settings → Webhook secret: whether one is set (shown masked), and rotation
// with the new secret shown once. The API creates the secret on first read and
// has no "is it set" route, so the page reads it and shows only its ends.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../../api'
import { useSession } from '../../session'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { CopyButton } from '../../components/copy-button'
import { ErrorMessage } from '../../components/error-message'

interface WebhookSecret { secret: string; algorithm: string; header: string }

export const maskSecret = (s: string) => (s.length > 14 ? `${s.slice(0, 8)}…${s.slice(-4)}` : '••••')

export function WebhookSecretPage() {
  const session = useSession()
  const [current, setCurrent] = useState<{ masked: string; algorithm: string; header: string } | null>(null)
  const [fresh, setFresh] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const canManage = session.can('keys:manage')
  // Only the masked form is kept in the page's state: the full secret is dropped at once.
  const keep = (s: WebhookSecret) => setCurrent({ masked: maskSecret(s.secret), algorithm: s.algorithm, header: s.header })
  useEffect(() => { if (canManage) api.get<WebhookSecret>('/api/v1/webhook-secret').then(keep, setError) }, [])
  if (!canManage) return <div class="page"><h1>Webhook secret</h1><p class="notice">Your role ({session.role ?? 'key'}) cannot manage the webhook secret.</p></div>

  const rotate = async () => {
    setBusy(true); setError(null)
    try {
      const s = await api.post<WebhookSecret>('/api/v1/webhook-secret')
      keep(s)
      setFresh(s.secret)
    } catch (e) { setError(e) } finally { setBusy(false); setConfirming(false) }
  }
  return (
    <div class="page">
      <div class="page-head">
        <h1>Webhook secret</h1>
        {!fresh && <button type="button" class="primary" onClick={() => setConfirming(true)} disabled={!current}>Rotate secret</button>}
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
            <dt>Status</dt><dd>Set</dd>
            <dt>Secret</dt><dd><code aria-label="Current secret (masked)">{current.masked}</code></dd>
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
