// Value formatting for the table, the chart and the big number: a metric's own
// format (currency, percent, number with decimals) when the answer carries it,
// else plain grouping. Mirrors src/planner/summary.ts, so the summary sentence
// and the table agree on how a figure reads.
export type ValueFormat =
  | { type: 'number'; decimals?: number }
  | { type: 'currency'; currency: string; decimals?: number }
  | { type: 'percent'; decimals?: number }

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

const fixed = (n: number, decimals: number) => n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) return Number(v)
  return undefined
}

export function formatNumber(n: number, format?: ValueFormat): string {
  if (!format) return fixed(n, Number.isInteger(n) ? 0 : 2)
  switch (format.type) {
    case 'currency': {
      const decimals = format.decimals ?? 2
      try {
        return n.toLocaleString('en-US', { style: 'currency', currency: format.currency, minimumFractionDigits: decimals, maximumFractionDigits: decimals })
      } catch {
        return `${fixed(n, decimals)} ${format.currency}`
      }
    }
    // Ratios are fractions (0.32), shown as 32.0%.
    case 'percent': return `${fixed(n * 100, format.decimals ?? 1)}%`
    case 'number': return fixed(n, format.decimals ?? (Number.isInteger(n) ? 0 : 2))
  }
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
