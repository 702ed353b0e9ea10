// Maps a connection type to its connector factory and its config schemas.
import type { z } from 'zod'
import type { Connector, ConnectorConfig, ConnectionType } from './connector'
import { ConnectorError } from './connector'
import { createPostgresConnector } from './postgres/connector'
import { postgresConfigSchema, postgresCredentialsSchema } from './postgres/config'
import { createRedshiftConnector } from './redshift/connector'
import { redshiftConfigSchema, redshiftCredentialsSchema } from './redshift/config'
import { createMysqlConnector } from './mysql/connector'
import { mysqlConfigSchema, mysqlCredentialsSchema } from './mysql/config'
import { createPgliteConnector } from './pglite/connector'
import { pgliteConfigSchema, pgliteCredentialsSchema } from './pglite/config'
import { createSnowflakeConnector } from './snowflake/connector'
import { snowflakeConfigSchema, snowflakeCredentialsSchema } from './snowflake/config'
import { createBigQueryConnector } from './bigquery/connector'
import { bigqueryConfigSchema, bigqueryCredentialsSchema } from './bigquery/config'
import { createMssqlConnector } from './mssql/connector'
import { mssqlConfigSchema, mssqlCredentialsSchema } from './mssql/config'

export interface ConnectionConfigSchemas { config: z.ZodType; credentials: z.ZodType }

const FACTORIES: Partial<Record<ConnectionType, (cfg: ConnectorConfig) => Connector>> = {
  postgres: createPostgresConnector,
  redshift: (cfg) => createRedshiftConnector(cfg),
  mysql: createMysqlConnector,
  pglite: createPgliteConnector,
  snowflake: createSnowflakeConnector,
  bigquery: createBigQueryConnector,
  mssql: createMssqlConnector,
}

/** Per-type zod schemas for `config` and (write-only) `credentials`. */
export const connectionConfigSchemas: Partial<Record<ConnectionType, ConnectionConfigSchemas>> = {
  postgres: { config: postgresConfigSchema, credentials: postgresCredentialsSchema },
  redshift: { config: redshiftConfigSchema, credentials: redshiftCredentialsSchema },
  mysql: { config: mysqlConfigSchema, credentials: mysqlCredentialsSchema },
  pglite: { config: pgliteConfigSchema, credentials: pgliteCredentialsSchema },
  snowflake: { config: snowflakeConfigSchema, credentials: snowflakeCredentialsSchema },
  bigquery: { config: bigqueryConfigSchema, credentials: bigqueryCredentialsSchema },
  mssql: { config: mssqlConfigSchema, credentials: mssqlCredentialsSchema },
}

export function createConnector(cfg: ConnectorConfig): Connector {
  const factory = FACTORIES[cfg.type]
  if (!factory) throw new ConnectorError('invalid_config', cfg.type, `unsupported connection type ${cfg.type}`)
  return factory(cfg)
}
