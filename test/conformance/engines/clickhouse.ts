// ClickHouse (18.16 here, HTTP 127.0.0.1:18123) via @clickhouse/client.
// Columns are Nullable only where the fixture holds nulls. TIME is DateTime,
// whose precision is one second on 18.16 (no DateTime64): fractions are cut.
// The server has no query parameters, so this adapter refuses params: the
// clickhouse dialect must inline escaped literals.
import { ClickHouseLogLevel, createClient, type ClickHouseSettings } from '@clickhouse/client'
import { SERVICES } from '../../support/services'
import type { FixtureColumnType, FixtureTable, FixtureValue } from '../fixtures'
import { EngineError, batchSize, chunks, isStaleSchema, randomSchemaName, timeLiteral, type EngineAdapter, type QueryResult, type QueryRole } from './engine'

const TYPES: Record<FixtureColumnType, string> = {
  STRING: 'String',
  INT: 'Int64',
  FLOAT: 'Float64',
  BOOLEAN: 'UInt8',
  TIME: 'DateTime',
}

/**
 * Settings for the hand-written check queries only, which assume standard SQL:
 * `join_use_nulls=1` (outer joins yield NULL for missing rows; the default
 * fills in 0/'' instead) and `join_default_strictness='ALL'` (18.16 otherwise
 * rejects a JOIN written without ANY/ALL).
 */
export const CHECK_QUERY_SETTINGS: ClickHouseSettings = {
  join_use_nulls: 1,
  join_default_strictness: 'ALL',
}

/**
 * Our compiled SQL runs as connectors/clickhouse sends it: server defaults
 * (join_use_nulls=0 included) plus readonly=1, which also refuses any SETTINGS
 * clause in the SQL. The compiler must be right under these.
 */
export const COMPILED_QUERY_SETTINGS: ClickHouseSettings = {
  readonly: '1',
}

const q = (id: string) => `\`${id.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``

function value(v: FixtureValue, type: FixtureColumnType): unknown {
  if (v === null) return null
  if (type === 'TIME') return timeLiteral(v as string, 0)
  if (type === 'BOOLEAN') return v ? 1 : 0
  return v
}

export async function openClickhouse(opts: { url?: string; requestTimeoutMs?: number } = {}): Promise<EngineAdapter> {
  const client = createClient({
    url: opts.url ?? `http://${SERVICES.clickhouse.host}:${SERVICES.clickhouse.port}`,
    // Conformance queries are small; the client's default 30 s request timeout applies unless overridden.
    ...(opts.requestTimeoutMs ? { request_timeout: opts.requestTimeoutMs } : {}),
    // Integers as JSON numbers; a format setting, it changes no query semantics.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    // Failed statements are reported by the runner; the client's own error log would only duplicate them.
    log: { level: ClickHouseLogLevel.OFF },
  })
  const ping = await client.ping()
  if (!ping.success) {
    await client.close()
    throw new EngineError('clickhouse', `cannot connect: ${String((ping as { error?: Error }).error?.message ?? 'ping failed')}`)
  }
  const leftovers = await (await client.query({ query: `SELECT name FROM system.databases WHERE name LIKE 'mf\\_conf\\_%'`, format: 'JSONEachRow' })).json<{ name: string }>()
  for (const { name } of leftovers) if (isStaleSchema(name)) await client.command({ query: `DROP DATABASE IF EXISTS ${q(name)}` })
  const schema = randomSchemaName()
  await client.command({ query: `CREATE DATABASE ${q(schema)}` })
  let closed = false
  return {
    name: 'clickhouse',
    dialect: 'clickhouse',
    schema,
    async load(tables: FixtureTable[]) {
      for (const t of tables) {
        const cols = t.columns.map((c) => `${q(c.name)} ${c.nullable ? `Nullable(${TYPES[c.type]})` : TYPES[c.type]}`)
        await client.command({ query: `CREATE TABLE ${q(schema)}.${q(t.name)} (${cols.join(', ')}) ENGINE = Memory` })
        for (const rows of chunks(t.rows, batchSize(t.columns.length, 200_000, 20_000))) {
          const values = rows.map((r) => Object.fromEntries(r.map((v, i) => [t.columns[i].name, value(v, t.columns[i].type)])))
          await client.insert({ table: `${schema}.${t.name}`, values, format: 'JSONEachRow' })
        }
      }
    },
    async query(sql: string, params: unknown[] = [], opts: { role?: QueryRole } = {}): Promise<QueryResult> {
      if (params.length > 0) {
        throw new EngineError('clickhouse', `got ${params.length} bind parameters, but ClickHouse 18.16 has none: the dialect must inline literals`)
      }
      try {
        const settings = opts.role === 'check' ? CHECK_QUERY_SETTINGS : COMPILED_QUERY_SETTINGS
        const rs = await client.query({ query: sql, format: 'JSONCompact', clickhouse_settings: settings })
        const body = await rs.json<unknown[]>()
        return { columns: body.meta?.map((m) => m.name) ?? [], rows: body.data }
      } catch (err) {
        throw new EngineError('clickhouse', (err as Error).message, { cause: err })
      }
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await client.command({ query: `DROP DATABASE IF EXISTS ${q(schema)}` })
      } finally {
        await client.close()
      }
    },
  }
}
