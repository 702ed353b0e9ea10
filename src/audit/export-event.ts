// An audit export is itself audited (`audit.export`): who exported, in which
// format, and which filters narrowed it (their names only, never their values).
import type { Principal } from '../identity/principal'
import type { AuditFilter, AuditService } from './audit-service'

export interface ExportRequest {
  format: 'ndjson' | 'csv'
  filter: AuditFilter
  ip: string | null
  userAgent: string | null
  requestId: string | null
}

export async function recordAuditExport(audit: Pick<AuditService, 'record'>, principal: Principal, req: ExportRequest): Promise<void> {
  await audit.record({
    tenantId: principal.tenantId,
    // A SCIM token acts as the provisioning client, not as a user or key.
    actor: { type: principal.id.startsWith('scim_') ? 'scim' : principal.kind, id: principal.id },
    action: 'audit.export', outcome: 'success', resource: { type: 'audit_log', id: principal.tenantId },
    details: { format: req.format, fields: Object.keys(req.filter).filter((k) => req.filter[k as keyof AuditFilter] !== undefined) },
    ip: req.ip, userAgent: req.userAgent, requestId: req.requestId,
  })
}
