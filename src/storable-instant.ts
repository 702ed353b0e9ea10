// The instants the store can be asked about. Instants reach PostgreSQL as ISO
// text (Date#toISOString), which it reads for years 0001 to 9999 only: year
// 0000, and the six-digit years toISOString writes outside that span, are
// "date/time field value out of range", a failed query. A date filter outside
// the span is refused as a validation error before any store work.
const EARLIEST = new Date('0001-01-01T00:00:00.000Z').getTime()
const LATEST = new Date('9999-12-31T23:59:59.999Z').getTime()

export const STORABLE_INSTANT_RANGE = 'between the years 0001 and 9999 (UTC)'

export function isStorableInstant(d: Date): boolean {
  const t = d.getTime()
  return t >= EARLIEST && t <= LATEST
}
