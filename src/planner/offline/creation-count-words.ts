// "new members last month" over `member_count` ("Members by the day they joined."): a count of
// things by the day they came to be already counts the new ones in any period, so "new" says
// nothing the metric does not. Left unexplained, the word made the plan refuse. It is accounted
// for only when every metric's description says the metric counts by that first day (joined,
// onboarded, signed up, opened...): "new customers" over distinct ordering customers stays a
// word the plan cannot express. A count with no description of its own says it through the one time
// column it is dated by ("Date the borrower first became a customer." for `brwr_cnt`).
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret'

const CREATION = /\b(?:joined|onboarded|signed up|signed-up|registered|created|opened|hired|enrolled|activated|launched|went live|first (?:joined|signed|registered|became))\b/i

export function accountForNewWord(draft: Draft, metrics: string[], idx: CatalogIndex): string | undefined {
  const i = draft.unknown.findIndex((u) => u.text.trim().toLowerCase() === 'new')
  if (i < 0 || metrics.length === 0) return undefined
  if (!metrics.every((m) => CREATION.test(idx.metrics.get(m)?.description ?? '') || CREATION.test(datingColumnDescription(m, idx)))) return undefined
  draft.unknown.splice(i, 1)
  return `"new": ${metrics.join(', ')} counts by the day each one came to be, so it counts the new ones already`
}

/** The description of the one time column (besides metric_time) a metric reaches, or "". */
function datingColumnDescription(metric: string, idx: CatalogIndex): string {
  const times = (idx.metrics.get(metric)?.dimensions ?? []).filter((d) => idx.dimensions.get(d)?.type === 'time' && !d.startsWith('metric_time'))
  return times.length === 1 ? idx.dimensions.get(times[0])?.description ?? '' : ''
}
