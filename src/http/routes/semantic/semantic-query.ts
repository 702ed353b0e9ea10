import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { AppError } from '../../errors'
import { cacheHeader } from '../query/schema'
import { hasScope } from '../../../identity/scopes'
import type { OffsetMetricInput, SemanticQuery } from '../../../../semantic/types'
import { SemanticQueryBodySchema, SemanticQueryResultSchema } from './schema'
import { offsetMetric, type AdhocInput } from './query-parts'
import { assertGovernedWhere } from '../../../governance/governed-layer'
import { streamSemanticAnswer } from './semantic-answer'

const tags = ['Semantic layer']

const queryRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/query', operationId: 'semanticQuery', tags, security,
  summary: 'Run a structured semantic query (metrics, group_by, filters, where, time_constraint, order_by, limit) or a saved query',
  description: '`filters` carry values as bind parameters and are open to every caller with query:run. `where` takes MetricFlow where-filter SQL ' +
    "({{ Dimension('store__region') }} = 'West') and needs semantic:write as well; on a layer with access policies a non-admin's where may name members " +
    'only through templates (a subquery, table or column name is 403 access_denied).',
  middleware: [requireScope('query:run')] as const, request: { body: jsonBody(SemanticQueryBodySchema) },
  responses: { 200: { ...jsonResponse(SemanticQueryResultSchema, 'The result'), headers: cacheHeader }, ...errorResponses(404, 413, 415, 422, 503) },
})
/**
 * `metrics` entries that are objects become ad-hoc offset metrics; the list
 * keeps their output names. `offset_metrics` (a plan's own spelling) adds
 * more, each listed in `metrics` by its alias when it was not already.
 */
function splitMetricInputs(items: Array<string | AdhocInput>, planned: AdhocInput[] = []): { metrics: string[]; offset_metrics: OffsetMetricInput[] } {
  const metrics: string[] = []
  const offset_metrics: OffsetMetricInput[] = []
  items.forEach((m, i) => {
    if (typeof m === 'string') { metrics.push(m); return }
    const o = offsetMetric(m, `metrics.${i}`)
    offset_metrics.push(o)
    metrics.push(o.alias)
  })
  planned.forEach((m, i) => {
    const o = offsetMetric(m, `offset_metrics.${i}`)
    offset_metrics.push(o)
    if (!metrics.includes(o.alias)) metrics.push(o.alias)
  })
  return { metrics, offset_metrics }
}

export function registerSemanticQueryRoute(app: OpenAPIHono<AppEnv>) {
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
    // On a layer with access policies a subquery or a bare table name in `where` would read around them.
    if (b.where !== undefined) await assertGovernedWhere(c.get('services'), principal, b.connection_id, Array.isArray(b.where) ? b.where : [b.where])
    const { metrics, offset_metrics } = splitMetricInputs(b.metrics, b.offset_metrics)
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
    c.set('runId', run.id)
    // Written as the rows arrive (semantic-answer.ts): a large answer never sits whole in memory.
    return streamSemanticAnswer(c, run, runner.execute(run, c.req.raw.signal), c.get('requestId'))
  })
}
