// Chooses a chart for an answer from its shape and writes it as a declarative
// Vega-Lite v5 spec (data inline): a description any Vega-Lite renderer can
// draw, never code. Pure: columns and rows in, spec (or null) out.
//
//   one metric, one row, no dimension          -> big number (mark text)
//   a time dimension and one metric            -> line (a line per category when one more dimension)
//   a time dimension and two or three metrics  -> one line per metric
//   one category dimension and one metric      -> bar
//   one category and two or three metrics      -> grouped bars
//   two metrics of different units or scales   -> dual axes (a layer per metric, y scales independent):
//                                                 two lines over time, bars and a line over categories
//   anything else (no metric, many dimensions, too many bars) -> null: the table says it better
import type { ResultColumn } from './result-columns'
import type { ValueFormat } from '../../semantic/types'

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json'
/** More bars than this are unreadable; more points than this add nothing to a line. */
export const MAX_BARS = 50
export const MAX_POINTS = 1000
/** Grouped bars and multi-line charts: beyond three series the legend wins over the data. */
const MAX_SERIES = 3

export interface ChartSpec {
  $schema: string
  description: string
  data: { values: Array<Record<string, unknown>> }
  /** Absent on a dual-axis chart, which is a `layer` of two marks instead. */
  mark?: Mark
  encoding?: Record<string, unknown>
  layer?: Array<{ mark: Mark; encoding: Record<string, unknown> }>
  resolve?: { scale: { y: 'independent' } }
  transform?: Array<Record<string, unknown>>
  /** Our metric formats by field, for renderers that format like the table does. */
  usermeta: { formats: Record<string, ValueFormat> }
}

type Mark = { type: 'line' | 'bar' | 'text'; point?: boolean; tooltip?: boolean }

const isMetric = (c: ResultColumn) => c.kind === 'metric' || (c.kind === undefined && c.json_type === 'number')
const isTime = (c: ResultColumn) => c.kind === 'time_dimension' || !!c.grain || c.type === 'date' || c.type === 'timestamp'
/** A column's title: its label, else `Month` for metric_time__month, else its name in words. */
export function title(c: ResultColumn): string {
  if (c.label) return c.label
  const grain = /^metric_time__([a-z]+)$/.exec(c.name)?.[1]
  const words = (grain ?? c.name).replace(/__/g, ' ').replace(/_/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Two metrics share an axis only when they have the same kind of unit and a similar scale (within 10×). */
export function shareAxis(a: ResultColumn, b: ResultColumn, rows: unknown[][], columns: ResultColumn[]): boolean {
  if ((a.format?.type ?? 'number') !== (b.format?.type ?? 'number')) return false
  const peak = (c: ResultColumn) => {
    const i = columns.indexOf(c)
    return Math.max(0, ...rows.map((r) => Math.abs(Number(r[i])) || 0))
  }
  const [x, y] = [peak(a), peak(b)]
  return Math.max(x, y) <= 10 * Math.max(Math.min(x, y), Number.EPSILON)
}

/** A d3-format string for axis labels and the big number (Vega-Lite's own formatting language). */
export function d3Format(f?: ValueFormat): string | undefined {
  if (!f) return undefined
  if (f.type === 'percent') return `.${f.decimals ?? 1}%`
  if (f.type === 'currency') return `${f.currency === 'USD' ? '$' : ''},.${f.decimals ?? 2}f`
  return `,.${f.decimals ?? 0}f`
}

function quantitative(c: ResultColumn, extra: Record<string, unknown> = {}) {
  const format = d3Format(c.format)
  return { field: c.name, type: 'quantitative', title: title(c), ...(format ? { format, axis: { format } } : {}), ...extra }
}

function values(cols: ResultColumn[], rows: unknown[][]): Array<Record<string, unknown>> {
  return rows.map((r) => Object.fromEntries(cols.map((c, i) => [c.name, r[i]])))
}

export function chartSpec(columns: ResultColumn[], rows: unknown[][]): ChartSpec | null {
  if (!rows.length || !columns.length) return null
  const metrics = columns.filter(isMetric)
  const dims = columns.filter((c) => !isMetric(c))
  if (!metrics.length || metrics.length > MAX_SERIES) return null
  const formats: Record<string, ValueFormat> = {}
  for (const m of metrics) if (m.format) formats[m.name] = m.format
  const base = (description: string) => ({ $schema: VEGA_LITE_SCHEMA, description, data: { values: values(columns, rows) }, usermeta: { formats } })

  if (!dims.length) {
    if (rows.length !== 1 || metrics.length !== 1) return null
    const m = metrics[0]
    return { ...base(`${title(m)}: a single value`), mark: { type: 'text' }, encoding: { text: quantitative(m) } }
  }
  if (dims.length > 2) return null
  const time = dims.find(isTime)
  const other = dims.find((d) => d !== time)

  if (time) {
    if (rows.length > MAX_POINTS) return null
    const x = { field: time.name, type: 'temporal', title: title(time) }
    if (metrics.length === 1) {
      const m = metrics[0]
      const encoding: Record<string, unknown> = { x, y: quantitative(m) }
      if (other) {
        if (new Set(rows.map((r) => r[columns.indexOf(other)])).size > 10) return null
        encoding.color = { field: other.name, type: 'nominal', title: title(other) }
      }
      return { ...base(`${title(m)} over ${title(time)}${other ? ` by ${title(other)}` : ''}`), mark: { type: 'line', point: rows.length <= 60, tooltip: true }, encoding }
    }
    if (other) return null
    if (metrics.length === 2 && !shareAxis(metrics[0], metrics[1], rows, columns)) {
      return dual(base(`${metrics.map(title).join(' and ')} over ${title(time)}`), x, metrics[0], metrics[1], 'line', rows.length <= 60)
    }
    if (metrics.some((m, i) => i > 0 && !shareAxis(metrics[0], m, rows, columns))) return null
    return {
      ...base(`${metrics.map(title).join(' and ')} over ${title(time)}`),
      transform: [{ fold: metrics.map((m) => m.name), as: ['metric', 'value'] }],
      mark: { type: 'line', point: rows.length <= 60, tooltip: true },
      encoding: { x, y: { field: 'value', type: 'quantitative', title: null }, color: { field: 'metric', type: 'nominal', title: null } },
    }
  }

  // Two category dimensions make a matrix, not a bar chart.
  if (dims.length === 2) return null
  const cat = dims[0]
  if (rows.length > MAX_BARS) return null
  const x = { field: cat.name, type: 'nominal', title: title(cat), sort: null }
  if (metrics.length === 1) {
    return { ...base(`${title(metrics[0])} by ${title(cat)}`), mark: { type: 'bar', tooltip: true }, encoding: { x, y: quantitative(metrics[0]) } }
  }
  if (metrics.length === 2 && !shareAxis(metrics[0], metrics[1], rows, columns)) {
    return dual(base(`${metrics.map(title).join(' and ')} by ${title(cat)}`), x, metrics[0], metrics[1], 'bar', true)
  }
  if (metrics.some((m, i) => i > 0 && !shareAxis(metrics[0], m, rows, columns))) return null
  return {
    ...base(`${metrics.map(title).join(' and ')} by ${title(cat)}`),
    transform: [{ fold: metrics.map((m) => m.name), as: ['metric', 'value'] }],
    mark: { type: 'bar', tooltip: true },
    encoding: { x, xOffset: { field: 'metric', type: 'nominal' }, y: { field: 'value', type: 'quantitative', title: null }, color: { field: 'metric', type: 'nominal', title: null } },
  }
}

/** Two metrics on their own y axes (left, right): the first as `first` (line or bars), the second as a line. */
function dual(base: Omit<ChartSpec, 'mark' | 'encoding'>, x: Record<string, unknown>, a: ResultColumn, b: ResultColumn, first: 'line' | 'bar', points: boolean): ChartSpec {
  return {
    ...base,
    layer: [
      { mark: first === 'bar' ? { type: 'bar', tooltip: true } : { type: 'line', point: points, tooltip: true }, encoding: { x, y: quantitative(a) } },
      { mark: { type: 'line', point: points, tooltip: true }, encoding: { x, y: quantitative(b) } },
    ],
    resolve: { scale: { y: 'independent' } },
  }
}
