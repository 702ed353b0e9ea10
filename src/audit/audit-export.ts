// The CSV form of an audit export: one flat row per record (actor and
// resource split into columns, details as compact JSON). Text cells that a
// spreadsheet would run as a formula are prefixed with ' (see query/csv.ts).
import { csvLine } from '../query/csv'
import type { AuditEntryView } from './audit-service'

const COLUMNS = ['id', 'seq', 'occurred_at', 'actor_type', 'actor_id', 'actor_display', 'action', 'resource_type', 'resource_id',
  'outcome', 'ip', 'user_agent', 'request_id', 'details', 'prev_hash', 'hash'] as const

export const auditCsvHeader = (): string => csvLine([...COLUMNS])

export function auditCsvLine(e: AuditEntryView): string {
  return csvLine([
    e.id, e.seq, e.occurred_at, e.actor?.type ?? null, e.actor?.id ?? null, e.actor?.display ?? null, e.action, e.resource?.type ?? null,
    e.resource?.id ?? null, e.outcome, e.ip, e.user_agent, e.request_id, JSON.stringify(e.details), e.prev_hash, e.hash,
  ])
}
