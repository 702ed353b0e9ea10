// Real PostgreSQL (127.0.0.1:5432, trust auth) through node-postgres.
import pg from 'pg'
import { SERVICES } from '../../support/services'
import type { FixtureTable } from '../fixtures'
import { EngineError, isStaleSchema, randomSchemaName, type EngineAdapter, type QueryResult } from './engine'
import { PG_TEXT_TYPE_OIDS, pgCreateTable, pgInsertStatements } from './postgres-sql'

const TEXT_OIDS = new Set(PG_TEXT_TYPE_OIDS)
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TEXT_OIDS.has(oid) ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

export async function openPostgres(opts: { url?: string; statementTimeoutMs?: number } = {}): Promise<EngineAdapter> {
  const client = new pg.Client({
    connectionString: opts.url ?? SERVICES.postgres.url,
    statement_timeout: opts.statementTimeoutMs ?? 120_000,
    types,
  })
  try {
    await client.connect()
  } catch (err) {
    // The message of a connection error never contains the password; the URL is not echoed.
    throw new EngineError('postgres', `cannot connect: ${(err as Error).message}`, { cause: err })
  }
  const leftovers = await client.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'mf\\_conf\\_%'`)
  for (const { name } of leftovers.rows) if (isStaleSchema(name)) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)
  const schema = randomSchemaName()
  await client.query(`CREATE SCHEMA "${schema}"`)
  let closed = false
  return {
    name: 'postgres',
    dialect: 'postgres',
    schema,
    async load(tables: FixtureTable[]) {
      for (const t of tables) {
        await client.query(pgCreateTable(schema, t))
        for (const s of pgInsertStatements(schema, t)) await client.query(s.sql, s.params)
      }
    },
    async query(sql: string, params: unknown[] = []): Promise<QueryResult> {
      try {
        const res = await client.query({ text: sql, values: params, rowMode: 'array' })
        return { columns: res.fields.map((f) => f.name), rows: res.rows as unknown[][] }
      } catch (err) {
        throw new EngineError('postgres', (err as Error).message, { cause: err })
      }
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}
