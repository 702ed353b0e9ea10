import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { ImportBodySchema, ImportResultSchema, SemanticQueryBodySchema, SemanticQueryResultSchema, ValidateBodySchema, ValidationReportSchema } from './schema'
import { rowsToObjects, type ResultColumn } from '../../../query/result-columns'
import { validateAgainstSchema } from '../../../semantic-layer/live-validation'
import { validateManifest } from '../../../../semantic'
import type { SemanticQuery } from '../../../../semantic/types'
import { hasScope } from '../../../identity/scopes'
import { AppError } from '../../errors'

const tags = ['Semantic layer']

const importRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/import', operationId: 'importSemanticLayer', tags, security,
  summary: 'Import dbt MetricFlow YAML (semantic models, metrics, saved queries, time spines)',
  description: 'Every problem is reported at once in a 422 with its file, YAML path and reason.',
  middleware: [requireScope('semantic:write')] as const, request: { body: jsonBody(ImportBodySchema) },
  responses: { 200: jsonResponse(ImportResultSchema, 'Imported; counts of what was written'), ...errorResponses(404, 413, 415, 422) },
})
const queryRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/query', operationId: 'semanticQuery', tags, security,
  summary: 'Run a structured semantic query (metrics, group_by, filters, where, time_constraint, order_by, limit)',
  description: '`filters` carry values as bind parameters and are open to every caller with query:run. `where` takes MetricFlow where-filter SQL ' +
    "({{ Dimension('store__region') }} = 'West') and needs semantic:write as well.",
  middleware: [requireScope('query:run')] as const, request: { body: jsonBody(SemanticQueryBodySchema) },
  responses: { 200: jsonResponse(SemanticQueryResultSchema, 'The result'), ...errorResponses(404, 413, 415, 422, 503) },
})
const validateRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/validate', operationId: 'validateSemanticLayer', tags, security,
  summary: 'Check every model, metric and dimension against the live database schema',
  middleware: [requireScope('semantic:read')] as const, request: { body: { required: false, content: { 'application/json': { schema: ValidateBodySchema } } } },
  responses: { 200: jsonResponse(ValidationReportSchema, 'The report (valid: false lists each problem)'), ...errorResponses(404, 413, 415, 422, 503) },
})

export function registerImportQueryValidate(app: OpenAPIHono<AppEnv>) {
  app.openapi(importRoute, async (c) => {
    const b = c.req.valid('json')
    const res = await c.get('services').semantic.import(c.get('principal')!.tenantId, {
      connectionId: b.connection_id, files: b.files, mode: b.mode, sourceSchema: b.source_schema, relationMap: b.relation_map,
      refreshSampleValues: b.refresh_sample_values,
    })
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
    const semantic: SemanticQuery = {
      metrics: b.metrics, group_by: b.group_by, filters: b.filters, time_constraint: b.time_constraint, order_by: b.order_by, limit: b.limit,
      where: b.where === undefined ? undefined : Array.isArray(b.where) ? b.where : [b.where],
    }
    const run = await runner.prepare({ principal: c.get('principal')!, semantic, connectionId: b.connection_id, maxRows: b.max_rows })
    let sql = ''
    let columns: ResultColumn[] = []
    const rows: unknown[][] = []
    let done: { row_count: number; truncated: boolean; execution_time_ms: number } | undefined
    for await (const ev of runner.execute(run, c.req.raw.signal)) {
      if (ev.type === 'sql') sql = ev.sql
      else if (ev.type === 'columns') columns = ev.columns
      else if (ev.type === 'rows') for (const r of ev.rows) rows.push(r)
      else if (ev.type === 'done') done = ev
    }
    return c.json({
      id: run.id, columns, data: rowsToObjects(columns, rows), sql,
      row_count: done?.row_count ?? rows.length, truncated: done?.truncated ?? false, execution_time_ms: done?.execution_time_ms ?? 0,
    }, 200)
  })

  app.openapi(validateRoute, async (c) => {
    let body: { connection_id?: string } = {}
    try { body = c.req.valid('json') ?? {} } catch { body = {} }
    const { semantic, connections } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    const conn = await semantic.connection(tenantId, body.connection_id)
    const { manifest } = await semantic.store.load(tenantId, conn.id)
    const { schema } = await connections.schema(conn, true)
    const problems = [
      ...validateManifest(manifest).map((p) => ({ object: p.path.split('.')[0], path: p.path, issue: 'invalid_reference', message: p.message })),
      ...validateAgainstSchema(manifest, schema),
    ]
    return c.json({
      connection_id: conn.id, valid: problems.length === 0, problems,
      checked: {
        models: manifest.semantic_models.length, metrics: manifest.metrics.length,
        dimensions: manifest.semantic_models.reduce((n, m) => n + m.dimensions.length, 0),
      },
    }, 200)
  })
}
