// Settings → Usage: the plan's limits against this period's use (billing), and
// query analytics (GET /api/v1/analytics/usage, scope analytics:read) over a
// date range: totals, a series by day, week or month (chart and table),
// optional groups, the top questions and metrics, and the refused questions.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../../api'
import { useSession } from '../../session'
import { DataTable } from '../../components/data-table'
import { ErrorMessage } from '../../components/error-message'
import { FormField } from '../../components/form-field'
import { Chart } from '../../components/chart'

interface Plan {
  name: string; period_start: string; period_end: string
  limits: Record<'requests_per_hour' | 'queries_per_month' | 'rows_per_month' | 'llm_tokens_per_month' | 'connections' | 'seats', number | null>
  usage: Record<'queries' | 'rows' | 'llm_tokens' | 'connections' | 'seats', number>
}
interface Figures {
  queries: number; succeeded: number; failed: number; refused: number; clarified: number; cancelled: number; pending: number
  rows: number; llm_tokens: number; active_users: number; p50_ms: number | null; p95_ms: number | null
}
interface Report {
  from: string; to: string; interval: Interval; group_by: Group | null; timezone: string; totals: Figures
  series: Array<Figures & { start: string }>
  groups?: Array<Figures & { key: string; label: string | null }>
  top_questions: Array<{ question: string; count: number; succeeded: number; last_asked_at: string }>
  top_metrics: Array<{ metric: string; count: number; succeeded: number }>
  refused_questions: Array<{ question: string; count: number; last_asked_at: string; code: string }>
}
type Interval = 'day' | 'week' | 'month'
type Group = 'user' | 'api_key' | 'connection' | 'metric' | 'planner'
const GROUPS: Array<[Group | '', string]> = [['', 'nothing'], ['user', 'user'], ['api_key', 'API key'], ['connection', 'connection'], ['metric', 'metric'], ['planner', 'planner']]

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

/** The day after a YYYY-MM-DD date: the form's "Through" day is inclusive, the API's `to` exclusive. */
const nextDay = (d: string) => {
  const t = new Date(`${d}T12:00:00Z`)
  t.setUTCDate(t.getUTCDate() + 1)
  return t.toISOString().slice(0, 10)
}
const ms = (v: number | null) => (v === null ? '—' : `${n(v)} ms`)
const when = (iso: string) => new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })

/** The figures every row of the series and group tables shows, after its first column. */
function figureColumns<R extends Figures>() {
  return [
    { key: 'queries', label: 'Queries', numeric: true, render: (r: R) => n(r.queries) },
    { key: 'succeeded', label: 'Succeeded', numeric: true, render: (r: R) => n(r.succeeded) },
    { key: 'failed', label: 'Failed', numeric: true, render: (r: R) => n(r.failed) },
    { key: 'refused', label: 'Refused', numeric: true, render: (r: R) => n(r.refused) },
    { key: 'clarified', label: 'Asked back', numeric: true, render: (r: R) => n(r.clarified) },
    { key: 'rows', label: 'Rows', numeric: true, render: (r: R) => n(r.rows) },
    { key: 'llm_tokens', label: 'LLM tokens', numeric: true, render: (r: R) => n(r.llm_tokens) },
    { key: 'active_users', label: 'Active users', numeric: true, render: (r: R) => n(r.active_users) },
    { key: 'p50_ms', label: 'p50 ms', numeric: true, render: (r: R) => n(r.p50_ms) },
    { key: 'p95_ms', label: 'p95 ms', numeric: true, render: (r: R) => n(r.p95_ms) },
  ]
}

/** The series as the chart renderer's Vega-Lite subset: one line per outcome. */
function seriesChart(report: Report) {
  const outcomes: Array<[keyof Figures, string]> = [['succeeded', 'Succeeded'], ['failed', 'Failed'], ['refused', 'Refused'], ['clarified', 'Asked back']]
  return {
    description: `queries by ${report.interval} and outcome`,
    data: { values: report.series.map((e) => Object.fromEntries([['start', e.start], ...outcomes.map(([k, label]) => [label, e[k]])])) },
    transform: [{ fold: outcomes.map(([, label]) => label), as: ['outcome', 'queries'] }],
    mark: report.series.length > 1 ? 'line' : 'bar',
    encoding: {
      x: { field: 'start', type: 'temporal', title: report.interval === 'day' ? 'Day' : report.interval === 'week' ? 'Week of' : 'Month' },
      y: { field: 'queries', type: 'quantitative', title: 'Queries' },
      color: { field: 'outcome', type: 'nominal' },
    },
  }
}

function Totals(props: { totals: Figures }) {
  const t = props.totals
  const items: Array<[string, string]> = [
    ['Queries', n(t.queries)], ['Succeeded', n(t.succeeded)], ['Failed', n(t.failed)], ['Refused', n(t.refused)], ['Asked back', n(t.clarified)],
    ['Rows returned', n(t.rows)], ['LLM tokens', n(t.llm_tokens)], ['Active users', n(t.active_users)], ['p50 duration', ms(t.p50_ms)], ['p95 duration', ms(t.p95_ms)],
  ]
  return (
    <>
      <h3>Totals</h3>
      <dl class="stats">
        {items.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
      </dl>
    </>
  )
}

function Analytics() {
  const [from, setFrom] = useState('')
  const [through, setThrough] = useState('')
  const [interval, setUnit] = useState<Interval>('day')
  const [groupBy, setGroupBy] = useState<Group | ''>('')
  const [report, setReport] = useState<Report | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    const ctl = new AbortController()
    setError(null)
    api.get<Report>('/api/v1/analytics/usage', { interval, group_by: groupBy || undefined, from: from || undefined, to: through ? nextDay(through) : undefined }, ctl.signal)
      .then(setReport, (e) => { if (!ctl.signal.aborted) setError(e) })
    return () => ctl.abort()
  }, [from, through, interval, groupBy])
  const groupLabel = GROUPS.find(([g]) => g === report?.group_by)?.[1] ?? ''
  return (
    <section class="analytics" aria-labelledby="analytics-title">
      <h2 id="analytics-title">Query analytics</h2>
      <div class="filters">
        <FormField id="usage-from" label="From">
          <input id="usage-from" type="date" value={from} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </FormField>
        <FormField id="usage-through" label="Through">
          <input id="usage-through" type="date" value={through} onChange={(e) => setThrough((e.target as HTMLInputElement).value)} />
        </FormField>
        <FormField id="usage-interval" label="Interval">
          <select id="usage-interval" value={interval} onChange={(e) => setUnit((e.target as HTMLSelectElement).value as Interval)}>
            <option value="day">day</option><option value="week">week</option><option value="month">month</option>
          </select>
        </FormField>
        <FormField id="usage-group" label="Group by">
          <select id="usage-group" value={groupBy} onChange={(e) => setGroupBy((e.target as HTMLSelectElement).value as Group | '')}>
            {GROUPS.map(([g, label]) => <option key={g} value={g}>{label}</option>)}
          </select>
        </FormField>
      </div>
      <ErrorMessage error={error} />
      {report && (
        <>
          <p class="muted small">
            {new Date(report.from).toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: report.timezone })} – {new Date(new Date(report.to).getTime() - 1).toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: report.timezone })}, dates in {report.timezone}.
            Refused: the semantic layer could not ground the question; asked back: the asker was offered readings to choose from. Durations are of succeeded queries.
          </p>
          <Totals totals={report.totals} />
          {report.totals.queries > 0 && <Chart spec={seriesChart(report)} />}
          <DataTable<Report['series'][number]>
            caption={`By ${report.interval}`}
            rows={report.series}
            rowKey={(r) => r.start}
            columns={[{ key: 'start', label: report.interval === 'day' ? 'Day' : report.interval === 'week' ? 'Week of' : 'Month', nowrap: true }, ...figureColumns<Report['series'][number]>()]}
          />
          {report.groups && (
            <DataTable<NonNullable<Report['groups']>[number]>
              caption={`By ${groupLabel}`}
              rows={report.groups}
              rowKey={(r) => r.key}
              empty="No queries in this range."
              columns={[{ key: 'key', label: groupLabel.charAt(0).toUpperCase() + groupLabel.slice(1), value: (r) => r.label ?? r.key, render: (r) => r.label ?? r.key }, ...figureColumns<NonNullable<Report['groups']>[number]>()]}
            />
          )}
          <DataTable<Report['top_questions'][number]>
            caption="Top questions"
            rows={report.top_questions}
            rowKey={(r) => r.question}
            empty="No questions in this range."
            columns={[
              { key: 'question', label: 'Question' },
              { key: 'count', label: 'Asked', numeric: true, render: (r) => n(r.count) },
              { key: 'succeeded', label: 'Answered', numeric: true, render: (r) => n(r.succeeded) },
              { key: 'last_asked_at', label: 'Last asked', nowrap: true, render: (r) => when(r.last_asked_at) },
            ]}
          />
          <DataTable<Report['top_metrics'][number]>
            caption="Top metrics"
            rows={report.top_metrics}
            rowKey={(r) => r.metric}
            empty="No metrics asked for in this range."
            columns={[
              { key: 'metric', label: 'Metric' },
              { key: 'count', label: 'Queries', numeric: true, render: (r) => n(r.count) },
              { key: 'succeeded', label: 'Succeeded', numeric: true, render: (r) => n(r.succeeded) },
            ]}
          />
          <DataTable<Report['refused_questions'][number]>
            caption="Refused questions (gaps in the semantic layer)"
            rows={report.refused_questions}
            rowKey={(r) => r.question}
            empty="No refused questions in this range."
            columns={[
              { key: 'question', label: 'Question' },
              { key: 'count', label: 'Asked', numeric: true, render: (r) => n(r.count) },
              { key: 'code', label: 'Reason' },
              { key: 'last_asked_at', label: 'Last asked', nowrap: true, render: (r) => when(r.last_asked_at) },
            ]}
          />
        </>
      )}
    </section>
  )
}

export function UsagePage() {
  const session = useSession()
  const [plan, setPlan] = useState<Plan | null>(null)
  const [planError, setPlanError] = useState<unknown>(null)
  const canAnalytics = session.can('analytics:read')
  useEffect(() => { api.get<Plan>('/api/v1/billing/plan').then(setPlan, setPlanError) }, [])
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
      {canAnalytics && <Analytics />}
    </div>
  )
}
