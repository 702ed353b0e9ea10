// What compare, offset_metrics and share_of_total refuse, and the output
// columns they add (formats the summaries rely on).
import { describe, expect, it } from 'vitest'
import { SemanticError, compile, type SemanticQuery } from '../../../semantic'
import { shopManifest } from './shop-manifest'

const manifest = shopManifest()
function refusal(q: SemanticQuery): { code: string; path?: string; message: string } {
  try {
    compile(q, manifest, 'postgres')
  } catch (e) {
    if (!(e instanceof SemanticError)) throw e
    return { code: e.code, path: e.details[0]?.path, message: e.message }
  }
  throw new Error('expected a SemanticError')
}

describe('share_of_total', () => {
  it('refuses a ratio metric, whose parts do not add up to its total', () => {
    expect(refusal({ metrics: ['revenue_per_order'], group_by: ['customer__region'], share_of_total: true })).toMatchObject({ code: 'invalid_query', path: 'share_of_total' })
  })
  it('refuses a distinct count and a percentile', () => {
    expect(refusal({ metrics: ['customers'], group_by: ['customer__region'], share_of_total: true }).message).toMatch(/count_distinct/)
    expect(refusal({ metrics: ['order_amount_p90'], group_by: ['customer__region'], share_of_total: true }).message).toMatch(/percentile/)
  })
  it('refuses a share per period (time group-by)', () => {
    expect(refusal({ metrics: ['revenue'], group_by: ['metric_time__month'], share_of_total: true })).toMatchObject({ path: 'group_by' })
  })
  it('adds a percent-formatted share column after the metric and group-by columns', () => {
    const c = compile({ metrics: ['revenue'], group_by: ['customer__region'], share_of_total: true }, manifest, 'postgres')
    expect(c.columns.map((x) => x.name)).toEqual(['revenue', 'customer__region', 'revenue__share'])
    expect(c.columns[2]).toMatchObject({ kind: 'metric', format: { type: 'percent' } })
  })
})

describe('compare with share_of_total', () => {
  it('lists output columns in the order of the SELECT', () => {
    const c = compile({ metrics: ['revenue', 'orders'], group_by: ['customer__region'], time_constraint: { start: '2024-01-01', end: '2024-06-30' }, compare: { offset_window: '1 year' }, share_of_total: true }, manifest, 'postgres')
    expect(c.columns.map((x) => x.name)).toEqual(['revenue', 'orders', 'customer__region', 'revenue__previous', 'orders__previous', 'revenue__share', 'orders__share'])
    const aliases = [...c.sql.matchAll(/ AS "([a-z_]+)"\n?/g)].map((m) => m[1])
    // the outermost SELECT comes first in the text
    expect(aliases.slice(0, 7)).toEqual(c.columns.map((x) => x.name))
  })
})

describe('compare', () => {
  it('needs a time constraint with both bounds', () => {
    expect(refusal({ metrics: ['revenue'], compare: { offset_window: '1 year' } })).toMatchObject({ code: 'invalid_query', path: 'time_constraint' })
  })
  it('refuses a window that is not "<n> <grain>"', () => {
    expect(refusal({ metrics: ['revenue'], time_constraint: { start: '2024-01-01', end: '2024-02-01' }, compare: { offset_window: 'last year' } })).toMatchObject({ path: 'compare.offset_window' })
  })
  it('refuses a time group-by and points to offset_metrics', () => {
    expect(refusal({ metrics: ['revenue'], group_by: ['metric_time__month'], time_constraint: { start: '2024-01-01', end: '2024-02-01' }, compare: { offset_window: '1 year' } }).message).toMatch(/offset_metrics/)
  })
  it('binds the moved period as parameters after the current one', () => {
    const c = compile({ metrics: ['revenue'], time_constraint: { start: '2024-04-01', end: '2024-06-30' }, compare: { offset_window: '1 quarter' } }, manifest, 'postgres')
    expect(c.params).toEqual(['2024-04-01 00:00:00', '2024-07-01 00:00:00', '2024-01-01 00:00:00', '2024-04-01 00:00:00'])
    expect(c.columns.map((x) => x.name)).toEqual(['revenue', 'revenue__previous'])
  })
})

describe('offset_metrics', () => {
  it('refuses an alias that is already a metric', () => {
    expect(refusal({ metrics: ['revenue'], offset_metrics: [{ name: 'revenue', alias: 'orders', offset_window: '1 month' }] })).toMatchObject({ path: 'offset_metrics[0].alias' })
  })
  it('refuses an unknown base metric with suggestions', () => {
    expect(refusal({ metrics: ['x'], offset_metrics: [{ name: 'revenu', alias: 'x', offset_window: '1 month' }] })).toMatchObject({ code: 'unknown_metric' })
  })
  it('needs exactly one of offset_window and offset_to_grain', () => {
    expect(refusal({ metrics: ['x'], offset_metrics: [{ name: 'revenue', alias: 'x' }] })).toMatchObject({ path: 'offset_metrics[0]' })
    expect(refusal({ metrics: ['x'], offset_metrics: [{ name: 'revenue', alias: 'x', offset_window: '1 month', offset_to_grain: 'month' }] })).toMatchObject({ path: 'offset_metrics[0]' })
  })
  it('leaves the shared manifest untouched', () => {
    compile({ metrics: ['revenue_lm'], group_by: ['metric_time__month'], offset_metrics: [{ name: 'revenue', alias: 'revenue_lm', offset_window: '1 month' }] }, manifest, 'postgres')
    expect(manifest.metrics.some((m) => m.name === 'revenue_lm')).toBe(false)
  })
})
