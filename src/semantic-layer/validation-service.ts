// POST /semantic/validate: the layer checked against the live database, not
// just its schema. Every model gets cheap probes, each one statement through
// the guarded executor (built the way the compiler renders relations, so the
// guard accepts it): the relation exists; every entity, dimension and measure
// expression runs (`WHERE 1=0`); time dimensions are date/time typed;
// primary/unique entity keys are unique over a bounded sample; foreign keys
// mostly find their primary (orphans are a warning). `valid` is true only when
// no probe found an error.
import { getDialect, validateManifest } from '../../semantic'
import type { NodeRelation, SemanticManifest } from '../../semantic/types'
import type { ConnectionRow, ConnectionService } from '../connections/connection-service'
import { dialectOf } from '../../connectors/registry'
import type { SqlExecutor } from '../query/executor'
import type { SemanticStore } from './semantic-store'
import { validateAgainstSchema } from './live-validation'

export interface ValidationProblem { object: string; path: string; issue: string; message: string; severity: 'error' | 'warning' }
export interface ValidationReport {
  connection_id: string
  valid: boolean
  problems: ValidationProblem[]
  checked: { models: number; metrics: number; dimensions: number; probes: number }
}

/** Rows sampled by the key checks: bounded so validation stays cheap on big tables. */
const KEY_SAMPLE = 100_000
const PROBE_TIMEOUT_MS = 15_000

export class ValidationService {
  constructor(private readonly deps: { store: SemanticStore; connections: ConnectionService; executor: SqlExecutor }) {}

  async validate(conn: ConnectionRow): Promise<ValidationReport> {
    const { manifest } = await this.deps.store.load(conn.tenantId, conn.id)
    const problems: ValidationProblem[] = validateManifest(manifest).map((p) => ({
      object: p.path.split('.')[0], path: p.path, issue: 'invalid_reference', message: p.message, severity: 'error' as const,
    }))
    const d = getDialect(dialectOf(conn.type))
    const rel = (r: NodeRelation) => d.qualifiedRelation([r.database, r.schema_name, r.alias].filter((x): x is string => !!x))
    const q = (name: string) => d.quoteIdentifier(name)
    let probes = 0
    // Every probe through one guard built for the layer (a probe per model and element: built per probe, it cost models squared).
    const layer = this.deps.executor.forLayer(conn, manifest)
    const run = async (sql: string): Promise<{ rows?: unknown[][]; error?: string }> => {
      probes++
      try {
        const statement = layer.prepare({ sql, params: [] }, { maxRows: 10, timeoutMs: PROBE_TIMEOUT_MS })
        const rows: unknown[][] = []
        for await (const b of statement.rows(AbortSignal.timeout(PROBE_TIMEOUT_MS + 1_000))) rows.push(...b.rows)
        return { rows }
      } catch (e) {
        return { error: (e as Error).message }
      }
    }
    const add = (severity: ValidationProblem['severity'], object: string, path: string, issue: string, message: string) =>
      problems.push({ severity, object, path, issue, message })

    // Column types from the live schema (time dimensions must be date/time typed).
    let schemaTypes: ReturnType<typeof validateAgainstSchema> = []
    try {
      const { schema } = await this.deps.connections.schema(conn, true)
      schemaTypes = validateAgainstSchema(manifest, schema).filter((p) => p.issue === 'type_mismatch')
    } catch (e) {
      add('warning', 'connection', '', 'schema_unavailable', `column types were not checked: the schema could not be read (${(e as Error).message})`)
    }

    const reachable = new Set<string>()
    for (const [mi, m] of manifest.semantic_models.entries()) {
      const base = `semantic_models[${mi}]`
      const from = rel(m.node_relation)
      const exists = await run(`SELECT 1 AS ${q('ok')} FROM ${from} WHERE 1=0`)
      if (exists.error) {
        add('error', m.name, `${base}.node_relation`, 'missing_table', `relation ${from} of semantic model "${m.name}" cannot be read: ${exists.error}`)
        continue
      }
      reachable.add(m.name)
      const elements = [
        ...m.entities.map((e, j) => ({ kind: 'entity', path: `${base}.entities[${j}]`, name: e.name, expr: e.expr })),
        ...m.dimensions.map((x, j) => ({ kind: 'dimension', path: `${base}.dimensions[${j}]`, name: x.name, expr: x.expr })),
        ...m.measures.map((x, j) => ({ kind: 'measure', path: `${base}.measures[${j}]`, name: x.name, expr: x.expr })),
      ]
      for (const el of elements) {
        const expr = el.expr ?? q(el.name)
        const r = await run(`SELECT (${expr}) AS ${q('e')} FROM ${from} WHERE 1=0`)
        if (r.error) add('error', `${m.name}.${el.name}`, `${el.path}.expr`, /^"?[A-Za-z_][A-Za-z0-9_$]*"?$/.test((el.expr ?? el.name).trim()) ? 'missing_column' : 'expression_failed', `${el.kind} "${el.name}" of "${m.name}": ${expr} does not run on ${from}: ${r.error}`)
      }
      for (const t of schemaTypes.filter((p) => p.path.startsWith(`${base}.dimensions[`))) {
        const j = Number(/dimensions\[(\d+)\]/.exec(t.path)?.[1])
        const dim = m.dimensions[j]
        const expr = dim.expr ?? q(dim.name)
        const cast = await run(`SELECT ${d.castToTimestamp(`(${expr})`)} AS ${q('t')} FROM ${from} WHERE (${expr}) IS NOT NULL LIMIT 5`)
        const castable = cast.error ? '' : ` (its values cast to a timestamp: set expr to ${d.castToTimestamp(expr)} to use it as a time dimension)`
        add('error', `${m.name}.${dim.name}`, `${base}.dimensions[${j}].type`, 'time_dimension_not_temporal',
          `time dimension "${dim.name}" of "${m.name}": ${t.message}${castable}`)
      }
      // Declared unique keys: COUNT(key) against COUNT(DISTINCT key) over a bounded sample.
      for (const [j, e] of m.entities.entries()) {
        if (e.type !== 'primary' && e.type !== 'unique') continue
        const key = e.expr ?? q(e.name)
        const sample = d.limitOffset(`SELECT (${key}) AS ${q('k')} FROM ${from} WHERE (${key}) IS NOT NULL`, KEY_SAMPLE)
        const r = await run(`SELECT COUNT(${q('k')}) AS ${q('n')}, COUNT(DISTINCT ${q('k')}) AS ${q('d')} FROM (${sample}) AS ${q('s')}`)
        // The key expression itself was probed above: a check that could not finish (a slow view, a timeout) is no evidence of duplicates.
        if (r.error) { add('warning', `${m.name}.${e.name}`, `${base}.entities[${j}]`, 'key_check_failed', `the uniqueness of ${e.type} entity "${e.name}" could not be checked: ${r.error}`); continue }
        const n = Number(r.rows?.[0]?.[0] ?? 0)
        const distinct = Number(r.rows?.[0]?.[1] ?? 0)
        if (n > distinct) {
          add('error', `${m.name}.${e.name}`, `${base}.entities[${j}].type`, 'duplicate_keys',
            `${e.type} entity "${e.name}" of "${m.name}" is not unique: ${n - distinct} duplicate key value(s) (${n} rows, ${distinct} distinct keys${n >= KEY_SAMPLE ? ` in the first ${KEY_SAMPLE} rows` : ''}); joins through it would multiply rows — declare it foreign or fix the table`)
        }
      }
    }
    // Foreign keys: how many have no row in the model whose primary/unique entity they name.
    for (const [mi, m] of manifest.semantic_models.entries()) {
      if (!reachable.has(m.name)) continue
      for (const [j, e] of m.entities.entries()) {
        if (e.type !== 'foreign') continue
        const target = manifest.semantic_models.find((o) => o !== m && reachable.has(o.name) && o.entities.some((x) => x.name === e.name && (x.type === 'primary' || x.type === 'unique')))
        if (!target) continue
        const te = target.entities.find((x) => x.name === e.name)!
        const fk = e.expr ?? q(e.name)
        const pk = te.expr ?? q(te.name)
        const sample = d.limitOffset(`SELECT (${fk}) AS ${q('k')} FROM ${rel(m.node_relation)} WHERE (${fk}) IS NOT NULL`, KEY_SAMPLE)
        const keys = `SELECT DISTINCT (${pk}) AS ${q('k')} FROM ${rel(target.node_relation)} WHERE (${pk}) IS NOT NULL`
        // ClickHouse 18.16 joins USING only and reads defaults, not NULL, for unmatched rows: it counts with NOT IN.
        const r = await run(d.name === 'clickhouse'
          ? `SELECT COUNT(*) AS ${q('n')}, SUM(CASE WHEN ${q('k')} NOT IN (${keys}) THEN 1 ELSE 0 END) AS ${q('o')} FROM (${sample}) AS ${q('s')}`
          : `SELECT COUNT(*) AS ${q('n')}, SUM(CASE WHEN ${q('p')}.${q('k')} IS NULL THEN 1 ELSE 0 END) AS ${q('o')} FROM (${sample}) AS ${q('s')} LEFT JOIN (${keys}) AS ${q('p')} ON ${q('s')}.${q('k')} = ${q('p')}.${q('k')}`)
        if (r.error) { add('warning', `${m.name}.${e.name}`, `semantic_models[${mi}].entities[${j}]`, 'key_check_failed', `foreign keys of "${e.name}" could not be checked: ${r.error}`); continue }
        const n = Number(r.rows?.[0]?.[0] ?? 0)
        const orphans = Number(r.rows?.[0]?.[1] ?? 0)
        if (orphans > 0) {
          add('warning', `${m.name}.${e.name}`, `semantic_models[${mi}].entities[${j}]`, 'orphan_foreign_keys',
            `${orphans} of ${n} foreign keys "${e.name}" in "${m.name}" (${((orphans / Math.max(n, 1)) * 100).toFixed(1)}%) have no row in "${target.name}"; they group under an empty ${target.name} and inner joins drop them`)
        }
      }
    }
    for (const [i, s] of manifest.time_spines.entries()) {
      const from = rel(s.node_relation)
      const r = await run(`SELECT ${q(s.primary_column.name)} AS ${q('t')} FROM ${from} WHERE 1=0`)
      if (r.error) add('error', 'time_spine', `time_spines[${i}]`, 'missing_table', `time spine ${from} (column ${s.primary_column.name}) cannot be read: ${r.error}`)
    }
    return {
      connection_id: conn.id, valid: !problems.some((p) => p.severity === 'error'), problems,
      checked: {
        models: manifest.semantic_models.length, metrics: manifest.metrics.length,
        dimensions: manifest.semantic_models.reduce((n, m) => n + m.dimensions.length, 0), probes,
      },
    }
  }
}
