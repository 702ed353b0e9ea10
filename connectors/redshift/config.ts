// Amazon Redshift (provisioned or Serverless) connection settings.
// `config` is stored in clear; `credentials` is write-only and encrypted.
import { z } from 'zod'
import { hostOrSocketDir, objectName, password, pem, port, sslMode } from '../shared/config-fields'

export const redshiftConfigSchema = z.object({
  /** Cluster or workgroup endpoint, e.g. `examplecluster.abc123.us-west-2.redshift.amazonaws.com`. */
  host: hostOrSocketDir,
  /** TCP port (default 5439). */
  port: port(5439),
  /** Database to connect to (e.g. `dev`). */
  database: objectName,
  /** Database user; give it SELECT-only grants (connectors/README.md). */
  user: objectName,
  /** TLS mode (default `require`; Redshift accepts TLS on every endpoint). */
  ssl: sslMode.default('require'),
  /** PEM CA bundle for verify-ca / verify-full (Amazon's Redshift CA bundle). */
  ssl_ca: pem.optional(),
  /** Schemas introspected by default (all schemas visible to the user when absent). */
  schemas: z.array(objectName).max(1000).optional(),
}).strict()

export const redshiftCredentialsSchema = z.object({
  /** Password of `user` (database password authentication; IAM tokens are not supported). */
  password: password.optional(),
}).strict()

export type RedshiftConfig = z.infer<typeof redshiftConfigSchema>
export type RedshiftCredentials = z.infer<typeof redshiftCredentialsSchema>
