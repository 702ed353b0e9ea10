// What was computed, in plain words, so a reader can trust (or question) the
// answer: each metric's definition, the groupings, the filters, the exact
// dates of the time range, the sort and the limit. Deterministic.
import type { GroupByItem, Measure, MeasureInput, Metric, MetricInput, SemanticManifest, SemanticModel, StructuredFilter } from '../../semantic/types'
import { describeTimeRange, formatCivilDate } from './time/describe-range'
import type { Plan } from './planner'
import { formatValue, humanize } from './summary'

export interface ExplanationContext {
  timezone: string
  /** The clock for "last quarter"-style wording; default: now. */
  now?: Date
}

const AGG_WORDS: Record<string, string> = {
  sum: 'the sum of', count: 'the count of', count_distinct: 'the number of distinct', average: 'the average of',
  min: 'the minimum of', max: 'the maximum of', sum_boolean: 'the number of rows where', median: 'the median of', percentile: 'the percentile of',
}

export function explainPlan(plan: Plan, manifest: SemanticManifest | undefined, ctx: ExplanationContext): string {
  const clock = { now: ctx.now ?? new Date(), timezone: ctx.timezone || 'UTC' }
  if (plan.kind === 'sql') {
    return [
      'SQL written by the language model (this connection allows raw SQL); it was checked to be a single read-only SELECT on the allowed tables.',
      ...plan.reasons.map((r) => `Reason: ${r}`),
    ].join('\n')
  }
  const q = plan.query
  const lines: string[] = []
  const lookup = new Lookup(manifest)

  for (const name of q.metrics) lines.push(lookup.explainMetric(name))

  if (q.group_by?.length) {
    lines.push(`Grouped by ${join(q.group_by.map((g) => lookup.groupWords(g)))}.`)
  }
  const filters = (q.filters ?? []).map((f) => lookup.filterWords(f, q.metrics))
  const where = (q.where ?? []).map((w) => stripTemplates(w))
  if (filters.length || where.length) lines.push(`Filtered to ${join([...filters, ...where])}.`)

  const tc = q.time_constraint
  if (tc && (tc.start || tc.end)) {
    const named = describeTimeRange(tc, clock)
    const exact = tc.start && tc.end ? `${formatCivilDate(tc.start)} to ${formatCivilDate(tc.end)}` : tc.start ? `from ${formatCivilDate(tc.start)} on` : `up to ${formatCivilDate(tc.end!)}`
    const words = named.startsWith('from ') || named.startsWith('since ') || named.startsWith('through ') ? named : `${named} (${exact})`
    lines.push(`Time range: ${words}, by each metric's own date, in the ${clock.timezone} time zone.`)
  } else {
    lines.push('Time range: all available data.')
  }

  if (q.order_by?.length) {
    lines.push(`Sorted by ${join(q.order_by.map((o) => {
      const desc = o.startsWith('-')
      const name = desc ? o.slice(1) : o
      const isMetric = q.metrics.includes(name)
      return `${lookup.label(name)} (${isMetric ? (desc ? 'highest first' : 'lowest first') : desc ? 'descending' : 'ascending'})`
    }))}.`)
  }
  if (q.limit !== undefined) lines.push(`Showing at most ${q.limit} ${q.limit === 1 ? 'row' : 'rows'}.`)
  return lines.join('\n')
}

/** `{{ Dimension('booking__is_instant') }}` → `booking__is_instant`. */
function stripTemplates(s: string): string {
  return s.replace(/\{\{\s*(?:Dimension|TimeDimension|Entity|Metric)\(\s*'([^']+)'(?:\s*,\s*'([^']+)')?[^)]*\)\s*\}\}/g, (_m, a: string, b?: string) => (b ? `${a}__${b}` : a))
}

function join(xs: string[]): string {
  if (xs.length <= 1) return xs.join('')
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`
}

class Lookup {
  private readonly metrics = new Map<string, Metric>()
  private readonly measures = new Map<string, { measure: Measure; model: SemanticModel }>()
  private readonly dimLabels = new Map<string, string>()

  constructor(manifest: SemanticManifest | undefined) {
    for (const m of manifest?.metrics ?? []) this.metrics.set(m.name, m)
    for (const model of manifest?.semantic_models ?? []) {
      for (const measure of model.measures) this.measures.set(measure.name, { measure, model })
      for (const d of model.dimensions) if (d.label && !this.dimLabels.has(d.name)) this.dimLabels.set(d.name, d.label)
    }
  }

  label(name: string): string {
    const m = this.metrics.get(name)
    if (m) return m.label ?? humanize(name)
    const base = name.replace(/__(hour|day|week|month|quarter|year)$/, '')
    const last = base.split('__').pop() ?? base
    return this.dimLabels.get(last) ?? humanize(last)
  }

  explainMetric(name: string): string {
    const m = this.metrics.get(name)
    if (!m) return `${humanize(name)} (${name}).`
    const head = `${m.label ?? humanize(m.name)} (${m.name})`
    const desc = m.description?.trim().replace(/\s+/g, ' ')
    const def = this.definition(m)
    const filter = toList(m.filter).map(stripTemplates)
    const parts = [`${head}${desc ? `: ${desc.replace(/\.$/, '')}` : ''}.`]
    if (def) parts.push(`Computed as ${def}${filter.length ? `, only where ${join(filter)}` : ''}.`)
    return parts.join(' ')
  }

  private definition(m: Metric): string | undefined {
    const tp = m.type_params
    switch (m.type) {
      case 'simple': return tp.measure ? this.measureWords(tp.measure) : undefined
      case 'ratio': {
        if (!tp.numerator || !tp.denominator) return undefined
        return `${this.inputWords(tp.numerator)} divided by ${this.inputWords(tp.denominator)}`
      }
      case 'derived': {
        if (!tp.expr) return undefined
        const inputs = (tp.metrics ?? []).map((i) => {
          const shift = i.offset_window ? ` from ${i.offset_window} earlier` : i.offset_to_grain ? ` at the start of the ${i.offset_to_grain}` : ''
          return `${i.alias ?? i.name} = ${this.label(i.name)}${shift}`
        })
        return `${tp.expr}${inputs.length ? ` where ${join(inputs)}` : ''}`
      }
      case 'cumulative': {
        const window = tp.cumulative_type_params?.window ?? tp.window
        const toDate = tp.cumulative_type_params?.grain_to_date ?? tp.grain_to_date
        const base = tp.measure ? this.measureWords(tp.measure) : 'the measure'
        return `a running total of ${base}${window ? ` over the trailing ${window}` : toDate ? ` since the start of each ${toDate}` : ' over all time'}`
      }
      case 'conversion': {
        const c = tp.conversion_type_params
        if (!c) return undefined
        const calc = c.calculation === 'conversions' ? 'the number of conversions' : 'the conversion rate'
        return `${calc} from ${this.measureWords(c.base_measure)} to ${this.measureWords(c.conversion_measure)} per ${c.entity}${c.window ? ` within ${c.window}` : ''}`
      }
    }
  }

  private inputWords(input: string | MetricInput): string {
    const name = typeof input === 'string' ? input : input.name
    const filter = typeof input === 'string' ? [] : toList(input.filter).map(stripTemplates)
    return `${this.label(name)}${filter.length ? ` (only where ${join(filter)})` : ''}`
  }

  private measureWords(input: string | MeasureInput): string {
    const name = typeof input === 'string' ? input : input.name
    const found = this.measures.get(name)
    if (!found) return humanize(name)
    const { measure, model } = found
    const expr = measure.expr ?? measure.name
    const table = model.node_relation.alias
    const agg = AGG_WORDS[measure.agg.toLowerCase()] ?? measure.agg
    let what: string
    if (/^\s*1\s*$/.test(expr)) what = `the number of rows in ${table}`
    else if (measure.agg === 'percentile') what = `the ${Math.round((measure.agg_params?.percentile ?? 0.5) * 100)}th percentile of ${expr} in ${table}`
    else what = `${agg} ${expr} in ${table}`
    const filter = typeof input === 'string' ? [] : toList(input.filter).map(stripTemplates)
    return `${what}${filter.length ? ` (only where ${join(filter)})` : ''}`
  }

  groupWords(g: GroupByItem): string {
    const name = typeof g === 'string' ? g : g.name
    const grain = typeof g === 'string' ? /__(hour|day|week|month|quarter|year)$/.exec(g)?.[1] : g.grain ?? g.date_part
    const base = typeof g === 'string' && grain ? g.slice(0, -(grain.length + 2)) : name
    if (base === 'metric_time') return grain ? grain : 'date'
    return `${this.label(base).toLowerCase()}${grain ? ` (${grain})` : ''}`
  }

  filterWords(f: StructuredFilter, metrics: string[]): string {
    const label = this.label(f.field)
    const isMetric = metrics.includes(f.field) || this.metrics.has(f.field)
    const fmt = (v: unknown) => {
      if (typeof v === 'number' && isMetric) return formatValue(v, this.metrics.get(f.field)?.format)
      return typeof v === 'string' ? `"${v}"` : String(v)
    }
    const vals = Array.isArray(f.value) ? f.value : [f.value]
    const after = isMetric ? ' (applied to the aggregated result)' : ''
    switch (f.op) {
      case '=': return typeof f.value === 'boolean' ? `${label} is ${f.value ? 'true' : 'false'}` : `${label} is ${fmt(f.value)}`
      case '!=': return `${label} is not ${fmt(f.value)}`
      case 'in': return `${label} is one of ${vals.map(fmt).join(', ')}`
      case 'not_in': return `${label} is none of ${vals.map(fmt).join(', ')}`
      case '>': return `${label} above ${fmt(f.value)}${after}`
      case '>=': return `${label} at least ${fmt(f.value)}${after}`
      case '<': return `${label} below ${fmt(f.value)}${after}`
      case '<=': return `${label} at most ${fmt(f.value)}${after}`
      case 'between': return `${label} between ${fmt(vals[0])} and ${fmt(vals[1])}${after}`
      case 'like': return `${label} matches ${fmt(f.value)}`
      case 'is_null': return `${label} is empty`
      case 'is_not_null': return `${label} is not empty`
    }
  }
}

function toList(x: string | string[] | undefined): string[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x]
}
