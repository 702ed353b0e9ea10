import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { AppError } from '../../errors'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { AUDIT_ACTIONS } from '../../../audit/audit-actions'
import { auditCsvHeader, auditCsvLine } from '../../../audit/audit-export'
import { recordAuditExport } from '../../../audit/export-event'
import { clientIp } from '../../middleware/client-ip'
import { AuditExportQuery, AuditListSchema, AuditQuery, AuditVerifySchema } from './schema'
import { lineStream, ndjsonLine } from '../../line-stream'

const tags = ['Audit']
const mw = [requireScope('audit:read')]
const actionList = Object.entries(AUDIT_ACTIONS).map(([a, d]) => `- \`${a}\`: ${d}`).join('\n')

const list = createRoute({
  method: 'get', path: '/api/v1/audit-log', operationId: 'listAuditLog', tags, security, middleware: mw,
  summary: 'Security-relevant events of the tenant: who, what, to what, when, from where, outcome (newest first)',
  description: `Outcome is success, failure, or denied (401/403). Actions (a closed list):\n${actionList}`,
  request: { query: AuditQuery },
  responses: { 200: jsonResponse(AuditListSchema, 'A page of records'), ...errorResponses() },
})

const verify = createRoute({
  method: 'get', path: '/api/v1/audit-log/verify', operationId: 'verifyAuditLog', tags, security, middleware: mw,
  summary: "Walk the tenant's hash chain and report the first record where it breaks",
  description: 'Recomputes every chained record\'s hash from its content and the previous hash. `first_break` names the first record that was changed, inserted or removed (or the missing tail). Records pruned by retention are vouched for by their checkpoint.',
  responses: { 200: jsonResponse(AuditVerifySchema, 'The verification'), ...errorResponses() },
})

const exportRoute = createRoute({
  method: 'get', path: '/api/v1/audit-log/export', operationId: 'exportAuditLog', tags, security, middleware: mw,
  summary: 'Stream the audit log (oldest first) as NDJSON or CSV for a SIEM',
  description: 'Takes the same filters as the list. Streamed in batches: the server holds one batch in memory whatever the size of the log. The export itself is recorded (`audit.export`).',
  request: { query: AuditExportQuery },
  responses: {
    200: { description: 'The records', content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } } },
    ...errorResponses(),
  },
})

function checkRange(q: { since?: Date; until?: Date }) {
  if (q.since && q.until && q.since >= q.until) {
    throw new AppError('validation_error', 'since must be before until', [{ path: 'since', issue: 'after_until' }])
  }
}

export function registerAuditLogRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query')
    checkRange(q)
    return c.json(await c.get('services').audit.list(c.get('principal')!.tenantId, q), 200)
  })

  app.openapi(verify, async (c) => c.json(await c.get('services').audit.verify(c.get('principal')!.tenantId), 200))

  app.openapi(exportRoute, async (c) => {
    const { format, ...filter } = c.req.valid('query')
    checkRange(filter)
    const services = c.get('services')
    const principal = c.get('principal')!
    await recordAuditExport(services.audit, principal, {
      format, filter, ip: clientIp(c, services.config.limits.trustProxy), userAgent: c.req.header('user-agent') ?? null, requestId: c.get('requestId'),
    })
    const entries = services.audit.entries(principal.tenantId, filter)
    const body = format === 'csv' ? lineStream(entries, auditCsvLine, auditCsvHeader()) : lineStream(entries, ndjsonLine)
    const date = new Date().toISOString().slice(0, 10)
    // c.body (not a bare Response) keeps the headers middleware set, X-Request-Id among them
    return c.body(body, 200, {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'Content-Disposition': `attachment; filename="audit-log-${date}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
    }) as never
  })
}
