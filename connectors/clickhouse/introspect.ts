// ClickHouse introspection from system.tables / system.columns. ClickHouse has
// no foreign keys, and its primary key is a sort key, not a uniqueness
// guarantee, so both stay empty (the planner must not assume uniqueness).
import { ConnectorError, type SchemaInfo, type TableInfo } from '../connector'
import { emptyTable, sortSchemaInfo, tableKey } from '../shared/schema-info'
import { chColumnType, unwrapType } from './types'

export type TsvRunner = (sql: string) => Promise<string[][]>

const VIEW_ENGINES = new Set(['View', 'MaterializedView', 'LiveView', 'WindowView'])

export async function introspectClickhouse(run: TsvRunner, databases: string[], literal: (v: string) => string): Promise<SchemaInfo> {
  if (databases.length === 0) return { schemas: [], tables: [] }
  const list = databases.map(literal).join(', ')
  const dbRows = shaped(await run(`SELECT name FROM system.databases WHERE name IN (${list}) ORDER BY name`), 1)
  const tableRows = shaped(await run(`SELECT database, name, engine FROM system.tables WHERE database IN (${list}) AND is_temporary = 0 ORDER BY database, name`), 3)
  // No ORDER BY: system.columns lists each table's columns in definition order
  // (18.x has no `position` column to sort on), and ClickHouse sorts unstably.
  const columnRows = shaped(await run(`SELECT database, table, name, type FROM system.columns WHERE database IN (${list})`), 4)

  const tables = new Map<string, TableInfo>()
  for (const [db, name, engine] of tableRows) {
    tables.set(tableKey(db, name), emptyTable(db, name, VIEW_ENGINES.has(engine) ? 'view' : 'table'))
  }
  for (const [db, table, name, type] of columnRows) {
    const t = tables.get(tableKey(db, table))
    if (!t) continue
    t.columns.push({ name, type: chColumnType(type), db_type: type, nullable: unwrapType(type).nullable })
  }
  return sortSchemaInfo({ schemas: dbRows.map((r) => r[0]), tables: [...tables.values()] })
}

/**
 * ClickHouse answers every catalog row with exactly the columns asked for.
 * Anything else (a proxy or health endpoint that answers 200 "Ok." to every
 * request) is not ClickHouse: say so instead of reading fields that are not there.
 */
function shaped(rows: string[][], width: number): string[][] {
  if (rows.some((r) => r.length !== width)) {
    throw new ConnectorError('invalid_config', 'clickhouse',
      'the server did not answer like ClickHouse (unexpected catalog rows); check host, port, path and ssl')
  }
  return rows
}
