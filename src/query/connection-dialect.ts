import { getDialect } from '../../semantic'
import type { DialectName, SemanticManifest } from '../../semantic/types'
import type { ConnectionRow } from '../connections/connection-service'

/** The SQL dialect a connection speaks (the embedded PGlite speaks Postgres). */
export function dialectOf(type: string): DialectName {
  return (type === 'pglite' ? 'postgres' : type) as DialectName
}

/**
 * Tables the semantic layer may read: every model's relation and the time
 * spines, written as the dialect quotes them (so case is kept exactly).
 */
export function allowedRelations(manifest: SemanticManifest, dialect: DialectName): string[] {
  const d = getDialect(dialect)
  const names = new Set<string>()
  const add = (r: { alias: string; schema_name?: string; database?: string }) =>
    names.add(d.qualifiedRelation([r.database, r.schema_name, r.alias].filter((x): x is string => !!x)))
  for (const m of manifest.semantic_models) add(m.node_relation)
  for (const s of manifest.time_spines) add(s.node_relation)
  return [...names].sort()
}

/** The schema unqualified table names resolve to on this connection, when it is known. */
export function defaultSchemaOf(conn: ConnectionRow): string | undefined {
  const c = conn.config as Record<string, unknown>
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
  switch (conn.type) {
    case 'postgres': case 'redshift': case 'pglite': return 'public'
    case 'mysql': case 'clickhouse': return str(c.database)
    case 'snowflake': return str(c.schema)
    case 'mssql': return 'dbo'
    default: return undefined
  }
}
