// "bookings for next month" was answered with the bookings made next month: the layer dates each booking
// on the day it was made ("Reservations made, counted on the booking date"), so a period that has not
// begun holds none, and the analyst meant what is booked for that month, or a forecast. A period said
// relative to today ("next", "upcoming", "coming") that starts after today is doubted when every planned
// metric is described as dated by an act done when it is recorded (made, placed, submitted, created...).
// A metric that can be on the books ahead ("room revenue next month", dated by the night stayed) and a
// period named outright ("in 2025") are taken as asked.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { plainWords as words } from './normalize'

const AHEAD = new Set(['next', 'upcoming', 'coming', 'tomorrow', 'tomorrow\'s'])
/** Descriptions of a metric dated by an act that is over when it is recorded. */
const DONE_ACT = /\b(?:made|placed|submitted|created|booked|ordered|purchased|sold|filed|issued|registered|signed up|opened|hired|enrolled|joined)\b|\bcounted on the \w+ date\b/i


/**
 * Whether every dating column a metric reaches (metric_time aside) names such an act, in its name or its
 * description: "sales" summed over order lines dated by `ordered_at` are the orders placed that day.
 */
function actDated(metric: string, idx: CatalogIndex): boolean {
  const times = (idx.metrics.get(metric)?.dimensions ?? []).map((d) => idx.dimensions.get(d)).filter((d) => d?.type === 'time' && !d.name.startsWith('metric_time'))
  return times.length > 0 && times.every((d) => DONE_ACT.test(`${d!.name.slice(d!.name.lastIndexOf('__') + 2).replace(/_/g, ' ')} ${d!.description ?? ''}`))
}

/** Why a relative period wholly after today does not answer the question, or undefined. */
export function futurePeriod(question: string, query: SemanticQuery, idx: CatalogIndex, clock: { now: Date; timezone: string }): string | undefined {
  const start = query.time_constraint?.start
  if (!start || query.metrics.length === 0) return undefined
  const word = words(question).find((w) => AHEAD.has(w))
  if (!word) return undefined
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: clock.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(clock.now)
  if (start.slice(0, 10) <= today) return undefined
  if (!query.metrics.every((m) => DONE_ACT.test(idx.metrics.get(m)?.description ?? '') || actDated(m, idx))) return undefined
  return `"${word}" names a period from ${start}, which has not begun; ${query.metrics.join(', ')} is dated by an act done when it is recorded, so nothing is there yet`
}
