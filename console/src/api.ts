// The console's API client. The access token lives only in this module's
// memory (never in storage a script could read later); the refresh token is an
// HttpOnly cookie that only /api/v1/auth/* sees. A 401 triggers one refresh
// (shared by every request that hit it at once) and one retry.
export interface ErrorDetail { path?: string; issue: string; suggestions?: string[]; [k: string]: unknown }

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly requestId?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Sent with every request: the server accepts the refresh cookie only with it (CSRF). */
export const CONSOLE_HEADER = { 'X-Nexatron-Console': '1' }

let accessToken: string | null = null
let refreshing: Promise<boolean> | null = null
const signedOutListeners = new Set<() => void>()

export function setAccessToken(token: string | null): void { accessToken = token }
export const hasAccessToken = () => accessToken !== null
/** Called when the session is gone for good (the refresh cookie was refused). */
export function onSignedOut(fn: () => void): () => void {
  signedOutListeners.add(fn)
  return () => signedOutListeners.delete(fn)
}

export async function toApiError(res: Response): Promise<ApiError> {
  const body = await res.json().catch(() => null) as { error?: { code?: string; message?: string; details?: ErrorDetail[]; request_id?: string } } | null
  const e = body?.error
  return new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `${res.status} ${res.statusText}`, e?.details ?? [], e?.request_id)
}

/** Exchanges the refresh cookie for a new access token; false when there is no session. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST', credentials: 'same-origin', headers: { ...CONSOLE_HEADER, 'Content-Type': 'application/json' }, body: '{}',
      })
      if (!res.ok) { accessToken = null; return false }
      accessToken = ((await res.json()) as { access_token: string }).access_token
      return true
    } catch {
      return false
    } finally {
      refreshing = null
    }
  })()
  return refreshing
}

export interface RequestOptions { method?: string; body?: unknown; query?: Record<string, string | number | undefined | null>; signal?: AbortSignal; accept?: string }

function url(path: string, query?: RequestOptions['query']): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

/** The raw response of a successful call (2xx); throws ApiError otherwise. */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const send = () => {
    const headers: Record<string, string> = { ...CONSOLE_HEADER, Accept: opts.accept ?? 'application/json' }
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
    return fetch(url(path, opts.query), {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      headers, credentials: 'same-origin', signal: opts.signal,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  }
  let res = await send()
  if (res.status === 401 && !path.startsWith('/api/v1/auth/login')) {
    if (await refreshSession()) res = await send()
    else signedOutListeners.forEach((fn) => fn())
  }
  if (!res.ok) throw await toApiError(res)
  return res
}

async function json<T>(path: string, opts: RequestOptions): Promise<T> {
  const res = await request(path, opts)
  return (res.status === 204 ? undefined : await res.json()) as T
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) => json<T>(path, { query, signal }),
  post: <T>(path: string, body: unknown = {}, signal?: AbortSignal) => json<T>(path, { method: 'POST', body, signal }),
  patch: <T>(path: string, body: unknown) => json<T>(path, { method: 'PATCH', body }),
  put: <T>(path: string, body: unknown) => json<T>(path, { method: 'PUT', body }),
  del: (path: string) => json<void>(path, { method: 'DELETE' }),
  /** A streaming POST (Server-Sent Events): the caller reads the body. */
  stream: (path: string, body: unknown, signal?: AbortSignal) => request(path, { method: 'POST', body, signal, accept: 'text/event-stream' }),
}

/** A page of a listing, as every list endpoint answers. */
export interface Page<T> { data: T[]; next_cursor: string | null }
