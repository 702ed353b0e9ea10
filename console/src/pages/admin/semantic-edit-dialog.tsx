// Edits what the planner reads about a metric, dimension, model or entity:
// label, description, synonyms and (metrics) the value format, through PATCH.
// An entity has no route of its own: it is saved as its model's entity list
// with this one entity changed.
import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from '../../api'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'
import type { ValueFormat } from '../../format'

export type { ValueFormat }
type EntityFields = { name: string; label?: string | null; description?: string | null; synonyms?: string[] } & Record<string, unknown>
export type Editable =
  | { kind: 'metric' | 'dimension' | 'model'; id: string; name: string; label: string | null; description: string | null; synonyms?: string[]; format?: ValueFormat | null }
  | { kind: 'entity'; id: string; name: string; label: string | null; description: string | null; synonyms?: string[]; format?: undefined; modelEntities: EntityFields[] }

const ROUTE = { metric: 'metrics', dimension: 'dimensions', model: 'models', entity: 'models' } as const

/** The model's entity list with one entity's planner fields replaced (empty fields dropped). */
export function entitiesWith(entities: EntityFields[], name: string, fields: { label: string; description: string; synonyms: string[] }): EntityFields[] {
  return entities.map((e) => {
    if (e.name !== name) return e
    const { label: _l, description: _d, synonyms: _s, ...rest } = e
    return {
      ...rest,
      ...(fields.label ? { label: fields.label } : {}),
      ...(fields.description ? { description: fields.description } : {}),
      ...(fields.synonyms.length ? { synonyms: fields.synonyms } : {}),
    }
  })
}

/** Synonyms as typed: comma-separated, trimmed, without empties or repeats. */
export const parseSynonyms = (s: string) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))]

export function SemanticEditDialog(props: { item: Editable | null; onClose: () => void; onSaved: () => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  const item = props.item
  const [label, setLabel] = useState('')
  const [description, setDescription] = useState('')
  const [synonyms, setSynonyms] = useState('')
  const [formatType, setFormatType] = useState('')
  const [currency, setCurrency] = useState('USD')
  const [decimals, setDecimals] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (item) {
      setLabel(item.label ?? ''); setDescription(item.description ?? ''); setSynonyms((item.synonyms ?? []).join(', '))
      setFormatType(item.format?.type ?? ''); setCurrency(item.format?.type === 'currency' ? item.format.currency : 'USD')
      setDecimals(item.format?.decimals === undefined ? '' : String(item.format.decimals)); setError(null)
      if (!d.open) d.showModal()
    } else if (d.open) d.close()
  }, [item])
  const save = async (e: Event) => {
    e.preventDefault()
    if (!item) return
    setBusy(true); setError(null)
    let body: Record<string, unknown> = { label: label.trim(), description: description.trim(), synonyms: parseSynonyms(synonyms) }
    if (item.kind === 'entity') body = { entities: entitiesWith(item.modelEntities, item.name, { label: label.trim(), description: description.trim(), synonyms: parseSynonyms(synonyms) }) }
    if (item.kind === 'metric' && formatType) {
      const dec = decimals.trim() === '' ? {} : { decimals: Number(decimals) }
      body.format = formatType === 'currency' ? { type: 'currency', currency: currency.trim().toUpperCase(), ...dec } : { type: formatType, ...dec }
    }
    try {
      await api.patch(`/api/v1/semantic/${ROUTE[item.kind]}/${encodeURIComponent(item.id)}`, body)
      props.onSaved()
    } catch (err) { setError(err) } finally { setBusy(false) }
  }
  return (
    <dialog ref={ref} aria-labelledby="edit-title" class="edit-dialog" onCancel={(e) => { e.preventDefault(); props.onClose() }}>
      {item && (
        <form onSubmit={save}>
          <h2 id="edit-title">Edit {item.kind} <code>{item.name}</code></h2>
          <FormField id="sem-label" label="Label"><input id="sem-label" type="text" maxLength={200} value={label} onInput={(e) => setLabel((e.target as HTMLInputElement).value)} /></FormField>
          <FormField id="sem-description" label="Description"><textarea id="sem-description" rows={3} maxLength={4000} value={description} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} /></FormField>
          <FormField id="sem-synonyms" label="Synonyms" hint="Comma-separated words people use for it, e.g. “turnover, sales”.">
            <input id="sem-synonyms" type="text" value={synonyms} onInput={(e) => setSynonyms((e.target as HTMLInputElement).value)} />
          </FormField>
          {item.kind === 'metric' && (
            <div class="form-grid">
              <FormField id="sem-format" label="Format">
                <select id="sem-format" value={formatType} onChange={(e) => setFormatType((e.target as HTMLSelectElement).value)}>
                  {!item.format && <option value="">(none)</option>}
                  <option value="number">number</option><option value="currency">currency</option><option value="percent">percent</option>
                </select>
              </FormField>
              {formatType === 'currency' && (
                <FormField id="sem-currency" label="Currency" hint="ISO 4217 code."><input id="sem-currency" type="text" maxLength={3} value={currency} onInput={(e) => setCurrency((e.target as HTMLInputElement).value)} /></FormField>
              )}
              {formatType && (
                <FormField id="sem-decimals" label="Decimals"><input id="sem-decimals" type="text" inputMode="numeric" value={decimals} onInput={(e) => setDecimals((e.target as HTMLInputElement).value)} /></FormField>
              )}
            </div>
          )}
          <ErrorMessage error={error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>Save</button>
            <button type="button" onClick={props.onClose}>Cancel</button>
          </div>
        </form>
      )}
    </dialog>
  )
}
