// MySQL/MariaDB introspection from information_schema, which already shows
// only what the account has privileges on. "Schema" here is a database.
import type { SchemaInfo, TableInfo } from '../connector'
import { emptyTable, sortSchemaInfo, tableKey, type SqlRunner } from '../shared/schema-info'
import { mysqlCatalogType } from './types'

/** `mariadb`: JSON columns are LONGTEXT with a json_valid() CHECK, found in CHECK_CONSTRAINTS. */
export async function introspectMysql(run: SqlRunner, schemas: string[], mariadb = false): Promise<SchemaInfo> {
  if (schemas.length === 0) return { schemas: [], tables: [] }
  const schemaRows = await run('SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?) ORDER BY 1', [schemas])
  const tableRows = await run(
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_TYPE AS k FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY 1, 2', [schemas])
  const columnRows = await run(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS dt, COLUMN_TYPE AS ct, IS_NULLABLE AS nl
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`, [schemas])
  const keyRows = await run(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS con, COLUMN_NAME AS c, ORDINAL_POSITION AS pos,
       REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc
     FROM information_schema.KEY_COLUMN_USAGE
     WHERE TABLE_SCHEMA IN (?) AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL)
     ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`, [schemas])

  const jsonColumns = new Set<string>()
  if (mariadb) {
    const checks = await run(
      'SELECT CONSTRAINT_SCHEMA AS s, TABLE_NAME AS t, CHECK_CLAUSE AS cc FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?)', [schemas])
    for (const r of checks) {
      const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(r.cc).trim())
      if (m) jsonColumns.add(`${tableKey(String(r.s), String(r.t))}\u0000${m[1].replace(/``/g, '`')}`)
    }
  }

  const tables = new Map<string, TableInfo>()
  for (const r of tableRows) {
    const kind: TableInfo['kind'] = String(r.k).toUpperCase().includes('VIEW') ? 'view' : 'table'
    const t = emptyTable(String(r.s), String(r.t), kind)
    tables.set(tableKey(t.schema, t.name), t)
  }
  for (const r of columnRows) {
    const t = tables.get(tableKey(String(r.s), String(r.t)))
    if (!t) continue
    const isJson = jsonColumns.has(`${tableKey(t.schema, t.name)}\u0000${String(r.c)}`)
    t.columns.push({
      name: String(r.c),
      type: isJson ? 'json' : mysqlCatalogType(String(r.dt), String(r.ct)),
      db_type: isJson ? 'json' : String(r.ct),
      nullable: String(r.nl) === 'YES',
    })
  }
  const fks = new Map<string, TableInfo['foreign_keys'][number]>()
  for (const r of keyRows) {
    const t = tables.get(tableKey(String(r.s), String(r.t)))
    if (!t) continue
    if (r.con === 'PRIMARY') { t.primary_key.push(String(r.c)); continue }
    const key = `${tableKey(t.schema, t.name)}\u0000${String(r.con)}`
    let fk = fks.get(key)
    if (!fk) {
      fk = { columns: [], references: { schema: String(r.rs), table: String(r.rt), columns: [] } }
      fks.set(key, fk)
      t.foreign_keys.push(fk)
    }
    fk.columns.push(String(r.c))
    fk.references.columns.push(String(r.rc))
  }
  return sortSchemaInfo({ schemas: schemaRows.map((r) => String(r.s)), tables: [...tables.values()] })
}
