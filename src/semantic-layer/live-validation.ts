// Checks a semantic layer against the live database schema: tables exist,
// columns named by plain expressions exist, time dimensions are temporal and
// numeric aggregations read numbers. Expressions that are not a bare column
// (CASE ..., a + b) are left to the database: we do not parse SQL here.
import type { SchemaInfo, TableInfo } from '../../connectors/connector'
import type { SemanticManifest } from '../../semantic/types'

export interface LiveProblem { object: string; path: string; issue: string; message: string }

const BARE_COLUMN = /^"?([A-Za-z_][A-Za-z0-9_$]*)"?$/
const NUMERIC = new Set(['integer', 'bigint', 'decimal', 'float'])
const TEMPORAL = new Set(['date', 'timestamp'])
const NUMERIC_AGGS = new Set(['sum', 'average', 'median', 'percentile'])

function findTable(schema: SchemaInfo, rel: { alias: string; schema_name?: string }): TableInfo | undefined {
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
  return schema.tables.find((t) => eq(t.name, rel.alias) && (!rel.schema_name || eq(t.schema, rel.schema_name)))
}

export function validateAgainstSchema(manifest: SemanticManifest, schema: SchemaInfo): LiveProblem[] {
  const problems: LiveProblem[] = []
  manifest.semantic_models.forEach((m, mi) => {
    const base = `semantic_models[${mi}]`
    const rel = m.node_relation
    const table = findTable(schema, rel)
    const relName = [rel.schema_name, rel.alias].filter(Boolean).join('.')
    if (!table) {
      problems.push({ object: m.name, path: `${base}.node_relation`, issue: 'missing_table', message: `table ${relName} does not exist` })
      return
    }
    const column = (expr: string | undefined, fallback: string) => {
      const e = (expr ?? fallback).trim()
      const mm = BARE_COLUMN.exec(e)
      if (!mm) return { bare: false as const }
      const col = table.columns.find((c) => c.name.toLowerCase() === mm[1].toLowerCase())
      return { bare: true as const, name: mm[1], col }
    }
    const check = (path: string, label: string, expr: string | undefined, fallback: string, want?: Set<string>, wantWord?: string) => {
      if (expr !== undefined && /^\d+$/.test(expr.trim())) return
      const c = column(expr, fallback)
      if (!c.bare) return
      if (!c.col) {
        problems.push({ object: `${m.name}.${label}`, path, issue: 'missing_column', message: `column ${c.name} does not exist in ${relName}` })
      } else if (want && !want.has(c.col.type) && c.col.type !== 'unknown') {
        problems.push({ object: `${m.name}.${label}`, path, issue: 'type_mismatch', message: `column ${c.name} is ${c.col.db_type}, expected ${wantWord}` })
      }
    }
    m.entities.forEach((e, i) => check(`${base}.entities[${i}].expr`, e.name, e.expr, e.name))
    m.dimensions.forEach((d, i) => check(`${base}.dimensions[${i}].expr`, d.name, d.expr, d.name, d.type === 'time' ? TEMPORAL : undefined, 'a date or timestamp'))
    m.measures.forEach((x, i) => check(`${base}.measures[${i}].expr`, x.name, x.expr, x.name, NUMERIC_AGGS.has(x.agg) ? NUMERIC : undefined, 'a number'))
  })
  manifest.time_spines.forEach((s, i) => {
    const table = findTable(schema, s.node_relation)
    const relName = [s.node_relation.schema_name, s.node_relation.alias].filter(Boolean).join('.')
    if (!table) problems.push({ object: 'time_spine', path: `time_spines[${i}]`, issue: 'missing_table', message: `time spine table ${relName} does not exist` })
    else if (!table.columns.some((c) => c.name.toLowerCase() === s.primary_column.name.toLowerCase())) {
      problems.push({ object: 'time_spine', path: `time_spines[${i}].primary_column`, issue: 'missing_column', message: `column ${s.primary_column.name} does not exist in ${relName}` })
    }
  })
  return problems
}
