import { describe, expect, it } from 'vitest'
import { chartSpec, d3Format, MAX_BARS, title } from '../../src/query/chart-spec'
import type { ResultColumn } from '../../src/query/result-columns'

const usd = { type: 'currency', currency: 'USD', decimals: 2 } as const
const metric = (name: string, format?: ResultColumn['format']): ResultColumn => ({ name, type: 'decimal', json_type: 'number', kind: 'metric', label: name.replace(/_/g, ' '), format })
const month: ResultColumn = { name: 'metric_time__month', type: 'date', json_type: 'string', kind: 'time_dimension', grain: 'month' }
const region: ResultColumn = { name: 'store__region', type: 'string', json_type: 'string', kind: 'dimension' }
const category: ResultColumn = { name: 'product__category', type: 'string', json_type: 'string', kind: 'dimension' }

describe('chart choice from the result shape', () => {
  it('draws a single value as a big number with the metric format', () => {
    const spec = chartSpec([metric('total_sales', usd)], [[125815.32]])!
    expect(spec.mark!.type).toBe('text')
    expect(spec.encoding!.text).toMatchObject({ field: 'total_sales', type: 'quantitative', format: '$,.2f' })
    expect(spec.data.values).toEqual([{ total_sales: 125815.32 }])
    expect(spec.usermeta.formats.total_sales).toEqual(usd)
    expect(spec.$schema).toMatch(/vega-lite\/v5/)
  })

  it('draws a time series as a line over a temporal axis', () => {
    const spec = chartSpec([month, metric('total_sales')], [['2024-01-01', 10], ['2024-02-01', 12]])!
    expect(spec.mark!.type).toBe('line')
    expect(spec.encoding!.x).toMatchObject({ field: 'metric_time__month', type: 'temporal' })
    expect(spec.encoding!.y).toMatchObject({ field: 'total_sales', type: 'quantitative' })
  })

  it('draws one line per category when a time series is split by a dimension', () => {
    const spec = chartSpec([month, region, metric('orders')], [['2024-01-01', 'West', 1], ['2024-01-01', 'East', 2]])!
    expect(spec.mark!.type).toBe('line')
    expect(spec.encoding!.color).toMatchObject({ field: 'store__region' })
  })

  it('draws a category and a metric as bars, keeping the answer order', () => {
    const spec = chartSpec([region, metric('total_sales')], [['West', 3], ['East', 2]])!
    expect(spec.mark!.type).toBe('bar')
    expect(spec.encoding!.x).toMatchObject({ field: 'store__region', type: 'nominal', sort: null })
  })

  it('draws two metrics over time as two lines and by category as grouped bars', () => {
    const lines = chartSpec([month, metric('a'), metric('b')], [['2024-01-01', 1, 2]])!
    expect(lines.mark!.type).toBe('line')
    expect(lines.transform).toEqual([{ fold: ['a', 'b'], as: ['metric', 'value'] }])
    const bars = chartSpec([region, metric('a'), metric('b')], [['West', 1, 2]])!
    expect(bars.mark!.type).toBe('bar')
    expect(bars.encoding!.xOffset).toMatchObject({ field: 'metric' })
  })

  it('gives two metrics of different scales or units their own axes (dual)', () => {
    const orders = { ...metric('orders'), format: { type: 'number', decimals: 0 } } as ResultColumn
    const sales = metric('total_sales', usd)
    const overTime = chartSpec([month, sales, orders], [['2026-01-01', 33490.63, 287], ['2026-02-01', 31353.45, 271]])!
    expect(overTime.mark).toBeUndefined()
    expect(overTime.resolve).toEqual({ scale: { y: 'independent' } })
    expect(overTime.layer!.map((l) => [l.mark.type, (l.encoding.y as { field: string }).field])).toEqual([['line', 'total_sales'], ['line', 'orders']])
    const byRegion = chartSpec([region, sales, orders], [['West', 41539.23, 400]])!
    expect(byRegion.layer!.map((l) => l.mark.type)).toEqual(['bar', 'line'])
    // same unit, similar scale: one shared axis
    expect(chartSpec([region, metric('a'), metric('b')], [['West', 100, 300]])!.layer).toBeUndefined()
    // a percent next to a count never shares an axis, even at similar numbers
    const rate = { ...metric('rate'), format: { type: 'percent' } } as ResultColumn
    expect(chartSpec([region, metric('a'), rate], [['West', 1, 0.5]])!.layer).toHaveLength(2)
    // three metrics that cannot share one axis: no chart
    expect(chartSpec([region, sales, orders, metric('x', usd)], [['West', 40000, 300, 40000]])).toBeNull()
  })

  it('titles columns by label, by grain for metric time, else by name in words', () => {
    expect(title(month)).toBe('Month')
    expect(title(region)).toBe('Store region')
    expect(title(metric('total_sales'))).toBe('total sales') // metric() gives a label
  })

  it('gives no chart where a table says it better', () => {
    expect(chartSpec([metric('a')], [])).toBeNull() // no rows
    expect(chartSpec([region], [['West']])).toBeNull() // no metric
    expect(chartSpec([region, category, metric('a')], [['West', 'Toys', 1]])).toBeNull() // a matrix
    const many = Array.from({ length: MAX_BARS + 1 }, (_, i) => [`c${i}`, i])
    expect(chartSpec([region, metric('a')], many)).toBeNull()
    expect(chartSpec([metric('a')], [[1], [2]])).toBeNull() // several values without a dimension
  })

  it('treats unlabelled numeric columns as metrics (raw SQL answers)', () => {
    const spec = chartSpec([{ name: 'n', type: 'bigint', json_type: 'number' }], [[5]])!
    expect(spec.mark!.type).toBe('text')
  })

  it('writes d3 formats for currency, percent and numbers', () => {
    expect(d3Format(usd)).toBe('$,.2f')
    expect(d3Format({ type: 'currency', currency: 'EUR' })).toBe(',.2f')
    expect(d3Format({ type: 'percent' })).toBe('.1%')
    expect(d3Format({ type: 'number', decimals: 0 })).toBe(',.0f')
    expect(d3Format(undefined)).toBeUndefined()
  })
})
