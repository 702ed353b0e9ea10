// The connector contract: I/O only. A connector runs SQL it is given; it never
// builds SQL from user input (that is the semantic compiler's job) and never
// decides what is allowed (that is the SQL guard's job), but it does enforce
// read-only sessions, timeouts and row caps at the database as a second layer.
import type { DialectName } from '../semantic/types'

export type ConnectionType = DialectName | 'pglite'
export const CONNECTION_TYPES = ['postgres', 'mysql', 'snowflake', 'bigquery', 'redshift', 'mssql', 'clickhouse', 'pglite'] as const satisfies readonly ConnectionType[]

/** Normalized column type, the same across engines. */
export type ColumnType = 'string' | 'integer' | 'bigint' | 'decimal' | 'float' | 'boolean' | 'date' | 'timestamp' | 'json' | 'binary' | 'unknown'

export interface Column {
  name: string
  type: ColumnType
  /** The engine's own type name, e.g. `numeric(12,2)`, `Nullable(UInt64)`. */
  db_type?: string
  /**
   * How values travel in JSON: integers within 2^53 as numbers; bigint and
   * decimal as strings; date/timestamp as ISO 8601 strings.
   */
  json_type: 'number' | 'string' | 'boolean' | 'object' | 'null'
}

export interface TableInfo {
  schema: string
  name: string
  kind: 'table' | 'view'
  columns: Array<{ name: string; type: ColumnType; db_type: string; nullable: boolean }>
  primary_key: string[]
  foreign_keys: Array<{ columns: string[]; references: { schema: string; table: string; columns: string[] } }>
}
export interface SchemaInfo {
  schemas: string[]
  tables: TableInfo[]
}

export interface StreamOptions {
  signal: AbortSignal
  /** Stop after this many rows and report `truncated: true` on the last batch. */
  maxRows: number
  timeoutMs: number
  batchSize?: number
}
export interface RowBatch {
  /** Present on the first batch (also when the result is empty). */
  columns?: Column[]
  rows: unknown[][]
  /** Set on the last batch when maxRows cut the result short. */
  truncated?: boolean
}

export interface Connector {
  readonly type: ConnectionType
  readonly dialect: DialectName
  test(): Promise<{ ok: true; version: string; latency_ms: number }>
  introspect(opts?: { schemas?: string[] }): Promise<SchemaInfo>
  /** Rows in batches; pulling lazily gives backpressure down to the database. */
  stream(q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch>
  /**
   * What the login may do beyond reading (superuser, file access, write or DDL
   * grants, ownership), from fixed catalog queries run in the connector's own
   * read-only sessions. Connectors that cannot tell report `unknown`.
   */
  privileges?(): Promise<LoginPrivileges>
  /** The session pool's state now (read by /metrics); connectors without a pool leave it out. */
  readonly pool?: PoolState
  close(): Promise<void>
}

/** A connector's session pool: its size, sessions busy and statements waiting now, and waits since it was built. */
export interface PoolState {
  readonly size: number
  readonly inUse: number
  readonly queued: number
  readonly waitsTotal: number
  readonly timeoutsTotal: number
}

/** One thing the login may do beyond reading; `message` names grants and objects, never secrets. */
export interface PrivilegeFinding { code: string; message: string }
/** `elevated`: at least one finding; `unknown`: the check could not tell (findings say why). */
export interface LoginPrivileges { level: 'read_only' | 'elevated' | 'unknown'; findings: PrivilegeFinding[] }

export type ConnectorErrorCode = 'auth_failed' | 'unreachable' | 'timeout' | 'cancelled' | 'query_failed' | 'permission_denied' | 'pool_exhausted' | 'invalid_config'

/**
 * The one error connectors throw. `message` is safe to show a user: it never
 * contains credentials, hosts with passwords, or connection strings.
 */
export class ConnectorError extends Error {
  constructor(
    readonly code: ConnectorErrorCode,
    readonly dialect: ConnectionType,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message)
    this.name = 'ConnectorError'
  }
}

/** One address a host name resolved to. */
export interface ResolvedAddress { address: string; family: 4 | 6 }

/**
 * Resolves a host (name or IP literal) to the addresses a connection may use,
 * each already checked against the service's network policy. Rejects with a
 * `HostRefusedError` when the policy refuses an address, or an error with
 * code `ENOTFOUND` when nothing resolves. Connectors call it for every new
 * physical connection and connect to exactly the addresses it returns.
 */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>

/** The network policy refused a host or one of its addresses; `message` says why (safe to show). */
export class HostRefusedError extends Error {
  readonly code = 'EHOSTREFUSED'
  constructor(message: string) {
    super(message)
    this.name = 'HostRefusedError'
  }
}

/** What a connector factory receives: decrypted config + credentials + options. */
export interface ConnectorConfig {
  type: ConnectionType
  config: Record<string, unknown>
  credentials: Record<string, unknown>
  options?: ConnectorOptions
  /**
   * How the connector resolves host names (the service passes its network
   * policy here). Without it, drivers resolve names themselves, unchecked.
   */
  resolveHost?: HostResolver
}

/** Per-connection tuning; every field optional, defaults in connectors/shared/options.ts. */
export interface ConnectorOptions {
  max_rows?: number
  timeout_ms?: number
  /** Most sessions open at once to this database (the pool size). */
  pool_max?: number
  /** Idle pooled sessions are closed after this long. */
  idle_ms?: number
  /** How long a query may wait for a free session before failing with `pool_exhausted`. */
  acquire_timeout_ms?: number
  /** How long opening a new session may take before failing with `unreachable`. */
  connect_timeout_ms?: number
}
