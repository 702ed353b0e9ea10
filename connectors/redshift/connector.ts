// The Amazon Redshift connector: the node-postgres engine (Redshift speaks the
// Postgres 8 wire protocol) with Redshift's catalog and version string.
import type { Connector, ConnectorConfig } from '../connector'
import { createPgFamilyConnector, pgVersion } from '../postgres/pg-family'
import { resolveOptions } from '../shared/options'
import { parseConnection } from '../shared/parse-config'
import { tlsOptions } from '../shared/tls'
import { redshiftConfigSchema, redshiftCredentialsSchema } from './config'
import { introspectRedshift, type RedshiftIntrospectOptions } from './introspect'
import { redshiftPrivileges } from './privileges'

/** `... Redshift 1.0.54899` → `Redshift 1.0.54899` (Postgres' own string otherwise). */
export function redshiftVersion(text: string): string {
  const m = /Redshift\s+([\d.]+)/i.exec(text)
  return m ? `Redshift ${m[1]}` : pgVersion(text)
}

export function createRedshiftConnector(cfg: ConnectorConfig, internal: RedshiftIntrospectOptions = {}): Connector {
  const { config, credentials } = parseConnection('redshift', cfg, { config: redshiftConfigSchema, credentials: redshiftCredentialsSchema })
  return createPgFamilyConnector({
    type: 'redshift',
    dialect: 'redshift',
    client: {
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      password: credentials.password,
      ssl: tlsOptions({ mode: config.ssl, ca: config.ssl_ca }),
    },
    options: resolveOptions(cfg.options),
    introspect: introspectRedshift(internal),
    privileges: redshiftPrivileges,
    defaultSchemas: config.schemas,
    version: redshiftVersion,
    resolveHost: cfg.resolveHost,
  })
}
