// Turns the subset of Vega-Lite that the API emits (src/query/chart-spec.ts)
// into a scene of plain shapes that chart.tsx draws as SVG. Pure, so the mark
// choice, scales and labels are unit-tested without a browser. Vega itself is
// ~10 times the size of the whole console: not worth it for four chart kinds.
import { formatNumber, toNumber, type ValueFormat } from '../format'

export type Mark = 'number' | 'line' | 'bar' | 'dual'
type Enc = { field?: string; type?: string; title?: string | null; format?: string }
type MarkDef = string | { type?: string }
interface Layer { mark?: MarkDef; encoding?: Record<string, Enc | undefined> }

export interface VegaLiteSubset extends Layer {
  description?: string
  data?: { values?: Array<Record<string, unknown>> }
  layer?: Layer[]
  transform?: Array<{ fold?: string[]; as?: [string, string] }>
  usermeta?: { formats?: Record<string, ValueFormat> }
}

export const WIDTH = 860
export const HEIGHT = 300
const M = { top: 28, right: 16, bottom: 44, left: 72 }
/** Room for the right-hand axis of a dual-axis chart. */
const DUAL_RIGHT = 72

const markType = (m?: MarkDef) => (typeof m === 'string' ? m : m?.type)
const isXY = (l: Layer) => (markType(l.mark) === 'line' || markType(l.mark) === 'bar') && !!l.encoding?.x?.field && !!l.encoding?.y?.field

/** Which of our marks a spec asks for, or null for anything we do not draw. */
export function selectMark(spec: unknown): Mark | null {
  if (!spec || typeof spec !== 'object') return null
  const s = spec as VegaLiteSubset
  if (!Array.isArray(s.data?.values) || !s.data!.values.length) return null
  if (Array.isArray(s.layer)) return s.layer.length === 2 && s.layer.every(isXY) ? 'dual' : null
  const type = markType(s.mark)
  if (type === 'text' && s.encoding?.text?.field) return 'number'
  if (isXY(s)) return type as 'line' | 'bar'
  return null
}

export interface BigNumberScene { mark: 'number'; text: string; label: string }
export interface Tick { pos: number; label: string }
export interface SeriesScene { name: string; color: string }
export interface Bar { x: number; y: number; w: number; h: number; color: string; title: string }
export interface XYScene {
  mark: 'line' | 'bar' | 'dual'
  bars: Bar[]
  lines: Array<SeriesScene & { points: Array<[number, number]> }>
  /** Legend entries (more than one series). */
  series: SeriesScene[]
  xTicks: Tick[]
  yTicks: Tick[]
  /** The right-hand axis of a dual-axis chart. */
  y2Ticks?: Tick[]
  xTitle: string
  yTitle: string
  y2Title?: string
  /** Where the plot ends on the right. */
  plotRight: number
}
export type Scene = BigNumberScene | XYScene

export const PALETTE = ['#2563eb', '#d97706', '#059669', '#9333ea', '#dc2626', '#0891b2', '#4b5563', '#db2777', '#65a30d', '#7c3aed']

/** Applies the spec's `fold` transform (several metrics into metric/value rows), the only transform we emit. */
export function foldRows(spec: VegaLiteSubset): Array<Record<string, unknown>> {
  let rows = spec.data?.values ?? []
  for (const t of spec.transform ?? []) {
    if (!t.fold) continue
    const [k, v] = t.as ?? ['key', 'value']
    rows = rows.flatMap((r) => t.fold!.map((f) => ({ ...r, [k]: f, [v]: r[f] })))
  }
  return rows
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0]
  if (lo === hi) { hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.5; lo = Math.min(0, lo) }
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => raw <= s)!
  const ticks: number[] = []
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)))
  if (ticks[ticks.length - 1] < hi) ticks.push(ticks[ticks.length - 1] + step)
  return ticks
}

/** Axis labels: compact (1.2M, 35K) so they fit, in the metric's currency or percent. */
export function axisLabel(n: number, format?: ValueFormat): string {
  if (format?.type === 'percent') return formatNumber(n, { type: 'percent', decimals: 0 })
  const abs = Math.abs(n)
  const [div, suffix] = abs >= 1e9 ? [1e9, 'B'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e4 ? [1e3, 'K'] : [1, '']
  const body = formatNumber(n / div, { type: 'number', decimals: div === 1 && !Number.isInteger(n) ? 1 : Number.isInteger(n / div) ? 0 : 1 })
  const prefix = format?.type === 'currency' && format.currency === 'USD' ? '$' : ''
  return n < 0 && prefix ? `-${prefix}${body.slice(1)}${suffix}` : `${prefix}${body}${suffix}`
}

function dateLabel(v: unknown): string {
  const s = String(v)
  return /^\d{4}-\d{2}-01/.test(s) ? s.slice(0, 7) : s.slice(0, 10)
}

function formatOf(spec: VegaLiteSubset, field: string): ValueFormat | undefined {
  return spec.usermeta?.formats?.[field]
}

/** The y format of a chart with one axis: the metrics' common format, if they share one. */
function yFormat(spec: VegaLiteSubset): ValueFormat | undefined {
  const fields = spec.transform?.find((t) => t.fold)?.fold ?? [spec.encoding?.y?.field ?? spec.encoding?.text?.field ?? '']
  const all = fields.map((f) => formatOf(spec, f))
  return all.every((f) => JSON.stringify(f) === JSON.stringify(all[0])) ? all[0] : undefined
}

function yScale(values: number[]) {
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values))
  const lo = ticks[0]
  const hi = ticks[ticks.length - 1]
  const plotH = HEIGHT - M.top - M.bottom
  return { ticks, at: (v: number) => M.top + plotH - ((v - lo) / (hi - lo || 1)) * plotH }
}

/** Every `step`-th label, so that at most `max` labels share the axis. */
function thin<T>(items: T[], max: number): T[] {
  const step = Math.ceil(items.length / max)
  return items.filter((_, i) => i % step === 0)
}

const num = (v: unknown) => toNumber(v) ?? 0

export function buildScene(spec: unknown, labelOf: (field: string) => string = (f) => f): Scene | null {
  const mark = selectMark(spec)
  if (!mark) return null
  const s = spec as VegaLiteSubset
  if (mark === 'number') {
    const e = s.encoding!
    const field = e.text!.field!
    const n = toNumber(s.data!.values![0][field])
    return { mark, text: n === undefined ? String(s.data!.values![0][field] ?? '—') : formatNumber(n, yFormat(s)), label: e.text!.title ?? labelOf(field) }
  }
  const layers: Layer[] = mark === 'dual' ? s.layer! : [s]
  const rows = foldRows(s)
  const xEnc = layers[0].encoding!.x!
  const xf = xEnc.field!
  const temporal = xEnc.type === 'temporal'
  const cats = [...new Set(rows.map((r) => String(r[xf])))]
  if (temporal) cats.sort()
  const plotRight = WIDTH - (mark === 'dual' ? DUAL_RIGHT : M.right)
  const plotW = plotRight - M.left
  const band = plotW / cats.length
  const pointX = (i: number) => (layers.some((l) => markType(l.mark) === 'bar')
    ? M.left + i * band + band / 2
    : M.left + (cats.length === 1 ? plotW / 2 : (i / (cats.length - 1)) * plotW))
  const index = new Map(cats.map((c, i) => [c, i]))
  const xTicks = thin(cats.map((c, i) => ({ pos: pointX(i), label: temporal ? dateLabel(c) : c.length > 14 ? `${c.slice(0, 13)}…` : c })), temporal ? 8 : 12)
  const xTitle = xEnc.title ?? labelOf(xf)
  const scene: XYScene = { mark, bars: [], lines: [], series: [], xTicks, yTicks: [], xTitle, yTitle: '', plotRight }

  if (mark === 'dual') {
    layers.forEach((l, li) => {
      const yf = l.encoding!.y!.field!
      const fmt = formatOf(s, yf)
      const y = yScale(rows.map((r) => num(r[yf])))
      const ticks = y.ticks.map((v) => ({ pos: y.at(v), label: axisLabel(v, fmt) }))
      const name = l.encoding!.y!.title ?? labelOf(yf)
      const color = PALETTE[li]
      if (li === 0) { scene.yTicks = ticks; scene.yTitle = name } else { scene.y2Ticks = ticks; scene.y2Title = name }
      scene.series.push({ name, color })
      if (markType(l.mark) === 'bar') {
        const w = band * 0.6
        for (const r of rows) {
          const v = num(r[yf])
          const i = index.get(String(r[xf]))!
          scene.bars.push({ x: pointX(i) - w / 2, y: y.at(Math.max(0, v)), w, h: Math.abs(y.at(v) - y.at(0)), color, title: `${String(r[xf])}, ${name}: ${formatNumber(v, fmt)}` })
        }
      } else {
        const points = rows.map((r) => [index.get(String(r[xf]))!, num(r[yf])] as const).sort((a, b) => a[0] - b[0])
        scene.lines.push({ name, color, points: points.map(([i, v]) => [pointX(i), y.at(v)]) })
      }
    })
    return scene
  }

  const e = s.encoding!
  const yf = e.y!.field!
  const cf = e.color?.field
  const fmt = yFormat(s)
  const keys = cf ? [...new Set(rows.map((r) => String(r[cf])))] : [yf]
  const series = keys.map((key, i) => ({ key, name: labelOf(key), color: PALETTE[i % PALETTE.length] }))
  const y = yScale(rows.map((r) => num(r[yf])))
  scene.yTicks = y.ticks.map((v) => ({ pos: y.at(v), label: axisLabel(v, fmt) }))
  scene.yTitle = e.y!.title ?? (cf && s.transform ? '' : labelOf(yf))
  scene.series = series.length > 1 ? series.map(({ name, color }) => ({ name, color })) : []
  const seriesOf = (r: Record<string, unknown>) => (cf ? Math.max(0, keys.indexOf(String(r[cf]))) : 0)

  if (mark === 'line') {
    scene.lines = series.map(({ name, color }, si) => ({
      name, color,
      points: rows.filter((r) => seriesOf(r) === si)
        .map((r) => [index.get(String(r[xf]))!, num(r[yf])] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([i, v]) => [pointX(i), y.at(v)] as [number, number]),
    }))
    return scene
  }
  const inner = band * 0.8
  const bw = inner / series.length
  scene.bars = rows.map((r) => {
    const si = seriesOf(r)
    const v = num(r[yf])
    return {
      x: M.left + index.get(String(r[xf]))! * band + band * 0.1 + si * bw, y: y.at(Math.max(0, v)), w: Math.max(1, bw - 1), h: Math.abs(y.at(v) - y.at(0)),
      color: series[si].color, title: `${String(r[xf])}${cf ? `, ${series[si].name}` : ''}: ${formatNumber(v, fmt)}`,
    }
  })
  return scene
}

export const MARGIN = M
