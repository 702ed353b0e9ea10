import { ApiError } from '../api'

/** An API error in words: message, the fields it names, its request id for support. */
export function ErrorMessage(props: { error: unknown }) {
  const e = props.error
  if (!e) return null
  const err = e instanceof ApiError ? e : null
  const message = err ? err.message : e instanceof Error ? e.message : String(e)
  const fields = err?.details.filter((d) => d.path).map((d) => `${d.path}: ${d.issue}`) ?? []
  return (
    <div class="error" role="alert">
      <p>{message}</p>
      {fields.length > 0 && <ul>{fields.map((f) => <li key={f}>{f}</li>)}</ul>}
      {err?.requestId && <p class="muted small">Request {err.requestId}</p>}
    </div>
  )
}
