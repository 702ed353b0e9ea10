// Redshift introspection. Redshift's pg_catalog is Postgres 8.0's (no
// unnest, no relispartition) and misses late-binding views and external
// (Spectrum) tables, so tables and columns come from the SVV_TABLES and
// SVV_COLUMNS system views; keys (informational in Redshift, but declared by
// careful modellers) come from information_schema.
import type { SchemaInfo, TableInfo } from '../connector'
import { emptyTable, sortSchemaInfo, tableKey, type SqlRunner } from '../shared/schema-info'
import { pgTypeFromName } from '../postgres/types'

const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_internal', 'pg_automv', 'pg_auto_copy', 'pg_mv', 'pg_s3', 'catalog_history']

export interface RedshiftIntrospectOptions {
  /** Schema holding SVV_TABLES / SVV_COLUMNS (pg_catalog on Redshift; tests emulate them elsewhere). */
  catalogSchema?: string
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`

/** `col IN ($1, ...)` for the named schemas, or `NOT IN (system schemas)`, with bind parameters. */
function schemaFilter(col: string, schemas: string[] | undefined): { sql: string; params: string[] } {
  if (schemas && schemas.length > 0) {
    return { sql: `${col} IN (${schemas.map((_, i) => `$${i + 1}`).join(', ')})`, params: schemas }
  }
  const sys = SYSTEM_SCHEMAS.map((_, i) => `$${i + 1}`).join(', ')
  return { sql: `${col} NOT IN (${sys}) AND ${col} NOT LIKE 'pg\\_temp%'`, params: SYSTEM_SCHEMAS }
}

export function redshiftDbType(r: Record<string, unknown>): string {
  const t = String(r.data_type)
  const len = r.char_len === null || r.char_len === undefined ? null : Number(r.char_len)
  const p = r.num_precision === null || r.num_precision === undefined ? null : Number(r.num_precision)
  const s = r.num_scale === null || r.num_scale === undefined ? null : Number(r.num_scale)
  if ((t === 'character varying' || t === 'character') && len) return `${t}(${len})`
  if (t === 'numeric' && p !== null) return `numeric(${p},${s ?? 0})`
  return t
}

export function introspectRedshift(opts: RedshiftIntrospectOptions = {}) {
  const cat = quoteIdent(opts.catalogSchema ?? 'pg_catalog')
  return async (run: SqlRunner, schemas?: string[]): Promise<SchemaInfo> => {
    const t = schemaFilter('table_schema', schemas)
    const tableRows = await run(
      `SELECT table_schema AS schema, table_name AS name, table_type AS kind FROM ${cat}.svv_tables WHERE ${t.sql} ORDER BY 1, 2`, t.params)
    const columnRows = await run(
      `SELECT table_schema AS schema, table_name AS "table", column_name AS name, ordinal_position AS pos, data_type,
         character_maximum_length AS char_len, numeric_precision AS num_precision, numeric_scale AS num_scale, is_nullable
       FROM ${cat}.svv_columns WHERE ${t.sql} ORDER BY 1, 2, 4`, t.params)
    const k = schemaFilter('tc.table_schema', schemas)
    const keyRows = await run(
      `SELECT tc.table_schema AS schema, tc.table_name AS "table", tc.constraint_type AS kind, tc.constraint_schema AS con_schema,
         tc.constraint_name AS con_name, kcu.column_name AS "column", kcu.ordinal_position AS pos
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu
         ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
        AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
       WHERE tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') AND ${k.sql}
       ORDER BY 1, 2, 5, 7`, k.params)
    // Referenced side of each foreign key. PG 8.0's information_schema has no
    // position_in_unique_constraint, so multi-column keys pair up by the
    // referenced columns' order in their table.
    const refRows = await run(
      `SELECT ccu.constraint_schema AS con_schema, ccu.constraint_name AS con_name, ccu.table_schema AS ref_schema,
         ccu.table_name AS ref_table, ccu.column_name AS ref_column
       FROM information_schema.constraint_column_usage ccu
       JOIN information_schema.table_constraints tc
         ON tc.constraint_schema = ccu.constraint_schema AND tc.constraint_name = ccu.constraint_name
       WHERE tc.constraint_type = 'FOREIGN KEY' AND ${k.sql}
       ORDER BY 1, 2, 3, 4, 5`, k.params)

    const tables = new Map<string, TableInfo>()
    for (const r of tableRows) {
      const kind: TableInfo['kind'] = String(r.kind).toUpperCase().includes('VIEW') ? 'view' : 'table'
      const ti = emptyTable(String(r.schema), String(r.name), kind)
      tables.set(tableKey(ti.schema, ti.name), ti)
    }
    const positions = new Map<string, number>()
    for (const r of columnRows) {
      const ti = tables.get(tableKey(String(r.schema), String(r.table)))
      if (!ti) continue
      positions.set(`${tableKey(ti.schema, ti.name)}\u0000${String(r.name)}`, Number(r.pos))
      ti.columns.push({
        name: String(r.name),
        type: pgTypeFromName(String(r.data_type)),
        db_type: redshiftDbType(r),
        nullable: String(r.is_nullable).toUpperCase() !== 'NO',
      })
    }
    const refs = new Map<string, { schema: string; table: string; columns: string[] }>()
    for (const r of refRows) {
      const key = `${String(r.con_schema)}\u0000${String(r.con_name)}`
      const ref = refs.get(key) ?? { schema: String(r.ref_schema), table: String(r.ref_table), columns: [] }
      ref.columns.push(String(r.ref_column))
      refs.set(key, ref)
    }
    for (const ref of refs.values()) {
      const pos = (c: string) => positions.get(`${tableKey(ref.schema, ref.table)}\u0000${c}`) ?? 0
      ref.columns.sort((a, b) => pos(a) - pos(b))
    }
    const grouped = new Map<string, { table: TableInfo; kind: string; con: string; columns: string[] }>()
    for (const r of keyRows) {
      const ti = tables.get(tableKey(String(r.schema), String(r.table)))
      if (!ti) continue
      const con = `${String(r.con_schema)}\u0000${String(r.con_name)}`
      const g = grouped.get(con) ?? { table: ti, kind: String(r.kind), con, columns: [] }
      g.columns.push(String(r.column))
      grouped.set(con, g)
    }
    for (const g of grouped.values()) {
      if (g.kind === 'PRIMARY KEY') g.table.primary_key = g.columns
      else {
        const ref = refs.get(g.con)
        if (ref) g.table.foreign_keys.push({ columns: g.columns, references: ref })
      }
    }
    const schemaNames = new Set<string>([...tables.values()].map((x) => x.schema))
    for (const s of schemas ?? []) if ([...tables.values()].some((x) => x.schema === s)) schemaNames.add(s)
    return sortSchemaInfo({ schemas: [...schemaNames], tables: [...tables.values()] })
  }
}
