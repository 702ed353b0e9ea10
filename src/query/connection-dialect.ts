import type { DialectName, SemanticManifest } from '../../semantic/types'
import type { ConnectionRow } from '../connections/connection-service'

/** The SQL dialect a connection speaks (the embedded PGlite speaks Postgres). */
export function dialectOf(type: string): DialectName {
  return (type === 'pglite' ? 'postgres' : type) as DialectName
}

/** Tables the semantic layer may read: every model's relation and the time spines. */
export function allowedRelations(manifest: SemanticManifest): string[] {
  const names = new Set<string>()
  const add = (r: { alias: string; schema_name?: string; database?: string }) =>
    names.add([r.database, r.schema_name, r.alias].filter(Boolean).join('.'))
  for (const m of manifest.semantic_models) add(m.node_relation)
  for (const s of manifest.time_spines) add(s.node_relation)
  return [...names].sort()
}

export function defaultSchemaOf(conn: ConnectionRow): string | undefined {
  const c = conn.config as Record<string, unknown>
  const s = c.schema ?? c.default_schema ?? c.dataset ?? c.database
  if (typeof s === 'string') return s
  return conn.type === 'postgres' || conn.type === 'pglite' || conn.type === 'redshift' ? 'public' : undefined
}
