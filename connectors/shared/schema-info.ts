// Helpers for assembling SchemaInfo from catalog rows, shared by engines.
import type { SchemaInfo, TableInfo } from '../connector'

/** Runs one catalog query and returns rows as objects (driver-parsed scalars). */
export type SqlRunner = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>

export const tableKey = (schema: string, name: string) => `${schema}\u0000${name}`

/** Deterministic order: schema, then table name. */
export function sortSchemaInfo(info: SchemaInfo): SchemaInfo {
  info.schemas.sort()
  info.tables.sort((a, b) => (a.schema === b.schema ? cmp(a.name, b.name) : cmp(a.schema, b.schema)))
  return info
}

function cmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0 }

export function emptyTable(schema: string, name: string, kind: TableInfo['kind']): TableInfo {
  return { schema, name, kind, columns: [], primary_key: [], foreign_keys: [] }
}

/** JSON-encoded text arrays come back as strings from some drivers, as arrays from others. */
export function stringArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String)
  if (typeof v === 'string') {
    const parsed: unknown = JSON.parse(v)
    return Array.isArray(parsed) ? parsed.map(String) : []
  }
  return []
}
