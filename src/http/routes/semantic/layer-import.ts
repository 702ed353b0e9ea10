import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { AppError } from '../../errors'
import { importWithPolicies } from '../../../governance/policy-import'
import { ImportBodySchema, ImportResultSchema } from './schema'
import { assertMayChangeGovernedLayer } from '../../../governance/governed-layer'

const tags = ['Semantic layer']

const importRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/import', operationId: 'importSemanticLayer', tags, security,
  summary: 'Import dbt MetricFlow YAML or dbt\'s target/semantic_manifest.json (semantic models, metrics, saved queries, time spines)',
  description: 'Every problem is reported at once in a 422 with its file, YAML path and reason.',
  middleware: [requireScope('semantic:write')] as const, request: { body: jsonBody(ImportBodySchema) },
  responses: { 200: jsonResponse(ImportResultSchema, 'Imported; counts of what was written'), ...errorResponses(404, 413, 415, 422) },
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

export function registerLayerImportRoute(app: OpenAPIHono<AppEnv>) {
  app.openapi(importRoute, async (c) => {
    const b = c.req.valid('json')
    const s = c.get('services')
    const files = importFiles(b)
    // An import rewrites models and expressions the policies rely on: admins only on a governed layer.
    await assertMayChangeGovernedLayer(s, c.get('principal')!, b.connection_id)
    // Access policies in the YAML (governance) are checked first and stored with the layer.
    const res = await importWithPolicies({ access: s.access, semantic: s.semantic.store, connections: s.connections }, c.get('principal')!, {
      connectionId: b.connection_id, files, mode: b.mode, format: b.format,
    }, () => s.semantic.import(c.get('principal')!.tenantId, {
      connectionId: b.connection_id, files, format: b.format, mode: b.mode, sourceSchema: b.source_schema, relationMap: b.relation_map,
      refreshSampleValues: b.refresh_sample_values, checkRelations: b.check_relations,
    }))
    return c.json(res, 200)
  })
}
