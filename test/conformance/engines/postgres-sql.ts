// DDL/DML shared by the PostgreSQL-protocol engines (PGlite and PostgreSQL).
import type { FixtureColumnType, FixtureTable, FixtureValue } from '../fixtures'
import { batchSize, chunks, timeLiteral } from './engine'

const PG_TYPES: Record<FixtureColumnType, string> = {
  STRING: 'TEXT',
  INT: 'BIGINT',
  FLOAT: 'DOUBLE PRECISION',
  BOOLEAN: 'BOOLEAN',
  // Microsecond precision; nanosecond fixtures are cut (not rounded) to it.
  TIME: 'TIMESTAMP',
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`

export function pgCreateTable(schema: string, t: FixtureTable): string {
  return `CREATE TABLE ${q(schema)}.${q(t.name)} (${t.columns.map((c) => `${q(c.name)} ${PG_TYPES[c.type]}`).join(', ')})`
}

function pgValue(v: FixtureValue, type: FixtureColumnType): unknown {
  if (v === null) return null
  if (type === 'TIME') return timeLiteral(v as string, 6)
  return v
}

/** Parameterised multi-row INSERTs ($1, $2 ...), batched under the 65535-parameter limit. */
export function pgInsertStatements(schema: string, t: FixtureTable): Array<{ sql: string; params: unknown[] }> {
  const cols = t.columns.map((c) => q(c.name)).join(', ')
  const n = t.columns.length
  return chunks(t.rows, batchSize(n)).map((rows) => {
    const params: unknown[] = []
    const tuples = rows.map((r) => `(${r.map((v, i) => { params.push(pgValue(v, t.columns[i].type)); return `$${params.length}` }).join(', ')})`)
    return { sql: `INSERT INTO ${q(schema)}.${q(t.name)} (${cols}) VALUES ${tuples.join(', ')}`, params }
  })
}

// Date/time types come back as the server's text: parsing them into JS Dates
// would apply the process time zone to zone-less TIMESTAMPs.
export const PG_TEXT_TYPE_OIDS = [1082 /* date */, 1083 /* time */, 1114 /* timestamp */, 1184 /* timestamptz */, 1266 /* timetz */]
