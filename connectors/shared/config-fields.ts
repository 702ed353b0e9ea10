// zod building blocks shared by the per-engine config schemas, so field names,
// limits and messages are identical across engines.
import net from 'node:net'
import { z } from 'zod'

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/
/** A last label like this makes resolvers read the whole name as an IPv4 address (`127.1`, `0x7f.1`, `2130706433`). */
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i

/**
 * Why `h` is not a plain host name or IP literal, or null when it is one.
 * Drivers parse host text their own way (URLs read `x@` as a user, `/`, `#`
 * and `?` end the host, `%2e` is decoded, `host\inst` is a SQL Server named
 * instance, resolvers read `127.1` and `2130706433` as 127.0.0.1), so only the
 * forms that every driver and the host policy read the same are accepted:
 * LDH labels (and `_`) joined by single dots without a trailing dot, a
 * dotted-quad IPv4 address, or an IPv6 address (optionally in brackets)
 * without a zone. Internationalized names go in their `xn--` form.
 */
export function hostGrammarError(h: string): string | null {
  if (h.length === 0) return 'host is required'
  if (h.length > 253) return 'a host name is at most 253 characters'
  const v6 = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h
  if (v6.includes(':')) {
    return net.isIPv6(v6) && !v6.includes('%') ? null : 'an IPv6 address (without a zone or port), a host name or an IPv4 address'
  }
  const labels = h.split('.')
  if (NUMERIC_LABEL.test(labels[labels.length - 1])) {
    return net.isIPv4(h) ? null : 'an IPv4 address in dotted-decimal form (a.b.c.d, no leading zeros)'
  }
  if (!labels.every((l) => LABEL.test(l))) {
    return 'a plain host name (letters, digits, "-" and "_", labels joined by single dots, no trailing dot) or an IP address; no scheme, user, port, path, "@", "/", "\\", "#", "%" or "?"'
  }
  return null
}

/**
 * Host name or IP address (see hostGrammarError). Whether a host may be used
 * at all is decided by the host policy (SSRF) in src/security, not here.
 */
export const host = z.string().trim().min(1, 'host is required').max(253)
  .superRefine((h, ctx) => {
    const why = hostGrammarError(h)
    if (why) ctx.addIssue({ code: 'custom', message: why })
  })

/** A host, or (Postgres and Redshift only) the absolute path of a Unix socket directory. */
export const hostOrSocketDir = z.string().trim().min(1, 'host is required').max(253)
  .superRefine((h, ctx) => {
    if (h.startsWith('/')) {
      if (!/^\/[A-Za-z0-9._/-]*$/.test(h) || h.split('/').includes('..')) ctx.addIssue({ code: 'custom', message: 'a socket directory is an absolute path of letters, digits, ".", "_", "-" and "/" without ".." segments' })
      return
    }
    const why = hostGrammarError(h)
    if (why) ctx.addIssue({ code: 'custom', message: why })
  })

/**
 * An http(s) endpoint URL whose host obeys the same grammar as host fields,
 * without a user or password part.
 */
export const endpointUrl = z.string().url().max(2048).superRefine((u, ctx) => {
  let url: URL
  try { url = new URL(u) } catch { return }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: 'an http(s) URL' })
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'a URL without a user or password part (credentials go in credentials)' })
  const why = hostGrammarError(url.hostname)
  if (why) ctx.addIssue({ code: 'custom', message: `the URL's host: ${why}` })
})

export const port = (defaultPort: number) => z.number().int().min(1).max(65535).default(defaultPort)

/** Database/user/schema names: any characters (we quote them), bounded length. */
export const objectName = z.string().min(1).max(255)

/**
 * TLS mode, as libpq spells it:
 * - `disable`: plain TCP;
 * - `require`: TLS, server certificate not verified;
 * - `verify-ca`: TLS, certificate must chain to `ssl_ca` (or the system CAs);
 * - `verify-full`: as verify-ca, and the certificate must name the host.
 */
export const sslMode = z.enum(['disable', 'require', 'verify-ca', 'verify-full'])
export type SslMode = z.infer<typeof sslMode>

export const pem = z.string().max(65_536).refine((s) => s.includes('-----BEGIN '), 'a PEM-encoded value (-----BEGIN ...)')

/** Passwords may be empty (trust authentication) but are bounded. */
export const password = z.string().max(1024)
