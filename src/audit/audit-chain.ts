// The tamper-evident chain: each record's hash is SHA-256 over its canonical
// content and the previous record's hash (per tenant). Changing, inserting or
// removing a record breaks every hash after it. Canonical content is a JSON
// array in a fixed order, with object keys sorted, so it does not depend on how
// the store returns jsonb.
import { createHash } from 'node:crypto'

/** prev_hash of a tenant's first record. */
export const GENESIS_HASH = '0'.repeat(64)

export interface ChainedContent {
  tenantId: string
  seq: number
  id: string
  occurredAt: Date
  actorType: string | null
  actorId: string | null
  actorDisplay: string | null
  action: string
  resourceType: string | null
  resourceId: string | null
  outcome: string
  ip: string | null
  userAgent: string | null
  requestId: string | null
  details: Record<string, unknown> | null
  prevHash: string
}

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null)
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`
}

export function recordHash(r: ChainedContent): string {
  const content = canonicalJson([
    'nexatron-audit-v1', r.tenantId, r.seq, r.id, r.occurredAt.toISOString(), r.actorType, r.actorId, r.actorDisplay, r.action,
    r.resourceType, r.resourceId, r.outcome, r.ip, r.userAgent, r.requestId, r.details, r.prevHash,
  ])
  return createHash('sha256').update(content).digest('hex')
}
