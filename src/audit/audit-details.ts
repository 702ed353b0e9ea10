// Details of an audit record, redacted by construction: only the keys listed
// here exist, each with a value type that cannot carry a secret or a result
// value (counts, durations, status words, identifiers, field *names*). Anything
// else handed in is dropped, not escaped; strings are bounded.
export interface AuditDetails {
  /** HTTP method and matched route (`POST /api/v1/connections`). */
  route?: string
  status?: number
  /** The error code answered (`forbidden`, `conflict`, ...). */
  error_code?: string
  /** Names of the fields a change touched; never their values. */
  fields?: string[]
  /** Query runs. */
  query_id?: string
  connection_id?: string
  source?: string
  query_status?: string
  rows?: number
  duration_ms?: number
  planner?: string
  llm_tokens?: number
  truncated?: boolean
  /** Plan changes. */
  plan_from?: string
  plan_to?: string
  /** Exports and verification. */
  format?: string
  checked?: number
  ok?: boolean
  /** Retention checkpoint: the last pruned record, so the rest still verifies. */
  pruned_count?: number
  pruned_through_seq?: number
  pruned_through_hash?: string
  retention_days?: number
  /** Why a request was refused (missing / invalid / missing_scope). */
  reason?: string
  scope?: string
  /** The OpenTelemetry trace of the request (tracing on), next to the record's request_id. */
  trace_id?: string
}

type Kind = 'string' | 'number' | 'boolean' | 'names'
const KINDS: Record<keyof AuditDetails, Kind> = {
  route: 'string', status: 'number', error_code: 'string', fields: 'names', query_id: 'string', connection_id: 'string',
  source: 'string', query_status: 'string', rows: 'number', duration_ms: 'number', planner: 'string', llm_tokens: 'number',
  truncated: 'boolean', plan_from: 'string', plan_to: 'string', format: 'string', checked: 'number', ok: 'boolean',
  pruned_count: 'number', pruned_through_seq: 'number', pruned_through_hash: 'string', retention_days: 'number', reason: 'string', scope: 'string',
  trace_id: 'string',
}

const MAX_STRING = 200

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * `s` cut to at most `max` UTF-16 units on a whole character, with any lone
 * surrogate as U+FFFD. The store keeps UTF-8, where a lone surrogate becomes
 * U+FFFD: a record hashed with one (a pair cut in two by the clip) never
 * verified again. What is hashed must be what is stored.
 */
export function clipText(s: string, max: number): string {
  let cut = s.slice(0, max)
  if (cut.length < s.length && /[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1)
  return cut.replace(LONE_SURROGATE, '\ufffd')
}
const NAME = /^[A-Za-z0-9_.:$-]{1,64}$/

/** Keeps only the known keys with values of their type; returns null when nothing is left. */
export function redactDetails(input: Record<string, unknown> | null | undefined): AuditDetails | null {
  if (!input) return null
  const out: Record<string, unknown> = {}
  for (const [k, kind] of Object.entries(KINDS) as Array<[keyof AuditDetails, Kind]>) {
    const v = input[k]
    if (v === undefined || v === null) continue
    if (kind === 'string' && typeof v === 'string') out[k] = clipText(v, MAX_STRING)
    else if (kind === 'number' && typeof v === 'number' && Number.isFinite(v)) out[k] = v
    else if (kind === 'boolean' && typeof v === 'boolean') out[k] = v
    else if (kind === 'names' && Array.isArray(v)) {
      const names = v.filter((x): x is string => typeof x === 'string' && NAME.test(x)).slice(0, 50).sort()
      if (names.length) out[k] = names
    }
  }
  return Object.keys(out).length ? (out as AuditDetails) : null
}
