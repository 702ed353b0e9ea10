// A modal confirmation on the native <dialog> (focus trap, Escape, inert page for free).
import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'

export function ConfirmDialog(props: {
  open: boolean; title: string; children?: ComponentChildren; confirmLabel: string; danger?: boolean; busy?: boolean
  onConfirm: () => void; onCancel: () => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (props.open && !d.open) d.showModal()
    if (!props.open && d.open) d.close()
  }, [props.open])
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); props.onCancel() }}>
      <h2 id="confirm-title">{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <div class="actions">
        <button type="button" onClick={props.onCancel}>Cancel</button>
        <button type="button" class={props.danger ? 'danger' : 'primary'} disabled={props.busy} onClick={props.onConfirm}>{props.confirmLabel}</button>
      </div>
    </dialog>
  )
}
