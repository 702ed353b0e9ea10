// Calibration by the shape of the plan. Every word of a question can be
// accounted for and every name matched exactly, and the plan can still ask
// something nobody asks: a breakdown by two time axes at once, or a breakdown
// by a field that a filter pins to one value. Such a shape is the trace of a
// word read twice or attached to the wrong neighbour ("claims by loss date
// month" read as loss date by day and, apart, metric time by month), so the
// plan's confidence must not stay high however exact its names were. These
// checks look only at the plan, never at particular words, so they hold on any
// semantic layer.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { GroupMention } from './interpret/draft'

const GRAINS = new Set(['hour', 'day', 'week', 'month', 'quarter', 'year', 'minute', 'second'])

/** The reasons to doubt a plan's shape (empty when it is an ordinary question). */
export function planShapeDoubts(query: SemanticQuery, idx: CatalogIndex): string[] {
  const doubts: string[] = []
  const groups = query.group_by ?? []
  // a date part ("by weekday") is a category of time, not a time axis: "by month by weekday" is a matrix people ask for
  const axes = groups
    .filter((g) => typeof g === 'string' || !g.date_part)
    .map((g) => (typeof g === 'string' ? g : g.grain ? `${g.name}__${g.grain}` : g.name))
    .filter((g) => idx.dimensions.get(timeBase(g))?.type === 'time')
  // period comparisons carry their own time axis in offset metrics; two grains of one series are not asked together
  if (axes.length >= 2 && !query.offset_metrics?.length) {
    doubts.push(`the plan breaks the answer down by two time axes (${axes.join(', ')}); one of them is likely a word read twice`)
  }
  // "invoiced amount by month for the top plan": a limit on a plan broken down by a period and by something
  // else cuts the rows of every (thing, period) pair, so "the top plan" becomes the best single month of any
  // plan; the pick was meant of the thing, over its whole series, which one plan cannot say
  if (query.limit !== undefined && axes.length >= 1 && groups.length > axes.length) {
    doubts.push(`the plan keeps ${query.limit} row(s) of a breakdown by ${axes.join(', ')} and another field; the top or bottom pick was likely meant of the field, over every period`)
  }
  // "what % of sales came from Electronics" groups and filters one field on purpose (the share needs the whole);
  // anywhere else a breakdown whose field is pinned to one value has a single row
  if (!query.share_of_total) {
    const names = new Set(groups.map((g) => (typeof g === 'string' ? g : g.name)))
    for (const f of query.filters ?? []) {
      if (f.op === '=' && names.has(f.field)) doubts.push(`the plan groups by ${f.field} and keeps only ${f.field} = ${String(f.value)}; one word was likely read both ways`)
    }
  }
  // "invoices over 10k" read as invoice_count > 10000: with nothing to break down, a bound on the plan's only
  // metric filters the one total by itself (the answer is that total or nothing); the bound most likely
  // belonged to each row's amount, which the layer has no dimension for
  // ("sales of products that sold more than 100 units": the same with a second metric beside it)
  if (groups.length === 0) {
    for (const f of query.filters ?? []) {
      if (query.metrics.includes(f.field) && f.op !== '=' && f.op !== '!=') doubts.push(`the plan keeps its single total only when ${f.field} ${f.op} ${String(f.value)}; the bound likely belongs to each row, not to the total`)
    }
  }
  return doubts
}

/** "metric_time__month" → "metric_time"; a name without a grain suffix is returned as it is. */
function timeBase(g: string): string {
  const cut = g.lastIndexOf('__')
  return cut > 0 && GRAINS.has(g.slice(cut + 2)) ? g.slice(0, cut) : g
}

/**
 * "claims by adjuster seniority" read as a grouping by adjuster and another by
 * seniority: two groupings whose words touch, with no list word ("and", ",")
 * between them. Side by side, the first word most often names the owner of the
 * second ("the adjuster's seniority"); a breakdown by both is a guess.
 */
export function adjacentGroupings(groups: Array<Pick<GroupMention, 'text' | 'at' | 'absorbed'>>): string | undefined {
  const gs = groups.filter((g) => !g.absorbed).sort((a, b) => a.at - b.at)
  for (let i = 1; i < gs.length; i++) {
    if (gs[i].at === gs[i - 1].at + 1) return `"${gs[i - 1].text}" and "${gs[i].text}" stand side by side with no list word; "${gs[i - 1].text}" may own "${gs[i].text}" rather than be a second breakdown`
  }
  return undefined
}
