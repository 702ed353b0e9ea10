// The tables the SQL guard lets a connection's statements read.
import { getDialect } from '../../semantic'
import type { DialectName, SemanticManifest } from '../../semantic/types'

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
