// MySQL 8 / MariaDB 10.x connection settings as the Connections API accepts them.
// `config` is stored in clear; `credentials` is write-only and encrypted.
import { z } from 'zod'
import { host, objectName, password, pem, port, sslMode } from '../shared/config-fields'

export const mysqlConfigSchema = z.object({
  /** Server host name or IP address. */
  host,
  /** TCP port (default 3306). */
  port: port(3306),
  /** Default database (schema) of the session; also what introspect() reads by default. */
  database: objectName,
  /** Account name; give it SELECT-only grants (connectors/README.md). */
  user: objectName,
  /** TLS mode (default `require`); `disable` for servers without TLS. */
  ssl: sslMode.default('require'),
  /** PEM CA certificate(s) to verify the server with (verify-ca / verify-full). */
  ssl_ca: pem.optional(),
  /** PEM client certificate (for REQUIRE X509 accounts). */
  ssl_cert: pem.optional(),
  /** Databases introspected by default (instead of just `database`). */
  schemas: z.array(objectName).max(1000).optional(),
}).strict()

export const mysqlCredentialsSchema = z.object({
  /** Password of `user`. */
  password: password.optional(),
  /** PEM private key matching `ssl_cert`. */
  ssl_key: pem.optional(),
  /** Passphrase of an encrypted `ssl_key`. */
  ssl_key_passphrase: z.string().max(1024).optional(),
}).strict()

export type MysqlConfig = z.infer<typeof mysqlConfigSchema>
export type MysqlCredentials = z.infer<typeof mysqlCredentialsSchema>
