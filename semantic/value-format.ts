// How a number reads in an answer: the metric's own format (currency,
// percent, number with decimals) when it has one, else grouped with two
// decimals for fractions. One module for the server's summary sentences
// (src/planner/summary.ts) and the console's table, chart and big number
// (console/src/format.ts), so a figure reads the same in the sentence and in
// the table. Pure, with no Node or browser API: both bundles import it.
import type { ValueFormat } from './types'

// toLocaleString with options builds a new Intl.NumberFormat on every call (a
// fraction of a millisecond, on every figure of every answer): one per option set.
const formats = new Map<string, Intl.NumberFormat>()

function localeNumber(n: number, opts: Intl.NumberFormatOptions): string {
  const key = JSON.stringify(opts)
  let f = formats.get(key)
  if (!f) {
    f = new Intl.NumberFormat('en-US', opts) // throws for an unknown currency, as toLocaleString does
    if (formats.size < 256) formats.set(key, f)
  }
  return f.format(n)
}

const fixed = (n: number, decimals: number) => localeNumber(n, { minimumFractionDigits: decimals, maximumFractionDigits: decimals })

/** A cell's number: numbers, bigints and numeric text (drivers return decimals as text); anything else is not one. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) return Number(v)
  return undefined
}

export function formatNumber(n: number, format?: ValueFormat): string {
  if (!format) return fixed(n, Number.isInteger(n) ? 0 : 2)
  switch (format.type) {
    case 'currency': {
      const decimals = format.decimals ?? 2
      try {
        return localeNumber(n, { style: 'currency', currency: format.currency, minimumFractionDigits: decimals, maximumFractionDigits: decimals })
      } catch {
        return `${fixed(n, decimals)} ${format.currency}`
      }
    }
    // Ratios are fractions (0.32), shown as 32.0%.
    case 'percent': return `${fixed(n * 100, format.decimals ?? 1)}%`
    case 'number': return fixed(n, format.decimals ?? (Number.isInteger(n) ? 0 : 2))
  }
}
