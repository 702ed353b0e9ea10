// Settings → Usage: the plan's limits against this period's use (billing), and
// query analytics by day, user or connection over a date range.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../../api'
import { useSession } from '../../session'
import { DataTable } from '../../components/data-table'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'

interface Plan {
  name: string; period_start: string; period_end: string
  limits: Record<'requests_per_hour' | 'queries_per_month' | 'rows_per_month' | 'llm_tokens_per_month' | 'connections' | 'seats', number | null>
  usage: Record<'queries' | 'rows' | 'llm_tokens' | 'connections' | 'seats', number>
}
interface Figures { queries: number; succeeded: number; failed: number; cancelled: number; pending: number; rows: number; llm_tokens: { total: number }; latency_ms: { p50: number | null; p95: number | null }; error_rate: number }
interface Report { group_by: string; since: string; until: string; timezone: string; totals: Figures; data: Array<Figures & { key: string; label: string | null }> }

const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString('en-US'))
const METERS: Array<[string, keyof Plan['usage'], keyof Plan['limits']]> = [
  ['Queries this month', 'queries', 'queries_per_month'], ['Rows this month', 'rows', 'rows_per_month'],
  ['LLM tokens this month', 'llm_tokens', 'llm_tokens_per_month'], ['Connections', 'connections', 'connections'], ['Seats (active users)', 'seats', 'seats'],
]

/** What is left of a limit (never below zero: a plan lowered mid-month can leave use above it); null when unlimited. */
const remaining = (plan: Plan, m: (typeof METERS)[number]) => {
  const limit = plan.limits[m[2]]
  return limit === null ? null : Math.max(0, limit - plan.usage[m[1]])
}

export function UsagePage() {
  const session = useSession()
  const [plan, setPlan] = useState<Plan | null>(null)
  const [planError, setPlanError] = useState<unknown>(null)
  const [groupBy, setGroupBy] = useState('day')
  const [report, setReport] = useState<Report | null>(null)
  const [error, setError] = useState<unknown>(null)
  const canAnalytics = session.can('audit:read')
  useEffect(() => { api.get<Plan>('/api/v1/billing/plan').then(setPlan, setPlanError) }, [])
  useEffect(() => { if (canAnalytics) api.get<Report>('/api/v1/analytics/usage', { group_by: groupBy }).then(setReport, setError) }, [groupBy])
  return (
    <div class="page">
      <h1>Usage</h1>
      <ErrorMessage error={planError} />
      {plan && (
        <section class="panel" aria-labelledby="plan-title">
          <h2 id="plan-title">Plan “{plan.name}”</h2>
          <p class="muted small">Period {new Date(plan.period_start).toLocaleDateString('en-US', { dateStyle: 'medium' })} – {new Date(plan.period_end).toLocaleDateString('en-US', { dateStyle: 'medium' })} (UTC); monthly quotas reset at its end · {n(plan.limits.requests_per_hour)} requests per hour</p>
          <DataTable
            caption="Use against the plan’s limits"
            rows={METERS}
            rowKey={(m) => m[1]}
            columns={[
              { key: 'meter', label: 'Meter', value: (m) => m[0], render: (m) => m[0] },
              { key: 'used', label: 'Used', numeric: true, value: (m) => plan.usage[m[1]], render: (m) => n(plan.usage[m[1]]) },
              { key: 'limit', label: 'Limit', numeric: true, value: (m) => plan.limits[m[2]], render: (m) => (plan.limits[m[2]] === null ? 'unlimited' : n(plan.limits[m[2]])) },
              { key: 'remaining', label: 'Remaining', numeric: true, value: (m) => remaining(plan, m), render: (m) => (remaining(plan, m) === null ? 'unlimited' : n(remaining(plan, m))) },
            ]}
          />
        </section>
      )}
      {canAnalytics && (
        <section aria-labelledby="analytics-title">
          <h2 id="analytics-title">Queries, last 30 days</h2>
          <div class="toolbar">
            <FormField id="usage-group" label="Group by">
              <select id="usage-group" value={groupBy} onChange={(e) => setGroupBy((e.target as HTMLSelectElement).value)}>
                <option value="day">day</option><option value="user">user or key</option><option value="connection">connection</option>
              </select>
            </FormField>
          </div>
          <ErrorMessage error={error} />
          {report && (
            <>
              <p class="small">Total: {n(report.totals.queries)} queries ({n(report.totals.succeeded)} succeeded, {n(report.totals.failed)} failed), {n(report.totals.rows)} rows, {n(report.totals.llm_tokens.total)} LLM tokens · p95 {n(report.totals.latency_ms.p95)} ms · days in {report.timezone}</p>
              <DataTable<Report['data'][number]>
                caption={`By ${report.group_by}`}
                rows={report.data}
                rowKey={(r) => r.key}
                empty="No queries in this range."
                columns={[
                  { key: 'key', label: report.group_by === 'day' ? 'Day' : report.group_by === 'user' ? 'User or key' : 'Connection', value: (r) => r.label ?? r.key, render: (r) => r.label ?? r.key },
                  { key: 'queries', label: 'Queries', numeric: true, render: (r) => n(r.queries) },
                  { key: 'failed', label: 'Failed', numeric: true, render: (r) => n(r.failed) },
                  { key: 'rows', label: 'Rows', numeric: true, render: (r) => n(r.rows) },
                  { key: 'tokens', label: 'LLM tokens', numeric: true, value: (r) => r.llm_tokens.total, render: (r) => n(r.llm_tokens.total) },
                  { key: 'p50', label: 'p50 ms', numeric: true, value: (r) => r.latency_ms.p50, render: (r) => n(r.latency_ms.p50) },
                ]}
              />
            </>
          )}
        </section>
      )}
    </div>
  )
}
