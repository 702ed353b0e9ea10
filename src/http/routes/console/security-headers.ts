// Headers for every HTML page we serve (the console and /docs) and their assets.
// The CSP admits only our own origin: no inline script, no remote script, style,
// font or connection; nothing may frame us (clickjacking) and no plugin runs.
import type { Context } from 'hono'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // Swagger UI's icons are data: URIs in its stylesheet.
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export function setSecurityHeaders(c: Context): void {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  c.header('X-Content-Type-Options', 'nosniff')
  c.header('Referrer-Policy', 'no-referrer')
  // For browsers that predate frame-ancestors.
  c.header('X-Frame-Options', 'DENY')
  c.header('Cross-Origin-Opener-Policy', 'same-origin')
}
