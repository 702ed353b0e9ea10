import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { importWithPolicies } from '../../../governance/policy-import'
import { assertMayValidate } from '../../../governance/validate-access'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { ImportBodySchema, ImportResultSchema, SemanticQueryBodySchema, SemanticQueryResultSchema, ValidateBodySchema, ValidationReportSchema } from './schema'
import { rowsToObjects } from '../../../query/result-columns'
import type { OffsetMetricInput, SemanticQuery, TimeGrain } from '../../../../semantic/types'
import { hasScope } from '../../../identity/scopes'
import { AppError } from '../../errors'

const tags = ['Semantic layer']

const importRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/import', operationId: 'importSemanticLayer', tags, security,
  summary: 'Import dbt MetricFlow YAML or dbt\'s target/semantic_manifest.json (semantic models, metrics, saved queries, time spines)',
  description: 'Every problem is reported at once in a 422 with its file, YAML path and reason.',
  middleware: [requireScope('semantic:write')] as const, request: { body: jsonBody(ImportBodySchema) },
  responses: { 200: jsonResponse(ImportResultSchema, 'Imported; counts of what was written'), ...errorResponses(404, 413, 415, 422) },
})
const queryRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/query', operationId: 'semanticQuery', tags, security,
  summary: 'Run a structured semantic query (metrics, group_by, filters, where, time_constraint, order_by, limit) or a saved query',
  description: '`filters` carry values as bind parameters and are open to every caller with query:run. `where` takes MetricFlow where-filter SQL ' +
    "({{ Dimension('store__region') }} = 'West') and needs semantic:write as well.",
  middleware: [requireScope('query:run')] as const, request: { body: jsonBody(SemanticQueryBodySchema) },
  responses: { 200: jsonResponse(SemanticQueryResultSchema, 'The result'), ...errorResponses(404, 413, 415, 422, 503) },
})
const validateRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/validate', operationId: 'validateSemanticLayer', tags, security,
  summary: 'Probe every model, metric and dimension in the live database',
  description: 'Per model: the relation exists, every expression runs (WHERE 1=0), time dimensions are date/time typed, primary/unique entity keys are unique ' +
    '(bounded COUNT vs COUNT DISTINCT), foreign keys find their primary (orphans are a warning). Every probe runs through the guarded executor. ' +
    '`valid` is true only when no problem has severity error. On a layer with access policies only admins may validate (403 otherwise): the probes read unrestricted rows.',
  middleware: [requireScope('semantic:read')] as const, request: { body: { required: false, content: { 'application/json': { schema: ValidateBodySchema } } } },
  responses: { 200: jsonResponse(ValidationReportSchema, 'The report (valid: false lists each problem)'), ...errorResponses(404, 413, 415, 422, 503) },
})

/** `files`, or with format dbt_semantic_manifest the parsed `manifest` as its one file. */
function importFiles(b: { format: string; files?: Array<{ path: string; content: string }>; manifest?: Record<string, unknown> }): Array<{ path: string; content: string }> {
  if (b.files && b.manifest) throw new AppError('validation_error', 'give either files or manifest, not both', [{ path: 'manifest', issue: 'conflicts_with_files' }])
  if (b.manifest) {
    if (b.format !== 'dbt_semantic_manifest') throw new AppError('validation_error', 'manifest needs format "dbt_semantic_manifest"', [{ path: 'manifest', issue: 'needs_format' }])
    return [{ path: 'manifest', content: JSON.stringify(b.manifest) }]
  }
  if (!b.files) throw new AppError('validation_error', 'files is required (or manifest, with format "dbt_semantic_manifest")', [{ path: 'files', issue: 'required' }])
  return b.files
}

/** `metrics` entries that are objects become ad-hoc offset metrics; the list keeps their output names. */
function splitMetricInputs(items: Array<string | { name: string; alias?: string; offset_window?: string; offset_to_grain?: TimeGrain }>): { metrics: string[]; offset_metrics: OffsetMetricInput[] } {
  const metrics: string[] = []
  const offset_metrics: OffsetMetricInput[] = []
  items.forEach((m, i) => {
    if (typeof m === 'string') { metrics.push(m); return }
    if ((m.offset_window === undefined) === (m.offset_to_grain === undefined)) {
      throw new AppError('validation_error', `metrics[${i}] needs exactly one of offset_window or offset_to_grain`, [{ path: `metrics.${i}`, issue: 'needs_one_offset' }])
    }
    const alias = m.alias ?? (m.offset_window !== undefined ? `${m.name}__${m.offset_window.trim().replace(/\s+/g, '_')}_ago` : `${m.name}__${m.offset_to_grain}_start`)
    offset_metrics.push({ name: m.name, alias, ...(m.offset_window !== undefined ? { offset_window: m.offset_window } : { offset_to_grain: m.offset_to_grain }) })
    metrics.push(alias)
  })
  return { metrics, offset_metrics }
}

export function registerImportQueryValidate(app: OpenAPIHono<AppEnv>) {
  app.openapi(importRoute, async (c) => {
    const b = c.req.valid('json')
    const s = c.get('services')
    const files = importFiles(b)
    // Access policies in the YAML (governance) are checked first and stored with the layer.
    const res = await importWithPolicies({ access: s.access, semantic: s.semantic.store, connections: s.connections }, c.get('principal')!, {
      connectionId: b.connection_id, files, mode: b.mode, format: b.format,
    }, () => s.semantic.import(c.get('principal')!.tenantId, {
      connectionId: b.connection_id, files, format: b.format, mode: b.mode, sourceSchema: b.source_schema, relationMap: b.relation_map,
      refreshSampleValues: b.refresh_sample_values, checkRelations: b.check_relations,
    }))
    return c.json(res, 200)
  })

  app.openapi(queryRoute, async (c) => {
    const b = c.req.valid('json')
    const { runner } = c.get('services')
    const principal = c.get('principal')!
    // `where` is SQL around template references: the guard and the read-only
    // session bound it, but only people who may define the layer may write it.
    // Everyone else filters with `filters`, whose values are bind parameters.
    if (b.where !== undefined && !hasScope(principal.scopes, 'semantic:write')) {
      throw new AppError('forbidden', 'where filters are SQL and need the "semantic:write" scope; use filters instead', [{ path: 'where', issue: 'missing_scope', scope: 'semantic:write' }])
    }
    const { metrics, offset_metrics } = splitMetricInputs(b.metrics)
    const semantic: SemanticQuery = {
      metrics, ...(offset_metrics.length ? { offset_metrics } : {}),
      ...(b.compare !== undefined ? { compare: b.compare } : {}),
      ...(b.share_of_total !== undefined ? { share_of_total: b.share_of_total } : {}),
      group_by: b.group_by, filters: b.filters, time_constraint: b.time_constraint, order_by: b.order_by, limit: b.limit,
      where: b.where === undefined ? undefined : Array.isArray(b.where) ? b.where : [b.where],
      ...(b.saved_query !== undefined ? { saved_query: b.saved_query } : {}),
      ...(b.min_max_only !== undefined ? { min_max_only: b.min_max_only } : {}),
      ...(b.apply_group_by !== undefined ? { apply_group_by: b.apply_group_by } : {}),
    }
    const run = await runner.prepare({ principal: c.get('principal')!, semantic, connectionId: b.connection_id, maxRows: b.max_rows })
    const r = await runner.collect(run, c.req.raw.signal)
    return c.json({
      id: r.id, columns: r.columns, data: rowsToObjects(r.columns, r.rows), sql: r.sql,
      row_count: r.row_count, truncated: r.truncated, execution_time_ms: r.execution_time_ms,
    }, 200)
  })

  app.openapi(validateRoute, async (c) => {
    let body: { connection_id?: string } = {}
    try { body = c.req.valid('json') ?? {} } catch { body = {} }
    const s = c.get('services')
    const principal = c.get('principal')!
    await assertMayValidate(s, principal, body.connection_id)
    return c.json(await s.semantic.validate(principal.tenantId, body.connection_id), 200)
  })
}
