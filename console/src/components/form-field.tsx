// A label, its control, a hint and an error, tied together for assistive technology.
import type { ComponentChildren } from 'preact'

let seq = 0
export const fieldId = (name: string) => `f-${name.replace(/\W+/g, '-')}-${++seq}`

export function FormField(props: { id: string; label: string; hint?: string; error?: string; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <p class="hint" id={`${props.id}-hint`}>{props.hint}</p>}
      {props.error && <p class="field-error" id={`${props.id}-error`} role="alert">{props.error}</p>}
    </div>
  )
}
