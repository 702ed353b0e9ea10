// The instants the store can be asked about. Instants reach PostgreSQL as ISO
// text (Date#toISOString), which it reads for years 0001 to 9999 only: year
// 0000, and the six-digit years toISOString writes outside that span, are
// "date/time field value out of range", a failed query. A date filter outside
// the span is refused as a validation error before any store work: the span
// query time bounds keep to already (semantic/iso-time.ts).
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../semantic/iso-time'

export const STORABLE_INSTANT_RANGE = 'between the years 0001 and 9999 (UTC)'

export function isStorableInstant(d: Date): boolean {
  const t = d.getTime()
  return t >= MIN_INSTANT_MS && t <= MAX_INSTANT_MS
}
