// Maps a connection type to its connector. The cloud drivers (snowflake-sdk,
// @google-cloud/bigquery, mssql) are heavy to load, so their modules are
// imported on first use; the settings are still validated right away.
import type { PGlite } from '@electric-sql/pglite'
import type { DialectName } from '../semantic/types'
import { createClickhouseConnector } from './clickhouse/connector'
import { connectionConfigSchemas } from './config-schemas'
import { CONNECTION_TYPES, ConnectorError, type ConnectionType, type Connector, type ConnectorConfig, type LoginPrivileges, type RowBatch, type SchemaInfo, type StreamOptions } from './connector'
import { createMysqlConnector } from './mysql/connector'
import { createPgliteConnector } from './pglite/connector'
import { createPostgresConnector } from './postgres/connector'
import { createRedshiftConnector } from './redshift/connector'
import { parseConnection } from './shared/parse-config'
import { uncheckedPrivileges } from './shared/privileges'

export { connectionConfigSchemas, validateConnectionConfig, type ConfigIssue, type ConfigValidation, type ConnectionSchemas } from './config-schemas'

/** The SQL dialect the compiler must target for each connection type. */
export const DIALECT_OF: Readonly<Record<ConnectionType, DialectName>> = Object.freeze({
  postgres: 'postgres',
  pglite: 'postgres',
  redshift: 'redshift',
  mysql: 'mysql',
  clickhouse: 'clickhouse',
  snowflake: 'snowflake',
  bigquery: 'bigquery',
  mssql: 'mssql',
})

export function isConnectionType(x: unknown): x is ConnectionType {
  return typeof x === 'string' && (CONNECTION_TYPES as readonly string[]).includes(x)
}

/** In-process resources a connector may use instead of opening its own. */
export interface ConnectorDeps {
  /** The PGlite instance behind a `pglite` connection (the demo warehouse); stays owned by the caller. */
  pglite?: PGlite
}

type Factory = (cfg: ConnectorConfig) => Connector | Promise<Connector>

/** A connector whose module loads on first use; behaves exactly like the real one. */
function lazyConnector(type: ConnectionType, load: () => Promise<Connector>): Connector {
  let real: Promise<Connector> | undefined
  let closed = false
  const get = () => {
    if (closed) return Promise.reject(new ConnectorError('invalid_config', type, 'this connector has been closed'))
    real ??= load().catch((err: unknown) => {
      real = undefined
      throw err instanceof ConnectorError ? err : new ConnectorError('invalid_config', type, `the ${type} connector could not be loaded`, err)
    })
    return real
  }
  return {
    type,
    dialect: DIALECT_OF[type],
    test: async () => (await get()).test(),
    introspect: async (opts?: { schemas?: string[] }): Promise<SchemaInfo> => (await get()).introspect(opts),
    stream: (q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch> => ({
      async *[Symbol.asyncIterator]() {
        yield* (await get()).stream(q, o)
      },
    }),
    async privileges(): Promise<LoginPrivileges> {
      const c = await get()
      return c.privileges ? c.privileges() : uncheckedPrivileges(`the ${type} connector does not check its login's privileges`)
    },
    async close() {
      if (closed) return
      closed = true
      if (real) await (await real.catch(() => undefined))?.close()
    },
  }
}

const CLOUD: Partial<Record<ConnectionType, Factory>> = {
  snowflake: async (cfg) => (await import('./snowflake/connector')).createSnowflakeConnector(cfg),
  bigquery: async (cfg) => (await import('./bigquery/connector')).createBigQueryConnector(cfg),
  mssql: async (cfg) => (await import('./mssql/connector')).createMssqlConnector(cfg),
}

/**
 * Builds the connector for a stored connection. Throws ConnectorError
 * `invalid_config` (naming fields, never values) when the settings do not
 * validate. Opens nothing until the first call; call close() when done.
 */
export function createConnector(cfg: ConnectorConfig, deps: ConnectorDeps = {}): Connector {
  switch (cfg.type) {
    case 'postgres': return createPostgresConnector(cfg)
    case 'redshift': return createRedshiftConnector(cfg)
    case 'mysql': return createMysqlConnector(cfg)
    case 'clickhouse': return createClickhouseConnector(cfg)
    case 'pglite': {
      if (!deps.pglite) return createPgliteConnector(cfg)
      const { config } = parseConnection('pglite', cfg, connectionConfigSchemas.pglite)
      return createPgliteConnector({ db: deps.pglite, schemas: config.schemas as string[] | undefined, options: cfg.options })
    }
    case 'snowflake':
    case 'bigquery':
    case 'mssql': {
      // Validate now, so a bad stored config fails where it is created.
      parseConnection(cfg.type, cfg, connectionConfigSchemas[cfg.type])
      const factory = CLOUD[cfg.type]!
      return lazyConnector(cfg.type, async () => factory(cfg))
    }
    default: {
      const unknown: unknown = (cfg as { type: unknown }).type
      throw new ConnectorError('invalid_config', 'postgres', `unknown connection type ${JSON.stringify(String(unknown)).slice(0, 60)}`)
    }
  }
}
