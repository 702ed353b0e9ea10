// PGlite (Postgres in WASM): always available, so it is the engine every
// conformance run can use. One instance is heavy (~700 MB): callers may pass
// a shared one, which close() then leaves open.
import { PGlite } from '@electric-sql/pglite'
import type { FixtureTable } from '../fixtures'
import { EngineError, randomSchemaName, type EngineAdapter, type QueryResult } from './engine'
import { PG_TEXT_TYPE_OIDS, pgCreateTable, pgInsertStatements } from './postgres-sql'

const identity = (x: string) => x
const PARSERS = Object.fromEntries(PG_TEXT_TYPE_OIDS.map((oid) => [oid, identity]))

export async function openPglite(opts: { instance?: PGlite } = {}): Promise<EngineAdapter> {
  const owned = !opts.instance
  const db = opts.instance ?? new PGlite()
  await db.waitReady
  const schema = randomSchemaName()
  await db.exec(`CREATE SCHEMA "${schema}"`)
  let closed = false
  return {
    name: 'pglite',
    dialect: 'postgres',
    schema,
    async load(tables: FixtureTable[]) {
      for (const t of tables) {
        await db.exec(pgCreateTable(schema, t))
        for (const s of pgInsertStatements(schema, t)) await db.query(s.sql, s.params)
      }
    },
    async query(sql: string, params: unknown[] = []): Promise<QueryResult> {
      try {
        const res = await db.query<unknown[]>(sql, params, { rowMode: 'array', parsers: PARSERS })
        return { columns: res.fields.map((f) => f.name), rows: res.rows }
      } catch (err) {
        throw new EngineError('pglite', (err as Error).message, { cause: err })
      }
    },
    async close() {
      if (closed) return
      closed = true
      try {
        await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      } finally {
        if (owned) await db.close()
      }
    },
  }
}
