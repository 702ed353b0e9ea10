// Postgres introspection from pg_catalog (works on Postgres 10+ and PGlite).
// Only relations the session may SELECT from are listed: what the admin
// granted is what the planner sees.
import type { SchemaInfo, TableInfo } from '../connector'
import { emptyTable, sortSchemaInfo, stringArray, tableKey, type SqlRunner } from '../shared/schema-info'
import { pgCatalogType } from './types'

// $1: text[] of schemas, or NULL for every non-system schema.
const SCHEMA_FILTER = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))`

const SCHEMAS_SQL = `
SELECT n.nspname AS schema
FROM pg_namespace n
WHERE ${SCHEMA_FILTER} AND has_schema_privilege(n.oid, 'USAGE')
ORDER BY 1`

const RELATION_FILTER = `c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND ${SCHEMA_FILTER}
  AND has_schema_privilege(n.oid, 'USAGE')
  AND (has_table_privilege(c.oid, 'SELECT') OR has_any_column_privilege(c.oid, 'SELECT'))`

const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${RELATION_FILTER}
ORDER BY 1, 2`

// Domains are reported as their base type.
const COLUMNS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS name,
  format_type(a.atttypid, a.atttypmod) AS db_type,
  bt.oid::int AS type_oid, bt.typname::text AS type_name, bt.typcategory::text AS type_category,
  NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS nullable
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
WHERE a.attnum > 0 AND NOT a.attisdropped AND ${RELATION_FILTER}
ORDER BY 1, 2, a.attnum`

const KEYS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, con.contype::text AS kind, con.conname AS name,
  array_to_json(ARRAY(
    SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord))::text AS columns,
  fn.nspname AS ref_schema, fc.relname AS ref_table,
  array_to_json(ARRAY(
    SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord))::text AS ref_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f') AND ${RELATION_FILTER}
ORDER BY 1, 2, 4`

const KIND: Record<string, TableInfo['kind']> = { r: 'table', p: 'table', f: 'table', v: 'view', m: 'view' }

export async function introspectPostgres(run: SqlRunner, schemas?: string[]): Promise<SchemaInfo> {
  const filter = schemas && schemas.length > 0 ? [schemas] : [null]
  const schemaRows = await run(SCHEMAS_SQL, filter)
  const tableRows = await run(TABLES_SQL, filter)
  const columnRows = await run(COLUMNS_SQL, filter)
  const keyRows = await run(KEYS_SQL, filter)

  const tables = new Map<string, TableInfo>()
  for (const r of tableRows) {
    const t = emptyTable(String(r.schema), String(r.name), KIND[String(r.kind)] ?? 'table')
    tables.set(tableKey(t.schema, t.name), t)
  }
  for (const r of columnRows) {
    const t = tables.get(tableKey(String(r.schema), String(r.table)))
    if (!t) continue
    t.columns.push({
      name: String(r.name),
      type: pgCatalogType(Number(r.type_oid), String(r.type_name), String(r.type_category)),
      db_type: String(r.db_type),
      nullable: r.nullable === true || r.nullable === 't',
    })
  }
  for (const r of keyRows) {
    const t = tables.get(tableKey(String(r.schema), String(r.table)))
    if (!t) continue
    const columns = stringArray(r.columns)
    if (r.kind === 'p') t.primary_key = columns
    else if (r.ref_table !== null && r.ref_table !== undefined) {
      t.foreign_keys.push({
        columns,
        references: { schema: String(r.ref_schema), table: String(r.ref_table), columns: stringArray(r.ref_columns) },
      })
    }
  }
  return sortSchemaInfo({ schemas: schemaRows.map((r) => String(r.schema)), tables: [...tables.values()] })
}
