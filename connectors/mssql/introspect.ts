// SQL Server introspection through the ANSI INFORMATION_SCHEMA views of the
// connection's database: tables and views, columns, primary keys, and foreign
// keys (REFERENTIAL_CONSTRAINTS joined to KEY_COLUMN_USAGE on both sides, by
// ordinal position). Only objects the login can see are listed, which is what
// SQL Server's metadata visibility gives a SELECT-only login.
import type { SchemaInfo, TableInfo } from '../connector'
import { describeMssqlType, normalizeMssqlType } from './values'

export interface IntrospectDeps {
  schemas?: string[]
  /** Runs SQL with positional parameters @p1, @p2... */
  query: (sql: string, params: unknown[]) => Promise<unknown[][]>
}

const SYSTEM = "('sys', 'INFORMATION_SCHEMA', 'guest')"

export async function introspectMssql(deps: IntrospectDeps): Promise<SchemaInfo> {
  const wanted = deps.schemas?.length ? deps.schemas : undefined
  const params: unknown[] = wanted ?? []
  const inList = (column: string) => (wanted ? ` AND ${column} IN (${wanted.map((_, i) => `@p${i + 1}`).join(', ')})` : '')

  const tableRows = await deps.query(
    `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA NOT IN ${SYSTEM}${inList('TABLE_SCHEMA')} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    params,
  )
  const columnRows = await deps.query(
    `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA NOT IN ${SYSTEM}${inList('TABLE_SCHEMA')} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    params,
  )
  const pkRows = await deps.query(
    `SELECT kcu.TABLE_SCHEMA, kcu.TABLE_NAME, kcu.COLUMN_NAME, kcu.ORDINAL_POSITION FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS AS tc JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE AS kcu ON kcu.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND kcu.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY'${inList('kcu.TABLE_SCHEMA')} ORDER BY kcu.TABLE_SCHEMA, kcu.TABLE_NAME, kcu.ORDINAL_POSITION`,
    params,
  )
  const fkRows = await deps.query(
    `SELECT rc.CONSTRAINT_NAME, fk.TABLE_SCHEMA, fk.TABLE_NAME, fk.COLUMN_NAME, pk.TABLE_SCHEMA AS REF_SCHEMA, pk.TABLE_NAME AS REF_TABLE, pk.COLUMN_NAME AS REF_COLUMN, fk.ORDINAL_POSITION FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS AS rc JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE AS fk ON fk.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND fk.CONSTRAINT_NAME = rc.CONSTRAINT_NAME JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE AS pk ON pk.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA AND pk.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME AND pk.ORDINAL_POSITION = fk.ORDINAL_POSITION WHERE 1 = 1${inList('fk.TABLE_SCHEMA')} ORDER BY fk.TABLE_SCHEMA, fk.TABLE_NAME, rc.CONSTRAINT_NAME, fk.ORDINAL_POSITION`,
    params,
  )

  const tables = new Map<string, TableInfo>()
  const key = (s: unknown, t: unknown) => `${String(s)}\u0000${String(t)}`
  for (const [schema, name, type] of tableRows) {
    tables.set(key(schema, name), {
      schema: String(schema),
      name: String(name),
      kind: /VIEW/i.test(String(type)) ? 'view' : 'table',
      columns: [],
      primary_key: [],
      foreign_keys: [],
    })
  }
  for (const [schema, table, column, dataType, nullable, maxLength, precision, scale] of columnRows) {
    const t = tables.get(key(schema, table))
    if (!t) continue
    const name = String(dataType)
    t.columns.push({
      name: String(column),
      type: normalizeMssqlType(name),
      db_type: describeMssqlType(name, { length: maxLength == null ? null : Number(maxLength), precision: precision == null ? null : Number(precision), scale: scale == null ? null : Number(scale) }),
      nullable: String(nullable).toUpperCase() === 'YES',
    })
  }
  for (const [schema, table, column] of pkRows) tables.get(key(schema, table))?.primary_key.push(String(column))
  const fks = new Map<string, TableInfo['foreign_keys'][number]>()
  for (const [constraint, schema, table, column, refSchema, refTable, refColumn] of fkRows) {
    const t = tables.get(key(schema, table))
    if (!t) continue
    const k = `${key(schema, table)}\u0000${String(constraint)}`
    let fk = fks.get(k)
    if (!fk) {
      fk = { columns: [], references: { schema: String(refSchema), table: String(refTable), columns: [] } }
      fks.set(k, fk)
      t.foreign_keys.push(fk)
    }
    fk.columns.push(String(column))
    fk.references.columns.push(String(refColumn))
  }
  const list = [...tables.values()]
  return { schemas: [...new Set([...(wanted ?? []), ...list.map((t) => t.schema)])].sort(), tables: list }
}
