// The console's chart renderer (console/src/chart/chart-model.ts): which mark
// it draws for the specs the API emits, and how it scales and labels them.
import { describe, expect, it } from 'vitest'
import { axisLabel, buildScene, foldRows, niceTicks, selectMark, HEIGHT, MARGIN } from '../../console/src/chart/chart-model'
import { chartSpec } from '../../src/query/chart-spec'
import type { ResultColumn } from '../../src/query/result-columns'

const usd = { type: 'currency', currency: 'USD', decimals: 2 } as const
const sales: ResultColumn = { name: 'total_sales', type: 'decimal', json_type: 'number', kind: 'metric', label: 'Total sales', format: usd }
const orders: ResultColumn = { name: 'orders', type: 'bigint', json_type: 'number', kind: 'metric', label: 'Orders' }
const month: ResultColumn = { name: 'metric_time__month', type: 'date', json_type: 'string', kind: 'time_dimension', grain: 'month' }
const items: ResultColumn = { ...orders, name: 'items', label: 'Items' }
const region: ResultColumn = { name: 'store__region', type: 'string', json_type: 'string', kind: 'dimension' }

describe('mark selection', () => {
  it('draws each chart the API chooses with the matching mark', () => {
    expect(selectMark(chartSpec([sales], [[10]]))).toBe('number')
    expect(selectMark(chartSpec([month, sales], [['2026-01-01', 1], ['2026-02-01', 2]]))).toBe('line')
    expect(selectMark(chartSpec([region, sales], [['West', 1]]))).toBe('bar')
    expect(selectMark(chartSpec([region, orders, items], [['West', 1, 2]]))).toBe('bar')
    expect(selectMark(chartSpec([month, sales, orders], [['2026-01-01', 1, 2]]))).toBe('dual') // dollars and a count
    expect(selectMark(chartSpec([month, orders, items], [['2026-01-01', 1, 2]]))).toBe('line')
  })

  it('draws nothing for a spec outside the subset, or without data', () => {
    expect(selectMark(null)).toBeNull()
    expect(selectMark({ mark: 'arc', data: { values: [{ a: 1 }] }, encoding: { theta: { field: 'a' } } })).toBeNull()
    expect(selectMark({ mark: 'bar', data: { values: [] }, encoding: { x: { field: 'a' }, y: { field: 'b' } } })).toBeNull()
    expect(selectMark({ mark: { type: 'bar' }, data: { values: [{ a: 1 }] }, encoding: { x: { field: 'a' } } })).toBeNull()
    expect(buildScene('not a spec')).toBeNull()
  })
})

describe('scenes', () => {
  it('formats the big number with the metric format', () => {
    const scene = buildScene(chartSpec([sales], [[125815.3]]), () => 'Total sales')
    expect(scene).toEqual({ mark: 'number', text: '$125,815.30', label: 'Total sales' })
  })

  it('draws one bar per category, from the zero line, taller for larger values', () => {
    const scene = buildScene(chartSpec([region, sales], [['West', 300], ['East', 100]]))!
    if (scene.mark !== 'bar') throw new Error(scene.mark)
    expect(scene.bars).toHaveLength(2)
    const [west, east] = scene.bars
    expect(west.h).toBeGreaterThan(east.h)
    expect(west.y + west.h).toBeCloseTo(HEIGHT - MARGIN.bottom)
    expect(west.title).toBe('West: $300.00')
    expect(scene.xTicks.map((t) => t.label)).toEqual(['West', 'East'])
  })

  it('groups bars by metric when several metrics share a category', () => {
    const scene = buildScene(chartSpec([region, orders, items], [['West', 3, 4], ['East', 1, 2]]))!
    if (scene.mark !== 'bar') throw new Error(scene.mark)
    expect(scene.bars).toHaveLength(4)
    expect(scene.series.map((s) => s.name)).toEqual(['orders', 'items'])
    expect(new Set(scene.bars.map((b) => b.color)).size).toBe(2)
  })

  it('draws a time series as one line in time order, with month labels', () => {
    const scene = buildScene(chartSpec([month, sales], [['2026-03-01', 3], ['2026-01-01', 1], ['2026-02-01', 2]]))!
    if (scene.mark !== 'line') throw new Error(scene.mark)
    expect(scene.lines).toHaveLength(1)
    expect(scene.series).toEqual([]) // no legend for one line
    const xs = scene.lines[0].points.map((p) => p[0])
    expect(xs).toEqual([...xs].sort((a, b) => a - b))
    const ys = scene.lines[0].points.map((p) => p[1])
    expect(ys[0]).toBeGreaterThan(ys[2]) // January (1) is lower on the chart than March (3): SVG y grows downwards
    expect(scene.xTicks.map((t) => t.label)).toEqual(['2026-01', '2026-02', '2026-03'])
  })

  it('draws one line per metric when two metrics share a time axis', () => {
    const scene = buildScene(chartSpec([month, orders, items], [['2026-01-01', 1, 5], ['2026-02-01', 2, 6]]))!
    if (scene.mark !== 'line') throw new Error(scene.mark)
    expect(scene.lines.map((s) => s.points.length)).toEqual([2, 2])
  })

  it('draws two metrics of different scales on a left and a right axis', () => {
    const lines = buildScene(chartSpec([month, sales, orders], [['2026-01-01', 33490.63, 287], ['2026-02-01', 31353.45, 271]]), (f) => (f === 'orders' ? 'Orders' : 'Total sales'))!
    if (lines.mark !== 'dual') throw new Error(lines.mark)
    expect(lines.lines).toHaveLength(2)
    // each line spans its own axis: both start high on the chart, orders is not flattened against the sales scale
    const [salesLine, ordersLine] = lines.lines
    expect(Math.abs(salesLine.points[0][1] - ordersLine.points[0][1])).toBeLessThan(HEIGHT / 3)
    expect(lines.yTicks.at(-1)!.label).toMatch(/^\$\d+K$/)
    expect(lines.y2Ticks!.at(-1)!.label).toMatch(/^\d+$/)
    expect([lines.yTitle, lines.y2Title]).toEqual(['Total sales', 'Orders'])
    const combo = buildScene(chartSpec([region, sales, orders], [['West', 41539, 400], ['East', 20000, 250]]))!
    if (combo.mark !== 'dual') throw new Error(combo.mark)
    expect(combo.bars).toHaveLength(2)
    expect(combo.lines).toHaveLength(1)
    // the line's points sit over the middle of each bar
    expect(combo.lines[0].points[0][0]).toBeCloseTo(combo.bars[0].x + combo.bars[0].w / 2)
  })

  it('folds metrics into metric/value rows as Vega-Lite does', () => {
    expect(foldRows({ data: { values: [{ r: 'W', a: 1, b: 2 }] }, transform: [{ fold: ['a', 'b'], as: ['metric', 'value'] }] }))
      .toEqual([{ r: 'W', a: 1, b: 2, metric: 'a', value: 1 }, { r: 'W', a: 1, b: 2, metric: 'b', value: 2 }])
  })
})

describe('axes', () => {
  it('picks round ticks that cover the data', () => {
    expect(niceTicks(0, 41539)).toEqual([0, 10000, 20000, 30000, 40000, 50000])
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    const neg = niceTicks(-5, 12)
    expect(neg[0]).toBeLessThanOrEqual(-5)
    expect(neg.at(-1)).toBeGreaterThanOrEqual(12)
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
  })

  it('writes compact labels in the metric format', () => {
    expect(axisLabel(40000, usd)).toBe('$40K')
    expect(axisLabel(2_500_000, usd)).toBe('$2.5M')
    expect(axisLabel(0.25, { type: 'percent' })).toBe('25%')
    expect(axisLabel(1500)).toBe('1,500')
    expect(axisLabel(-20000, usd)).toBe('-$20K')
  })
})
