// The console's session scheme. Its access token lives only in page memory;
// the refresh token lives in an HttpOnly cookie (script cannot read it, so an
// injected script cannot steal a long-lived credential) that is Secure,
// SameSite=Strict and scoped to /api/v1/auth (no other request carries it).
// A cookie is sent by the browser on its own, so every request that spends it
// must also carry X-Nexatron-Console: 1: a cross-site form or image cannot set
// a custom header, and a cross-site fetch that sets one needs a CORS preflight
// we never grant. API clients never send the header and keep JSON tokens.
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { AppError } from '../../errors'

export const CONSOLE_HEADER = 'X-Nexatron-Console'
export const REFRESH_COOKIE = 'nexatron_refresh'
export const COOKIE_PATH = '/api/v1/auth'

export const fromConsole = (c: Context) => c.req.header(CONSOLE_HEADER) === '1'

export function setRefreshCookie(c: Context, token: string, maxAgeS: number): void {
  setCookie(c, REFRESH_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Strict', path: COOKIE_PATH, maxAge: maxAgeS })
}

export function clearRefreshCookie(c: Context): void {
  deleteCookie(c, REFRESH_COOKIE, { httpOnly: true, secure: true, sameSite: 'Strict', path: COOKIE_PATH })
}

/** The refresh cookie, only for a request that proves it comes from our own page. */
export function refreshCookie(c: Context): string {
  const token = getCookie(c, REFRESH_COOKIE)
  if (!fromConsole(c)) {
    if (!token) throw new AppError('validation_error', 'refresh_token is required', [{ path: 'refresh_token', issue: 'required' }])
    throw new AppError('forbidden', `a refresh by cookie needs the ${CONSOLE_HEADER}: 1 header`, [{ path: CONSOLE_HEADER, issue: 'csrf_header_missing' }])
  }
  if (!token) throw new AppError('unauthorized', 'no refresh_token in the body and no session cookie', [{ path: 'refresh_token', issue: 'missing' }])
  return token
}
