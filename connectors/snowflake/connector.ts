// Snowflake through snowflake-sdk. Each query runs on a pooled session with
// MULTI_STATEMENT_COUNT=1 (a second statement is refused by Snowflake itself),
// STATEMENT_TIMEOUT_IN_SECONDS and ROWS_PER_RESULTSET as statement parameters,
// and is streamed with streamRows(): the SDK downloads result chunks as we
// pull, so memory stays flat. Long queries come back as 333334 "in progress"
// and are polled by the SDK; stopping (abort, timeout) cancels the statement
// in Snowflake through its abort-request. The streaming rules (batches, row
// cap, time limit, pool slot) are the shared ones in connectors/shared.
import type { Readable } from 'node:stream'
import type { Connection, ConnectionOptions, FileAndStageBindStatement, RowStatement } from 'snowflake-sdk'
import { ConnectorError, type Connector, type ConnectorConfig, type RowBatch, type SchemaInfo, type StreamOptions } from '../connector'
import { streamBatches, type RowSource } from '../shared/batches'
import { Gate } from '../shared/gate'
import { resolveOptions, type ResolvedOptions } from '../shared/options'
import { parseConnection } from '../shared/parse-config'
import { ChunkReader } from '../shared/readable'
import { snowflakeConfigSchema, snowflakeCredentialsSchema, type SnowflakeConfig, type SnowflakeCredentials } from './config'
import { assertValuesWithinCap } from './answer-cap'
import { toConnectorError } from './errors'
import { introspectSnowflake } from './introspect'
import { snowflakePrivileges } from './privileges'
import { SessionPool } from './pool'
import { loadSnowflakeSdk } from './sdk'
import { withSnowflakeOutbound } from './outbound'
import { convertRow, planColumn, toSnowflakeBind, type ColumnPlan } from './values'

/** Catalog queries get at least this long, whatever the query time limit. */
const INTROSPECT_TIMEOUT_MS = 120_000

type Statement = RowStatement | FileAndStageBindStatement

export function createSnowflakeConnector(cfg: ConnectorConfig): Connector {
  const { config, credentials } = parseConnection('snowflake', cfg, { config: snowflakeConfigSchema, credentials: snowflakeCredentialsSchema })
  const options = resolveOptions(cfg.options)
  const gate = new Gate(options.poolMax, 'snowflake')
  // Every SDK call runs here, so the HTTP it leads to meets this connection's network policy (outbound.ts).
  const outbound = <T>(run: () => T): T => withSnowflakeOutbound(cfg.resolveHost, run)
  const sessions = new SessionPool<Connection>({
    idleMs: options.idleMs,
    create: () => outbound(() => login(config, credentials, options)),
    destroy: (conn) => outbound(() => new Promise<void>((resolve) => conn.destroy(() => resolve()))),
  })
  let closed = false

  async function open(q: { sql: string; params: unknown[] }, o: StreamOptions): Promise<RowSource> {
    if (closed) throw new ConnectorError('invalid_config', 'snowflake', 'this connector has been closed')
    const binds = bindsOf(q.params)
    const conn = await sessions.acquire()
    let stmt!: Statement
    const executed = new Promise<void>((resolve, reject) => outbound(() => {
      stmt = conn.execute({
        sqlText: q.sql,
        binds,
        streamResult: true,
        rowMode: 'array',
        // Exact decimal text; converted per column in values.ts.
        fetchAsString: ['Number'],
        parameters: {
          MULTI_STATEMENT_COUNT: 1,
          STATEMENT_TIMEOUT_IN_SECONDS: Math.max(1, Math.ceil(o.timeoutMs / 1000)),
          // One row past the cap is all we need to know the result was cut short.
          ROWS_PER_RESULTSET: o.maxRows + 1,
        },
        complete: (err) => (err ? reject(err) : resolve()),
      })
    }))
    executed.catch(() => {}) // observed by read(); a stopped query may never read

    let plans: ColumnPlan[] = []
    let rows: Readable | undefined
    let reader: ChunkReader<unknown[]> | undefined
    let released = false
    return {
      columns: () => plans.map((p) => p.column),
      read: (max) => outbound(async () => {
        if (!reader) {
          await executed
          plans = (stmt.getColumns() ?? []).map(planColumn)
          rows = stmt.streamRows()
          reader = new ChunkReader<unknown[]>(rows)
        }
        const chunk = await reader.read(max)
        if (chunk) assertValuesWithinCap(chunk)
        return chunk && chunk.map((r) => convertRow(plans, r))
      }),
      // POST /queries/{id}/abort-request (or by request id before the id is known).
      cancel: () => outbound(() => new Promise<void>((resolve) => stmt.cancel(() => resolve()))),
      async close() {
        if (released) return
        released = true
        // Stops chunk downloads of a result we no longer read. A cancelled
        // statement leaves the HTTP session itself healthy, so it is reused.
        rows?.destroy()
        sessions.release(conn)
      },
    }
  }

  function stream(q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch> {
    return streamBatches({
      dialect: 'snowflake',
      options: o,
      gate,
      acquireTimeoutMs: options.acquireTimeoutMs,
      // Our timer and STATEMENT_TIMEOUT_IN_SECONDS (rounded up) agree; ours cancels.
      backstopMs: 0,
      open: () => open(q, o),
      mapError: (err) => toConnectorError(err, 'query'),
    })
  }

  async function collect(sql: string, params: unknown[], timeoutMs: number): Promise<unknown[][]> {
    const out: unknown[][] = []
    for await (const b of stream({ sql, params }, { signal: new AbortController().signal, maxRows: 10_000_000, timeoutMs })) out.push(...b.rows)
    return out
  }

  return {
    type: 'snowflake',
    dialect: 'snowflake',
    pool: gate,
    async test() {
      const started = performance.now()
      const rows = await collect('SELECT CURRENT_VERSION()', [], options.connectTimeoutMs + 10_000)
      return { ok: true as const, version: `Snowflake ${String(rows[0]?.[0] ?? 'unknown')}`, latency_ms: Math.round(performance.now() - started) }
    },
    introspect(opts?: { schemas?: string[] }): Promise<SchemaInfo> {
      return introspectSnowflake({
        database: config.database,
        schemas: opts?.schemas,
        query: (sql, params) => collect(sql, params, Math.max(options.timeoutMs, INTROSPECT_TIMEOUT_MS)),
      })
    },
    stream,
    privileges: snowflakePrivileges,
    async close() {
      if (closed) return
      closed = true
      await sessions.close()
    },
  }
}

/** Opens one Snowflake session; errors keep the driver's code. */
async function login(config: SnowflakeConfig, credentials: SnowflakeCredentials, options: ResolvedOptions): Promise<Connection> {
  const sdk = await loadSnowflakeSdk()
  const auth: Partial<ConnectionOptions> = credentials.private_key
    ? { authenticator: 'SNOWFLAKE_JWT', privateKey: credentials.private_key, ...(credentials.private_key_passphrase && { privateKeyPass: credentials.private_key_passphrase }) }
    : { password: credentials.password }
  const conn = sdk.createConnection({
    account: config.account,
    username: credentials.username,
    ...auth,
    ...(config.access_url && { accessUrl: config.access_url }),
    database: config.database,
    ...(config.schema && { schema: config.schema }),
    ...(config.warehouse && { warehouse: config.warehouse }),
    ...(config.role && { role: config.role }),
    ...(config.query_tag && { queryTag: config.query_tag }),
    application: 'Nexatron',
    // The SDK's default retries a failed login for up to 5 minutes; a user
    // testing a connection wants the answer now.
    sfRetryMaxLoginRetries: 1,
    clientSessionKeepAlive: false,
    clientStoreTemporaryCredential: false,
    clientRequestMFAToken: false,
    // SQL NULL as null, not the string "NULL", for values fetched as strings.
    representNullAsStringNull: false,
  })
  return new Promise<Connection>((resolve, reject) => {
    const timer = setTimeout(() => {
      conn.destroy(() => {})
      reject(new ConnectorError('unreachable', 'snowflake', `Snowflake did not answer the login within ${options.connectTimeoutMs} ms`))
    }, options.connectTimeoutMs)
    conn.connect((err) => {
      clearTimeout(timer)
      if (err) reject(toConnectorError(err, 'login'))
      else resolve(conn)
    })
  })
}

function bindsOf(params: unknown[]): Array<string | number | boolean | null> {
  try {
    return params.map(toSnowflakeBind)
  } catch (err) {
    throw new ConnectorError('query_failed', 'snowflake', `Invalid query parameter: ${(err as Error).message}`)
  }
}
