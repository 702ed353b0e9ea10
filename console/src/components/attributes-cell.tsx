// A table cell with the attributes access policies read about a user or key,
// and (for admins) an Edit button that opens a JSON editor in place. Saving
// replaces the attributes (PATCH with `attributes`).
import { useState } from 'preact/hooks'
import { attributesJson, formatAttributes, parseAttributes, type Attributes } from '../attributes'
import { ErrorMessage } from './error-message'

/** `empty`: what to show when there are none (a user's key without its own shows its owner's). */
export function AttributesCell(props: { owner: string; attributes: Attributes | null | undefined; canEdit: boolean; onSave: (a: Attributes) => Promise<void>; empty?: string }) {
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const shown = formatAttributes(props.attributes)
  if (!editing) {
    return (
      <span class="attributes">
        {shown ? <span>{shown}</span> : <span class="muted small">{props.empty ?? 'none'}</span>}
        {props.canEdit && (
          <button type="button" class="small" aria-label={`Edit attributes of ${props.owner}`}
            onClick={() => { setText(attributesJson(props.attributes)); setError(null); setEditing(true) }}>Edit</button>
        )}
      </span>
    )
  }
  const save = async (e: Event) => {
    e.preventDefault()
    const parsed = parseAttributes(text)
    if ('error' in parsed) { setError(new Error(parsed.error)); return }
    setBusy(true); setError(null)
    try {
      await props.onSave(parsed.attributes)
      setEditing(false)
    } catch (err) { setError(err) } finally { setBusy(false) }
  }
  const id = `attrs-${props.owner.replace(/\W+/g, '-')}`
  return (
    <form onSubmit={save} class="attributes-editor">
      <label for={id}>Attributes of {props.owner} (JSON)</label>
      <textarea id={id} rows={4} cols={30} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="submit" class="primary small" disabled={busy}>Save attributes</button>
        <button type="button" class="small" onClick={() => setEditing(false)}>Cancel</button>
      </div>
    </form>
  )
}
