// MariaDB (MySQL protocol, 127.0.0.1:3306, root without password) via mysql2.
// A schema is a database there; it is created with a binary collation so
// string comparison and GROUP BY behave like PostgreSQL's (case-sensitive).
import mysql from 'mysql2/promise'
import { SERVICES } from '../../support/services'
import type { FixtureColumnType, FixtureTable, FixtureValue } from '../fixtures'
import { EngineError, batchSize, chunks, isStaleSchema, randomSchemaName, timeLiteral, type EngineAdapter, type QueryResult } from './engine'

const TYPES: Record<FixtureColumnType, string> = {
  STRING: 'VARCHAR(255)',
  INT: 'BIGINT',
  FLOAT: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  TIME: 'DATETIME(6)',
}

/** Tables above this size get an index per column (only the time spine, in practice). */
const INDEX_ROWS = 1000

const q = (id: string) => `\`${id.replace(/`/g, '``')}\``

function value(v: FixtureValue, type: FixtureColumnType): unknown {
  if (v === null) return null
  if (type === 'TIME') return timeLiteral(v as string, 6)
  if (type === 'BOOLEAN') return v ? 1 : 0
  return v
}

export async function openMariadb(opts: { statementTimeoutS?: number } = {}): Promise<EngineAdapter> {
  let conn: mysql.Connection
  try {
    conn = await mysql.createConnection({
      host: SERVICES.mariadb.host,
      port: SERVICES.mariadb.port,
      user: 'root',
      // Dates as the server's text: no time-zone conversion by the driver.
      dateStrings: true,
      supportBigNumbers: true,
      multipleStatements: false,
    })
  } catch (err) {
    throw new EngineError('mariadb', `cannot connect: ${(err as Error).message}`, { cause: err })
  }
  await conn.query(`SET SESSION max_statement_time = ${Number(opts.statementTimeoutS ?? 60)}`)
  const [leftovers] = await conn.query({ sql: `SHOW DATABASES LIKE 'mf\\_conf\\_%'`, rowsAsArray: true })
  for (const [name] of leftovers as string[][]) if (isStaleSchema(name)) await conn.query(`DROP DATABASE IF EXISTS ${q(name)}`)
  const schema = randomSchemaName()
  await conn.query(`CREATE DATABASE ${q(schema)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  let closed = false
  return {
    name: 'mariadb',
    dialect: 'mysql',
    schema,
    async load(tables: FixtureTable[]) {
      for (const t of tables) {
        await conn.query(`CREATE TABLE ${q(schema)}.${q(t.name)} (${t.columns.map((c) => `${q(c.name)} ${TYPES[c.type]} NULL`).join(', ')})`)
        const cols = t.columns.map((c) => q(c.name)).join(', ')
        if (t.rows.length > INDEX_ROWS) {
          // MariaDB has no hash join by default: joining the 15k-row time spine on an
          // unindexed column is a nested loop that takes minutes. A warehouse's spine
          // is keyed; index its columns so both check and compiled queries get ref access.
          for (const c of t.columns) await conn.query(`CREATE INDEX ${q(`ix_${c.name}`)} ON ${q(schema)}.${q(t.name)} (${q(c.name)})`)
        }
        for (const rows of chunks(t.rows, batchSize(t.columns.length))) {
          // mysql2 expands `VALUES ?` with a nested array into escaped tuples.
          await conn.query(`INSERT INTO ${q(schema)}.${q(t.name)} (${cols}) VALUES ?`, [rows.map((r) => r.map((v, i) => value(v, t.columns[i].type)))])
        }
      }
    },
    async query(sql: string, params: unknown[] = []): Promise<QueryResult> {
      try {
        const [rows, fields] = await conn.query({ sql, rowsAsArray: true }, params)
        if (!Array.isArray(rows) || !fields) return { columns: [], rows: [] }
        return { columns: fields.map((f) => f.name), rows: rows as unknown[][] }
      } catch (err) {
        throw new EngineError('mariadb', (err as Error).message, { cause: err })
      }
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await conn.query(`DROP DATABASE IF EXISTS ${q(schema)}`)
      } finally {
        await conn.end()
      }
    },
  }
}
