// zod building blocks shared by the per-engine config schemas, so field names,
// limits and messages are identical across engines.
import { z } from 'zod'

/**
 * Host name, IP address, or (Postgres only) a Unix socket directory. Whether a
 * host may be used at all is decided by the host policy (SSRF) in
 * src/security, not here.
 */
export const host = z.string().trim().min(1, 'host is required').max(255)
  .refine((h) => !/\s/.test(h) && !h.includes('://'), 'a bare host name or IP address, without scheme or spaces')

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
