// PostgreSQL connection settings as the Connections API accepts them.
// `config` is stored in clear; `credentials` is write-only and encrypted.
import { z } from 'zod'
import { hostOrSocketDir, objectName, password, pem, port, sslMode } from '../shared/config-fields'

export const postgresConfigSchema = z.object({
  /** Server host name or IP address (or a Unix socket directory, when NEXATRON_ALLOW_SOCKET_HOSTS=true). */
  host: hostOrSocketDir,
  /** TCP port (default 5432). */
  port: port(5432),
  /** Database to connect to. */
  database: objectName,
  /** Login role; give it SELECT-only grants (connectors/README.md). */
  user: objectName,
  /** TLS mode (default `require`); `disable` for servers without TLS. */
  ssl: sslMode.default('require'),
  /** PEM CA certificate(s) to verify the server with (verify-ca / verify-full). */
  ssl_ca: pem.optional(),
  /** PEM client certificate, for certificate authentication. */
  ssl_cert: pem.optional(),
  /** Schemas introspected by default (all schemas the role can use when absent). */
  schemas: z.array(objectName).max(1000).optional(),
}).strict()

export const postgresCredentialsSchema = z.object({
  /** Password of `user` (omit for trust / certificate authentication). */
  password: password.optional(),
  /** PEM private key matching `ssl_cert`. */
  ssl_key: pem.optional(),
  /** Passphrase of an encrypted `ssl_key`. */
  ssl_key_passphrase: z.string().max(1024).optional(),
}).strict()

export type PostgresConfig = z.infer<typeof postgresConfigSchema>
export type PostgresCredentials = z.infer<typeof postgresCredentialsSchema>

/**
 * The schema an unqualified name means on PostgreSQL and Redshift: what the SQL
 * guard checks it as (registry.ts defaultSchema) and what every statement's
 * search path is set to (pg-family.ts), so that the two agree. The engine's own
 * default path starts with "$user": a schema named after the login would
 * otherwise be read for a name the guard allowed as public's.
 */
export const PG_DEFAULT_SCHEMA = 'public'
