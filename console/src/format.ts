// Value formatting for the table, the chart and the big number: numbers read
// as in the summary sentence (semantic/value-format.ts, shared with the
// server), dimensions and ids keep their exact text.
import { formatNumber, toNumber } from '../../semantic/value-format'
import type { ValueFormat } from '../../semantic/types'

export { formatNumber, toNumber, type ValueFormat }

export interface Column {
  name: string
  type: string
  json_type: string
  kind?: string
  label?: string
  format?: ValueFormat
  grain?: string
}

/** A column's label, else `Month` for metric_time__month, else its name in words (store__region → Store region), as chart titles read. */
export function columnLabel(c: Pick<Column, 'name' | 'label'>): string {
  if (c.label) return c.label
  const grain = /^metric_time__([a-z]+)$/.exec(c.name)?.[1]
  const words = (grain ?? c.name).replace(/__/g, ' ').replace(/_/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export const isNumericColumn = (c: Column) => c.json_type === 'number' || c.kind === 'metric'

/** A cell as text. Dimensions and ids keep their exact text; only numeric columns are formatted. */
export function formatCell(v: unknown, c: Column): string {
  if (v === null || v === undefined) return '—'
  if (isNumericColumn(c)) {
    const n = toNumber(v)
    if (n !== undefined) return formatNumber(n, c.format)
  }
  if (typeof v === 'string' && (c.kind === 'time_dimension' || c.grain) && /^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z?$/.test(v)) return v.slice(0, 10)
  return typeof v === 'object' ? JSON.stringify(v) : String(v)
}

/** Compares two cells for sorting: numbers numerically, text by locale, empty values last. */
export function compareCells(a: unknown, b: unknown): number {
  const na = a === null || a === undefined
  const nb = b === null || b === undefined
  if (na || nb) return na === nb ? 0 : na ? 1 : -1
  const x = toNumber(a)
  const y = toNumber(b)
  if (x !== undefined && y !== undefined) return x - y
  return String(a).localeCompare(String(b), 'en', { numeric: true })
}
