// One connection-form control, drawn from its engine field description.
import { FormField } from '../../components/form-field'
import type { EngineField } from './engine-fields'

export function EngineFieldInput(props: { field: EngineField; prefix: string; value: string | boolean | undefined; hint?: string; onChange: (v: string | boolean) => void }) {
  const f = props.field
  const id = `${props.prefix}-${f.key}`
  const hint = props.hint ?? f.hint
  const describedBy = hint ? `${id}-hint` : undefined
  const text = (e: Event) => props.onChange((e.target as HTMLInputElement).value)
  if (f.kind === 'boolean') {
    return (
      <div class="field">
        <label class="check" for={id}>
          <input id={id} type="checkbox" checked={Boolean(props.value)} aria-describedby={describedBy} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />
          {f.label}
        </label>
        {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      </div>
    )
  }
  const value = typeof props.value === 'string' ? props.value : ''
  return (
    <FormField id={id} label={f.label} hint={hint}>
      {f.kind === 'select' ? (
        <select id={id} value={value} aria-describedby={describedBy} onChange={text}>
          {f.choices!.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      ) : f.kind === 'pem' || f.kind === 'json' ? (
        <textarea id={id} rows={4} value={value} spellcheck={false} autoComplete="off" required={f.required} aria-describedby={describedBy} onInput={text} />
      ) : f.kind === 'password' ? (
        <input id={id} type="password" autoComplete="new-password" required={f.required} value={value} aria-describedby={describedBy} onInput={text} />
      ) : (
        <input id={id} type="text" inputMode={f.kind === 'number' ? 'numeric' : undefined} autoComplete="off" required={f.required} placeholder={f.placeholder} value={value} aria-describedby={describedBy} onInput={text} />
      )}
    </FormField>
  )
}
