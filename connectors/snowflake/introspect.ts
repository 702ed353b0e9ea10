// Snowflake introspection: tables and columns from the database's
// INFORMATION_SCHEMA; keys from SHOW PRIMARY KEYS / SHOW IMPORTED KEYS (Snowflake
// records, but does not enforce, them and INFORMATION_SCHEMA has no column
// mapping for constraints). Keys are best effort: a role without the needed
// privileges still gets tables and columns.
import type { SchemaInfo, TableInfo } from '../connector'
import { describeSnowflakeType, normalizeSnowflakeType } from './values'

export interface IntrospectDeps {
  database: string
  schemas?: string[]
  query: (sql: string, params: unknown[]) => Promise<unknown[][]>
}

/**
 * Identifier as Snowflake resolves it: unquoted names are case-insensitive
 * (stored upper case), so a plain name is upper-cased; anything else is
 * quoted exactly as given.
 */
export function snowflakeIdent(name: string): string {
  const resolved = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name.toUpperCase() : name
  return `"${resolved.replace(/"/g, '""')}"`
}

export async function introspectSnowflake(deps: IntrospectDeps): Promise<SchemaInfo> {
  const db = snowflakeIdent(deps.database)
  const wanted = deps.schemas?.length ? deps.schemas : undefined
  const filter = wanted ? ` AND TABLE_SCHEMA IN (${wanted.map(() => '?').join(', ')})` : ''
  const params = wanted ?? []

  const tableRows = await deps.query(
    `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM ${db}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'${filter} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    params,
  )
  const columnRows = await deps.query(
    `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE, NUMERIC_PRECISION, NUMERIC_SCALE, ORDINAL_POSITION FROM ${db}.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'${filter} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    params,
  )

  const tables = new Map<string, TableInfo>()
  const key = (schema: unknown, table: unknown) => `${String(schema)}\u0000${String(table)}`
  for (const [schema, name, type] of tableRows) {
    tables.set(key(schema, name), {
      schema: String(schema),
      name: String(name),
      kind: String(type).toUpperCase().includes('VIEW') ? 'view' : 'table',
      columns: [],
      primary_key: [],
      foreign_keys: [],
    })
  }
  for (const [schema, table, column, dataType, nullable, precision, scale] of columnRows) {
    const t = tables.get(key(schema, table))
    if (!t) continue
    const p = precision == null ? null : Number(precision)
    const s = scale == null ? null : Number(scale)
    t.columns.push({
      name: String(column),
      type: normalizeSnowflakeType(String(dataType), p, s),
      db_type: describeSnowflakeType(String(dataType), p, s),
      nullable: String(nullable).toUpperCase() === 'YES',
    })
  }

  await addKeys(deps, db, tables, key)
  const list = [...tables.values()]
  const schemas = [...new Set([...(wanted ?? []), ...list.map((t) => t.schema)])].sort()
  return { schemas, tables: list }
}

async function addKeys(deps: IntrospectDeps, db: string, tables: Map<string, TableInfo>, key: (s: unknown, t: unknown) => string): Promise<void> {
  // SHOW output columns (by position):
  // PRIMARY KEYS: created_on, database_name, schema_name, table_name, column_name, key_sequence, constraint_name, ...
  // IMPORTED KEYS: created_on, pk_database_name, pk_schema_name, pk_table_name, pk_column_name,
  //                fk_database_name, fk_schema_name, fk_table_name, fk_column_name, key_sequence, ..., fk_name, ...
  try {
    const pks = await deps.query(`SHOW PRIMARY KEYS IN DATABASE ${db}`, [])
    const ordered = [...pks].sort((a, b) => Number(a[5]) - Number(b[5]))
    for (const r of ordered) tables.get(key(r[2], r[3]))?.primary_key.push(String(r[4]))
  } catch {
    // keys are optional metadata; no privilege to see them is not an error
  }
  try {
    const fks = await deps.query(`SHOW IMPORTED KEYS IN DATABASE ${db}`, [])
    const byName = new Map<string, { table: TableInfo; fk: TableInfo['foreign_keys'][number]; seq: number[] }>()
    for (const r of fks) {
      const table = tables.get(key(r[6], r[7]))
      if (!table) continue
      const name = `${String(r[6])}.${String(r[7])}.${String(r[12])}`
      let entry = byName.get(name)
      if (!entry) {
        entry = { table, fk: { columns: [], references: { schema: String(r[2]), table: String(r[3]), columns: [] } }, seq: [] }
        byName.set(name, entry)
      }
      entry.seq.push(Number(r[9]))
      entry.fk.columns.push(String(r[8]))
      entry.fk.references.columns.push(String(r[4]))
    }
    for (const { table, fk, seq } of byName.values()) {
      const order = seq.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i)
      table.foreign_keys.push({ columns: order.map((i) => fk.columns[i]), references: { ...fk.references, columns: order.map((i) => fk.references.columns[i]) } })
    }
  } catch {
    // as above
  }
}
