// Who is signed in. Restored at load from the refresh cookie (a reload keeps
// the session, no token is stored by the page), updated by sign-in/out.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, CONSOLE_HEADER, onSignedOut, refreshSession, setAccessToken, toApiError } from './api'

export interface Session {
  userId: string | null
  email: string
  name: string | null
  role: string | null
  scopes: string[]
  tenant: { id: string; name: string; timezone: string }
}

export type SessionState = { status: 'loading' } | { status: 'signed-out'; reason?: string } | { status: 'signed-in'; session: Session }

let state: SessionState = { status: 'loading' }
const listeners = new Set<(s: SessionState) => void>()
function set(next: SessionState) { state = next; listeners.forEach((fn) => fn(state)) }

interface Me { kind: string; id: string; role: string | null; scopes: string[]; tenant: Session['tenant']; user: { id: string; email: string; name: string | null } | null }

async function loadMe(): Promise<void> {
  const me = await api.get<Me>('/api/v1/auth/me')
  set({ status: 'signed-in', session: { userId: me.user?.id ?? null, email: me.user?.email ?? me.id, name: me.user?.name ?? null, role: me.role, scopes: me.scopes, tenant: me.tenant } })
}

export async function restoreSession(): Promise<void> {
  if (!(await refreshSession())) return set({ status: 'signed-out' })
  await loadMe().catch(() => set({ status: 'signed-out' }))
}

export async function signIn(email: string, password: string, tenant?: string): Promise<void> {
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST', credentials: 'same-origin',
    headers: { ...CONSOLE_HEADER, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ email, password, ...(tenant ? { tenant } : {}) }),
  })
  if (!res.ok) throw await toApiError(res)
  setAccessToken(((await res.json()) as { access_token: string }).access_token)
  await loadMe()
}

export async function signOut(): Promise<void> {
  await api.post('/api/v1/auth/logout').catch((e: unknown) => { if (!(e instanceof ApiError)) throw e })
  setAccessToken(null)
  set({ status: 'signed-out', reason: 'You are signed out.' })
}

onSignedOut(() => { if (state.status === 'signed-in') set({ status: 'signed-out', reason: 'Your session ended. Sign in again.' }) })

export function useSessionState(): SessionState {
  const [s, setS] = useState(state)
  useEffect(() => { listeners.add(setS); setS(state); return () => { listeners.delete(setS) } }, [])
  return s
}

export const holds = (scopes: readonly string[], scope: string) => scopes.includes('*') || scopes.includes(scope)

export interface UseSession extends Session {
  /** Whether the signed-in user holds a scope (the API stays the authority). */
  can(scope: string): boolean
  signOut(): Promise<void>
}

/** The signed-in user; only for components rendered inside the signed-in shell. */
export function useSession(): UseSession {
  const s = useSessionState()
  if (s.status !== 'signed-in') throw new Error('useSession() outside a signed-in page')
  return { ...s.session, can: (scope) => holds(s.session.scopes, scope), signOut }
}
