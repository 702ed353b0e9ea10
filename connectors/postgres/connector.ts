// The PostgreSQL connector (node-postgres + pg-cursor).
import type { Connector, ConnectorConfig } from '../connector'
import { resolveOptions } from '../shared/options'
import { parseConnection } from '../shared/parse-config'
import { tlsOptions } from '../shared/tls'
import { postgresConfigSchema, postgresCredentialsSchema } from './config'
import { introspectPostgres } from './introspect'
import { postgresPrivileges } from './privileges'
import { createPgFamilyConnector, pgVersion } from './pg-family'

export function createPostgresConnector(cfg: ConnectorConfig): Connector {
  const { config, credentials } = parseConnection('postgres', cfg, { config: postgresConfigSchema, credentials: postgresCredentialsSchema })
  return createPgFamilyConnector({
    type: 'postgres',
    dialect: 'postgres',
    client: {
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      password: credentials.password,
      ssl: tlsOptions({ mode: config.ssl, ca: config.ssl_ca, cert: config.ssl_cert, key: credentials.ssl_key, keyPassphrase: credentials.ssl_key_passphrase }),
    },
    options: resolveOptions(cfg.options),
    introspect: introspectPostgres,
    privileges: postgresPrivileges,
    defaultSchemas: config.schemas,
    version: pgVersion,
    resolveHost: cfg.resolveHost,
  })
}
