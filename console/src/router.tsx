// A few lines of history-API routing: the console has a handful of pages.
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'

const listeners = new Set<() => void>()
const notify = () => listeners.forEach((fn) => fn())
if (typeof window !== 'undefined') window.addEventListener('popstate', notify)

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  notify()
  window.scrollTo(0, 0)
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const [, force] = useState(0)
  useEffect(() => { const fn = () => force((n) => n + 1); listeners.add(fn); return () => { listeners.delete(fn) } }, [])
  return { path: location.pathname, query: new URLSearchParams(location.search) }
}

export function Link(props: { href: string; children: ComponentChildren; class?: string; current?: boolean }) {
  return (
    <a
      href={props.href}
      class={props.class}
      aria-current={props.current ? 'page' : undefined}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
        e.preventDefault()
        navigate(props.href)
      }}
    >
      {props.children}
    </a>
  )
}
