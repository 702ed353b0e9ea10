// The one place that knows each connection type: the SQL dialect it speaks,
// the schema unqualified names resolve to, the config and credentials the
// Connections API accepts, what its connector can do, and how to build that
// connector. Every connector module is imported on first use (the cloud
// drivers — snowflake-sdk, @google-cloud/bigquery, mssql — are heavy), but
// the settings are validated right away, so a bad stored config fails where
// it is created. Adding an engine is one entry here (see README.md).
import type { PGlite } from '@electric-sql/pglite'
import { z } from 'zod'
import type { DialectName } from '../semantic/types'
import { bigqueryConfigSchema, bigqueryCredentialsSchema } from './bigquery/config'
import { clickhouseConfigSchema, clickhouseCredentialsSchema } from './clickhouse/config'
import { CONNECTION_TYPES, ConnectorError, type ConnectionType, type Connector, type ConnectorConfig, type LoginPrivileges, type RowBatch, type SchemaInfo, type StreamOptions } from './connector'
import { mssqlConfigSchema, mssqlCredentialsSchema } from './mssql/config'
import { mysqlConfigSchema, mysqlCredentialsSchema } from './mysql/config'
import { pgliteConfigSchema, pgliteCredentialsSchema } from './pglite/config'
import { PG_DEFAULT_SCHEMA, postgresConfigSchema, postgresCredentialsSchema } from './postgres/config'
import { redshiftConfigSchema, redshiftCredentialsSchema } from './redshift/config'
import { parseConnection } from './shared/parse-config'
import { uncheckedPrivileges } from './shared/privileges'
import { snowflakeConfigSchema, snowflakeCredentialsSchema } from './snowflake/config'

/**
 * `config` is stored in clear and returned by GET; `credentials` are
 * write-only and stored encrypted. Objects are strict: unknown fields are errors.
 */
export interface ConnectionSchemas {
  config: z.ZodType<Record<string, unknown>>
  credentials: z.ZodType<Record<string, unknown>>
}

/** What a connection type's connector can do, for callers that must not assume. */
export interface ConnectionCapabilities {
  /** `privileges()` reads the login's grants; false: it always reports `unknown` (the grants are not readable). */
  readsGrants: boolean
  /** Runs inside the server process (no network, no host policy); only the demo warehouse is offered through the API. */
  embedded: boolean
}

/** In-process resources a connector may use instead of opening its own. */
export interface ConnectorDeps {
  /** The PGlite instance behind a `pglite` connection (the demo warehouse); stays owned by the caller. */
  pglite?: PGlite
}

type Factory = (cfg: ConnectorConfig, deps: ConnectorDeps) => Connector

export interface BuildTarget { schema?: string; database?: string }

export interface ConnectionTypeEntry {
  readonly dialect: DialectName
  /** What the Connections API accepts for this type. */
  readonly schemas: ConnectionSchemas
  /** What the connector itself accepts from a stored record, when it differs from the API's (PGlite: a data directory, for operators). */
  readonly connectorSchemas?: ConnectionSchemas
  /** The schema unqualified table names resolve to on this connection, when it is known. */
  defaultSchema(config: Record<string, unknown>): string | undefined
  /** Where a dbt project built on this connection puts its models (dbt's target schema/dataset, and database): where `ref('x')` lands. */
  buildTarget(config: Record<string, unknown>): BuildTarget
  readonly capabilities: ConnectionCapabilities
  /** The connector module, imported on first use. */
  load(): Promise<Factory>
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
const first = (v: unknown) => (Array.isArray(v) ? str(v[0]) : undefined)
/** The Postgres family: the first introspected schema, else public. */
const pgBuildTarget = (c: Record<string, unknown>): BuildTarget => ({ schema: first(c.schemas) ?? 'public' })
const network = (readsGrants: boolean): ConnectionCapabilities => ({ readsGrants, embedded: false })

/**
 * Through the API a tenant may only point an embedded connection at the demo
 * warehouse: an arbitrary data directory could be the metadata store, and each
 * in-memory instance costs hundreds of megabytes.
 */
const pgliteApiConfigSchema: z.ZodType<Record<string, unknown>> = z.record(z.string(), z.unknown()).superRefine((c, ctx) => {
  if (c.demo === true && Object.keys(c).length === 1) return
  ctx.addIssue({ code: 'custom', message: 'embedded (pglite) connections can only be the demo warehouse: {"demo": true}', params: { issue: 'not_allowed' } })
})

const pgliteConnectorSchemas = { config: pgliteConfigSchema, credentials: pgliteCredentialsSchema }

export const CONNECTION_REGISTRY: Readonly<Record<ConnectionType, ConnectionTypeEntry>> = Object.freeze({
  postgres: {
    dialect: 'postgres',
    schemas: { config: postgresConfigSchema, credentials: postgresCredentialsSchema },
    defaultSchema: () => PG_DEFAULT_SCHEMA,
    buildTarget: pgBuildTarget,
    capabilities: network(true),
    load: async () => (await import('./postgres/connector')).createPostgresConnector,
  },
  redshift: {
    dialect: 'redshift',
    schemas: { config: redshiftConfigSchema, credentials: redshiftCredentialsSchema },
    defaultSchema: () => PG_DEFAULT_SCHEMA,
    buildTarget: pgBuildTarget,
    capabilities: network(true),
    load: async () => {
      const { createRedshiftConnector } = await import('./redshift/connector')
      return (cfg) => createRedshiftConnector(cfg)
    },
  },
  mysql: {
    dialect: 'mysql',
    schemas: { config: mysqlConfigSchema, credentials: mysqlCredentialsSchema },
    defaultSchema: (c) => str(c.database),
    buildTarget: (c) => ({ schema: str(c.database) }),
    capabilities: network(true),
    load: async () => (await import('./mysql/connector')).createMysqlConnector,
  },
  clickhouse: {
    dialect: 'clickhouse',
    schemas: { config: clickhouseConfigSchema, credentials: clickhouseCredentialsSchema },
    defaultSchema: (c) => str(c.database),
    buildTarget: (c) => ({ schema: str(c.database) ?? 'default' }),
    capabilities: network(true),
    load: async () => {
      const { createClickhouseConnector } = await import('./clickhouse/connector')
      return (cfg) => createClickhouseConnector(cfg)
    },
  },
  snowflake: {
    dialect: 'snowflake',
    schemas: { config: snowflakeConfigSchema, credentials: snowflakeCredentialsSchema },
    defaultSchema: (c) => str(c.schema),
    buildTarget: (c) => ({ database: str(c.database), schema: str(c.schema) ?? 'PUBLIC' }),
    capabilities: network(false),
    load: async () => (await import('./snowflake/connector')).createSnowflakeConnector,
  },
  bigquery: {
    dialect: 'bigquery',
    schemas: { config: bigqueryConfigSchema, credentials: bigqueryCredentialsSchema },
    defaultSchema: () => undefined,
    buildTarget: (c) => ({ schema: str(c.dataset) ?? first(c.datasets) }),
    capabilities: network(false),
    load: async () => (await import('./bigquery/connector')).createBigQueryConnector,
  },
  mssql: {
    dialect: 'mssql',
    schemas: { config: mssqlConfigSchema, credentials: mssqlCredentialsSchema },
    defaultSchema: () => 'dbo',
    buildTarget: () => ({ schema: 'dbo' }),
    capabilities: network(true),
    load: async () => (await import('./mssql/connector')).createMssqlConnector,
  },
  pglite: {
    dialect: 'postgres',
    schemas: { config: pgliteApiConfigSchema, credentials: z.object({}) },
    connectorSchemas: pgliteConnectorSchemas,
    defaultSchema: () => 'public',
    buildTarget: pgBuildTarget,
    capabilities: { readsGrants: true, embedded: true },
    load: async () => {
      const { createPgliteConnector } = await import('./pglite/connector')
      return (cfg, deps) => {
        if (!deps.pglite) return createPgliteConnector(cfg)
        const { config } = parseConnection('pglite', cfg, pgliteConnectorSchemas)
        return createPgliteConnector({ db: deps.pglite, schemas: config.schemas as string[] | undefined, options: cfg.options })
      }
    },
  },
} satisfies Record<ConnectionType, ConnectionTypeEntry>)

export function isConnectionType(x: unknown): x is ConnectionType {
  return typeof x === 'string' && (CONNECTION_TYPES as readonly string[]).includes(x)
}

function entryOf(type: string): ConnectionTypeEntry {
  if (!isConnectionType(type)) {
    throw new ConnectorError('invalid_config', 'postgres', `unknown connection type ${JSON.stringify(String(type)).slice(0, 60)}`)
  }
  return CONNECTION_REGISTRY[type]
}

/** The SQL dialect the compiler must target for a connection type (the embedded PGlite speaks Postgres). */
export function dialectOf(type: ConnectionType | string): DialectName {
  return entryOf(type).dialect
}

/** The schema unqualified table names resolve to on this connection, when it is known. */
export function defaultSchemaOf(conn: { type: ConnectionType | string; config: unknown }): string | undefined {
  return entryOf(conn.type).defaultSchema((conn.config ?? {}) as Record<string, unknown>)
}

/** Where `ref('x')` of a dbt project lands on this connection (see ConnectionTypeEntry.buildTarget). */
export function buildTargetOf(conn: { type: ConnectionType | string; config: unknown }): BuildTarget {
  return entryOf(conn.type).buildTarget((conn.config ?? {}) as Record<string, unknown>)
}

/** One problem, located for the API's error `details` (`path` like `config.port`). */
export interface ConfigIssue {
  path: string
  issue: string
  message: string
}

export type ConfigValidation =
  | { ok: true; config: Record<string, unknown>; credentials: Record<string, unknown> }
  | { ok: false; issues: ConfigIssue[] }

/** Unknown fields named one by one per object; the rest are counted. */
const MAX_UNKNOWN_FIELDS = 5

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s)

/**
 * Validates a Connections API body's `config` and `credentials` for `type`,
 * with defaults applied on success. Each problem is located at its own path
 * (an unknown field too: `config.colour`); issues name fields and never echo
 * values (which may be secrets).
 */
export function validateConnectionConfig(type: ConnectionType, input: { config?: unknown; credentials?: unknown }): ConfigValidation {
  const { schemas } = entryOf(type)
  const issues: ConfigIssue[] = []
  const parse = (schema: z.ZodType<Record<string, unknown>>, value: unknown, prefix: 'config' | 'credentials') => {
    const r = schema.safeParse(value ?? {})
    if (r.success) return r.data
    for (const i of r.error.issues) {
      const path = clip([prefix, ...i.path.map(String)].join('.'), 200)
      if (i.code === 'unrecognized_keys') {
        // Each at its own path (`config.colour`), but only the first few: a
        // body of many thousand fields must not come back as many thousand details.
        for (const k of i.keys.slice(0, MAX_UNKNOWN_FIELDS)) issues.push({ path: clip(`${path}.${clip(k, 64)}`, 200), issue: 'unrecognized_key', message: 'unknown field' })
        const more = i.keys.length - MAX_UNKNOWN_FIELDS
        if (more > 0) issues.push({ path, issue: 'unrecognized_keys', message: `${more} more unknown field${more > 1 ? 's' : ''}` })
        continue
      }
      const issue = i.code === 'custom' && typeof i.params?.issue === 'string' ? i.params.issue : i.code
      // zod's wording can say what it received: never for a credential.
      const message = prefix === 'credentials' ? i.message.replace(/,?\s*received .*/i, '') : i.message
      issues.push({ path, issue, message: clip(message, 300) })
    }
    return {}
  }
  const config = parse(schemas.config, input.config, 'config')
  const credentials = parse(schemas.credentials, input.credentials, 'credentials')
  return issues.length ? { ok: false, issues } : { ok: true, config, credentials }
}

/** A connector whose module loads on first use; behaves exactly like the real one. */
function lazyConnector(type: ConnectionType, entry: ConnectionTypeEntry, build: (factory: Factory) => Connector): Connector {
  let real: Promise<Connector> | undefined
  let closed = false
  const get = () => {
    if (closed) return Promise.reject(new ConnectorError('invalid_config', type, 'this connector has been closed'))
    real ??= entry.load().then(build).catch((err: unknown) => {
      real = undefined
      throw err instanceof ConnectorError ? err : new ConnectorError('invalid_config', type, `the ${type} connector could not be loaded`, err)
    })
    return real
  }
  return {
    type,
    dialect: entry.dialect,
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

/**
 * Builds the connector for a stored connection. Throws ConnectorError
 * `invalid_config` (naming fields, never values) when the settings do not
 * validate. Opens nothing (and loads no driver) until the first call; call
 * close() when done.
 */
export function createConnector(cfg: ConnectorConfig, deps: ConnectorDeps = {}): Connector {
  const entry = entryOf(cfg.type)
  // Validate now, so a bad stored config fails where it is created.
  parseConnection(cfg.type, cfg, entry.connectorSchemas ?? entry.schemas)
  return lazyConnector(cfg.type, entry, (factory) => factory(cfg, deps))
}

/**
 * createConnector's eager twin: validates, loads the engine's module now and
 * answers the real connector. For callers that must not pay the first load
 * inside a query's time limit (the demo warehouse's thread, before it says ready).
 */
export async function loadConnector(cfg: ConnectorConfig, deps: ConnectorDeps = {}): Promise<Connector> {
  const entry = entryOf(cfg.type)
  parseConnection(cfg.type, cfg, entry.connectorSchemas ?? entry.schemas)
  return (await entry.load())(cfg, deps)
}
