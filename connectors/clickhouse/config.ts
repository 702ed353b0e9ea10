// ClickHouse connection settings (HTTP interface) as the Connections API accepts them.
// `config` is stored in clear; `credentials` is write-only and encrypted.
import { z } from 'zod'
import { host, objectName, password, pem, sslMode } from '../shared/config-fields'

export const clickhouseConfigSchema = z.object({
  /** Server host name or IP address. */
  host,
  /** HTTP(S) port; default 8443 with TLS, 8123 without. */
  port: z.number().int().min(1).max(65535).optional(),
  /**
   * TLS mode (default `require`): `disable` speaks plain HTTP; the others HTTPS
   * (`require` without certificate checks, `verify-ca`/`verify-full` with).
   */
  ssl: sslMode.default('require'),
  /** PEM CA certificate(s) for verify-ca / verify-full. */
  ssl_ca: pem.optional(),
  /** URL path prefix when ClickHouse sits behind a proxy (e.g. `/clickhouse`). */
  path: z.string().max(255).regex(/^\/[A-Za-z0-9._~\-/]*$/, 'a URL path starting with /').optional(),
  /** Default database of queries; also what introspect() reads by default. */
  database: objectName.default('default'),
  /** User name; give it a readonly profile (connectors/README.md). */
  user: objectName.default('default'),
  /** Databases introspected by default (instead of just `database`). */
  schemas: z.array(objectName).max(1000).optional(),
}).strict()

export const clickhouseCredentialsSchema = z.object({
  /** Password of `user`. */
  password: password.optional(),
}).strict()

export type ClickhouseConfig = z.infer<typeof clickhouseConfigSchema>
export type ClickhouseCredentials = z.infer<typeof clickhouseCredentialsSchema>
