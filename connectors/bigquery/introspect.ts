// BigQuery introspection, one dataset at a time through the dataset's own
// INFORMATION_SCHEMA views (they need no location and only dataset-level
// metadata rights): TABLES, COLUMNS, and the (unenforced) primary and foreign
// keys from TABLE_CONSTRAINTS, KEY_COLUMN_USAGE and CONSTRAINT_COLUMN_USAGE.
// Keys are best effort: a dataset without them, or without the right to read
// them, still gets tables and columns.
import type { SchemaInfo, TableInfo } from '../connector'
import { normalizeBigQueryType } from './values'

export interface IntrospectDeps {
  projectId: string
  datasets: string[]
  query: (sql: string) => Promise<unknown[][]>
}

/** `project.dataset` as a backtick-quoted path (dataset ids are validated [A-Za-z0-9_]). */
export function datasetPath(projectId: string, dataset: string): string {
  return `\`${projectId.replace(/`/g, '')}.${dataset.replace(/`/g, '')}\``
}

export async function introspectBigQuery(deps: IntrospectDeps): Promise<SchemaInfo> {
  const tables: TableInfo[] = []
  for (const dataset of deps.datasets) tables.push(...(await introspectDataset(deps, dataset)))
  return { schemas: [...deps.datasets].sort(), tables }
}

async function introspectDataset(deps: IntrospectDeps, dataset: string): Promise<TableInfo[]> {
  const ds = datasetPath(deps.projectId, dataset)
  const tableRows = await deps.query(`SELECT table_name, table_type FROM ${ds}.INFORMATION_SCHEMA.TABLES ORDER BY table_name`)
  const columnRows = await deps.query(`SELECT table_name, column_name, data_type, is_nullable FROM ${ds}.INFORMATION_SCHEMA.COLUMNS ORDER BY table_name, ordinal_position`)

  const byName = new Map<string, TableInfo>()
  for (const [name, type] of tableRows) {
    byName.set(String(name), {
      schema: dataset,
      name: String(name),
      kind: /VIEW/i.test(String(type)) ? 'view' : 'table',
      columns: [],
      primary_key: [],
      foreign_keys: [],
    })
  }
  for (const [table, column, dataType, nullable] of columnRows) {
    byName.get(String(table))?.columns.push({
      name: String(column),
      type: normalizeBigQueryType(String(dataType)),
      db_type: String(dataType),
      nullable: String(nullable).toUpperCase() === 'YES',
    })
  }
  await addKeys(deps, ds, dataset, byName)
  return [...byName.values()]
}

async function addKeys(deps: IntrospectDeps, ds: string, dataset: string, byName: Map<string, TableInfo>): Promise<void> {
  let keyRows: unknown[][]
  let refRows: unknown[][]
  try {
    keyRows = await deps.query(
      `SELECT k.table_name, k.constraint_name, t.constraint_type, k.column_name, k.ordinal_position, k.position_in_unique_constraint FROM ${ds}.INFORMATION_SCHEMA.KEY_COLUMN_USAGE AS k JOIN ${ds}.INFORMATION_SCHEMA.TABLE_CONSTRAINTS AS t ON t.constraint_name = k.constraint_name AND t.table_name = k.table_name ORDER BY k.table_name, k.constraint_name, k.ordinal_position`,
    )
    refRows = await deps.query(`SELECT constraint_name, table_schema, table_name, column_name FROM ${ds}.INFORMATION_SCHEMA.CONSTRAINT_COLUMN_USAGE`)
  } catch {
    return // keys are optional metadata
  }
  // Referenced table of each constraint (CONSTRAINT_COLUMN_USAGE lists the columns a
  // FOREIGN KEY points at; for a PRIMARY KEY it lists the key itself).
  const refs = new Map<string, { schema: string; table: string; columns: string[] }>()
  for (const [constraint, schema, table, column] of refRows) {
    const k = String(constraint)
    const r = refs.get(k) ?? { schema: String(schema), table: String(table), columns: [] }
    r.columns.push(String(column))
    refs.set(k, r)
  }
  const fks = new Map<string, { table: TableInfo; columns: string[]; positions: number[] }>()
  for (const [table, constraint, type, column, , positionInUnique] of keyRows) {
    const t = byName.get(String(table))
    if (!t) continue
    if (String(type).toUpperCase() === 'PRIMARY KEY') {
      t.primary_key.push(String(column))
    } else if (String(type).toUpperCase() === 'FOREIGN KEY') {
      const k = `${String(table)}\u0000${String(constraint)}`
      const fk = fks.get(k) ?? { table: t, columns: [], positions: [] }
      fk.columns.push(String(column))
      fk.positions.push(Number(positionInUnique ?? fk.positions.length + 1))
      fks.set(k, fk)
    }
  }
  for (const [k, fk] of fks) {
    const ref = refs.get(k.split('\u0000')[1])
    if (!ref) continue
    // position_in_unique_constraint points into the referenced table's primary
    // key; use that order when we know the key, else the listed order.
    const target = ref.schema === dataset ? byName.get(ref.table) : undefined
    const refColumns = target?.primary_key.length ? fk.positions.map((p) => target.primary_key[p - 1] ?? ref.columns[p - 1]) : ref.columns
    fk.table.foreign_keys.push({ columns: fk.columns, references: { schema: ref.schema, table: ref.table, columns: refColumns } })
  }
}
