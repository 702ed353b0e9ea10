import { useState } from 'preact/hooks'

export function CopyButton(props: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text)
      setCopied(true)
      setTimeout(() => setCopied(false), 2000)
    } catch {
      setCopied(false)
    }
  }
  return (
    <button type="button" onClick={copy} aria-live="polite">{copied ? 'Copied' : (props.label ?? 'Copy')}</button>
  )
}
