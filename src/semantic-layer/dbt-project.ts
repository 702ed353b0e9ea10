// What a dbt project import needs beyond the YAML: where `ref('x')` lands on
// this connection (as dbt would build it), which of the relations it names
// exist in the live database, and which API-made annotations (labels,
// synonyms, descriptions, formats, sample-value settings) a merge keeps and a
// replace discards.
import type { SchemaInfo } from '../../connectors/connector'
import { buildTargetOf, isConnectionType } from '../../connectors/registry'
import type { SemanticManifest } from '../../semantic/types'
import type { ConnectionRow } from '../connections/connection-service'
import { validateAgainstSchema } from './live-validation'

/** The schema (dataset, database) and database dbt builds `ref('x')` into on this connection (connectors/registry.ts knows each engine's). */
export function refScope(conn: ConnectionRow): { schema?: string; database?: string } {
  return isConnectionType(conn.type) ? buildTargetOf(conn) : {}
}

export interface Located { file?: string; path: string; line?: number; message: string; suggestion?: string }
type Locate = (object: object, field?: string) => { file: string; path: string; line?: number } | undefined

/** The manifest object a validation path like `semantic_models[1].dimensions[0].expr` is about, and its field. */
export function objectAt(manifest: SemanticManifest, path: string): { object: object; field?: string } | undefined {
  const m = /^semantic_models\[(\d+)\](?:\.(entities|dimensions|measures)\[(\d+)\])?(?:\.(.+))?$/.exec(path)
  if (m) {
    const sm = manifest.semantic_models[Number(m[1])]
    if (!sm) return undefined
    if (!m[2]) return { object: sm, field: m[4] === 'node_relation' ? 'node_relation|model' : m[4] }
    const el = (sm[m[2] as 'entities' | 'dimensions' | 'measures'] as object[])[Number(m[3])]
    return el ? { object: el, field: m[4] === 'expr' ? 'expr|name' : m[4] } : undefined
  }
  const s = /^time_spines\[(\d+)\]/.exec(path)
  if (s && manifest.time_spines[Number(s[1])]) return { object: manifest.time_spines[Number(s[1])] }
  return undefined
}

/**
 * Relations, columns and column types of an imported manifest against the live schema:
 * missing tables and columns are errors, a mistyped column a warning.
 */
export function liveImportProblems(manifest: SemanticManifest, schema: SchemaInfo, locate: Locate): { errors: Located[]; warnings: Located[] } {
  const errors: Located[] = []
  const warnings: Located[] = []
  for (const p of validateAgainstSchema(manifest, schema)) {
    const at = objectAt(manifest, p.path)
    const where = at ? locate(at.object, at.field) : undefined
    const located: Located = { ...(where ?? { path: p.path }), message: p.message }
    if (p.issue === 'missing_table') {
      const tables = schema.tables.map((t) => `${t.schema}.${t.name}`)
      const alias = p.message.split(' ').find((w) => w.includes('.'))?.split('.').pop() ?? ''
      const close = tables.filter((t) => t.toLowerCase().endsWith(`.${alias.toLowerCase()}`))
      located.message = `${p.message} in the database (check the model's schema, relation_map or source_schema${close.length ? `; did you mean ${close.slice(0, 3).join(', ')}?` : ''})`
    }
    ;(p.issue === 'type_mismatch' ? warnings : errors).push(located)
  }
  return { errors, warnings }
}

const ANNOTATIONS = ['label', 'description', 'synonyms', 'format', 'sample_values_enabled'] as const
type Annotated = Partial<Record<(typeof ANNOTATIONS)[number], unknown>> & { name: string }

function byName<T extends { name: string }>(xs: T[] | undefined): Map<string, T> {
  return new Map((xs ?? []).map((x) => [x.name, x]))
}

/** Pairs of (current, incoming) elements with the same name, at every level of the layer. */
function pairs(current: SemanticManifest, incoming: SemanticManifest): Array<{ what: string; prev: Annotated; next: Annotated | undefined }> {
  const out: Array<{ what: string; prev: Annotated; next: Annotated | undefined }> = []
  const models = byName(incoming.semantic_models)
  for (const sm of current.semantic_models) {
    const next = models.get(sm.name)
    out.push({ what: `semantic_model ${sm.name}`, prev: sm, next })
    for (const kind of ['entities', 'dimensions', 'measures'] as const) {
      const n = byName<Annotated>(next?.[kind] as Annotated[] | undefined)
      for (const el of sm[kind] as Annotated[]) out.push({ what: `${kind.replace(/ies$/, 'y').replace(/s$/, '')} ${sm.name}.${el.name}`, prev: el, next: n.get(el.name) })
    }
  }
  const metrics = byName(incoming.metrics)
  for (const m of current.metrics) out.push({ what: `metric ${m.name}`, prev: m as Annotated, next: metrics.get(m.name) as Annotated | undefined })
  return out
}

/** Merge: an annotation the YAML does not set keeps its current value. Mutates and returns `incoming`'s copies. */
export function keepAnnotations(current: SemanticManifest, incoming: SemanticManifest): Array<{ object: string; fields: string[] }> {
  const kept: Array<{ object: string; fields: string[] }> = []
  for (const { what, prev, next } of pairs(current, incoming)) {
    if (!next) continue
    const fields = ANNOTATIONS.filter((f) => prev[f] !== undefined && next[f] === undefined)
    for (const f of fields) next[f] = prev[f]
    if (fields.length) kept.push({ object: what, fields: [...fields] })
  }
  return kept
}

/** Replace: the annotations that the new YAML does not carry over. */
export function discardedAnnotations(current: SemanticManifest, incoming: SemanticManifest): Array<{ object: string; fields: string[] }> {
  const out: Array<{ object: string; fields: string[] }> = []
  for (const { what, prev, next } of pairs(current, incoming)) {
    const fields = ANNOTATIONS.filter((f) => prev[f] !== undefined && JSON.stringify(next?.[f]) !== JSON.stringify(prev[f]))
    if (fields.length) out.push({ object: what, fields: [...fields] })
  }
  return out
}
