// Expressions of a semantic layer are SQL that its author wrote; they end up
// in every statement over their model. Before a layer is stored, each model's
// expressions are put into one probe statement over the model's own table and
// passed through the SQL guard, so a denied function (pg_read_file,
// LOAD_FILE, ...) or a table outside the layer is refused when it is written,
// with the path of the expression, instead of at the first question.
import { getDialect } from '../../semantic'
import type { DialectName, SemanticManifest } from '../../semantic/types'

export interface ExpressionProbe {
  /** Where the expressions live (a model, or one expression when `expr` is set). */
  path: string
  sql: string
}

/** One probe per model holding all its expressions, and one per expression for pinpointing a refusal. */
export function expressionProbes(manifest: SemanticManifest, dialect: DialectName): Array<ExpressionProbe & { parts: ExpressionProbe[] }> {
  const d = getDialect(dialect)
  const relationOf = (r: { alias: string; schema_name?: string; database?: string }) =>
    d.qualifiedRelation([r.database, r.schema_name, r.alias].filter((x): x is string => !!x))
  const statement = (exprs: string[], relation: string) =>
    `SELECT ${exprs.map((e, i) => `(${e}) AS ${d.quoteIdentifier(`e${i}`)}`).join(', ')} FROM ${relation}`
  const probes: Array<ExpressionProbe & { parts: ExpressionProbe[] }> = []
  manifest.semantic_models.forEach((m, i) => {
    const base = `semantic_models[${i}]`
    const exprs = [
      ...m.entities.map((e, j) => ({ path: `${base}.entities[${j}].expr`, expr: e.expr })),
      ...m.dimensions.map((x, j) => ({ path: `${base}.dimensions[${j}].expr`, expr: x.expr })),
      ...m.measures.map((x, j) => ({ path: `${base}.measures[${j}].expr`, expr: x.expr })),
    ].filter((x): x is { path: string; expr: string } => x.expr !== undefined)
    if (!exprs.length) return
    const relation = relationOf(m.node_relation)
    probes.push({
      path: base, sql: statement(exprs.map((x) => x.expr), relation),
      parts: exprs.map((x) => ({ path: x.path, sql: statement([x.expr], relation) })),
    })
  })
  // Derived metrics compute over their inputs' columns; any of the layer's tables stands in for them.
  const first = manifest.semantic_models[0]
  if (first) {
    manifest.metrics.forEach((m, i) => {
      const expr = m.type === 'derived' ? m.type_params.expr : undefined
      if (expr === undefined) return
      const probe = { path: `metrics[${i}].type_params.expr`, sql: statement([expr], relationOf(first.node_relation)) }
      probes.push({ ...probe, parts: [probe] })
    })
  }
  return probes
}
