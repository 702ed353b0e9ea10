import { describe, expect, it } from 'vitest'
import { estimateTokens, retrieveCatalog, scoreCatalog, stem, tokenize } from '../../../src/planner/retrieval'
import { hugeCatalog, retailCatalog } from './fixtures'

const top = (question: string, kind: 'metric' | 'dimension', catalog = retailCatalog()) =>
  scoreCatalog(question, catalog).filter((s) => s.kind === kind).sort((a, b) => b.score - a.score)[0]

describe('tokenize and stem', () => {
  it('splits snake_case and MetricFlow paths and folds plurals', () => {
    expect(tokenize('store__store_names')).toEqual(['store', 'store', 'name'])
    expect(stem('categories')).toBe('category')
    expect(stem('boxes')).toBe('box')
    expect(stem('business')).toBe('business')
  })
  it('drops question filler words', () => {
    expect(tokenize('What are the total sales by region?')).toEqual(['sale', 'region'])
  })
})

describe('scoreCatalog', () => {
  it('finds a metric by synonym', () => {
    expect(top('how much revenue did we make', 'metric').name).toBe('total_sales')
    expect(top('number of transactions', 'metric').name).toBe('order_count')
  })
  it('finds a dimension by label, synonym and plural', () => {
    expect(top('sales per territory', 'dimension').name).toBe('store__region')
    expect(top('orders by categories', 'dimension').name).toBe('product__category')
  })
  it('finds a dimension from a sample value named in the question', () => {
    expect(top('sales in California', 'dimension').name).toBe('store__state')
    expect(top('orders at the Chicago Loop store', 'dimension').name).toBe('store__store_name')
  })
  it('matches inflected words by prefix', () => {
    expect(top('how many shoppers', 'metric').name).toBe('customers')
    expect(top('employees per store', 'metric').name).toBe('store_headcount')
  })
})

describe('retrieveCatalog', () => {
  it('includes the whole catalog when it fits the budget', () => {
    const r = retrieveCatalog('sales by region', retailCatalog(), { budgetTokens: 4_000 })
    expect(r.metricNames.sort()).toEqual(retailCatalog().metrics.map((m) => m.name).sort())
    expect(r.dimensionNames).toHaveLength(retailCatalog().dimensions.length)
    expect(r.catalog.omitted).toBeUndefined()
    expect(r.estimatedTokens).toBeLessThanOrEqual(4_000)
  })

  it('shows which metrics cannot be grouped by which dimensions', () => {
    const r = retrieveCatalog('staff by region', retailCatalog(), { budgetTokens: 4_000 })
    const headcount = r.catalog.metrics.find((m) => m.name === 'store_headcount')!
    expect(headcount.dims).toBeDefined()
    expect(r.catalog.dimension_sets![headcount.dims!]).not.toContain('product__category')
    const sales = r.catalog.metrics.find((m) => m.name === 'total_sales')!
    expect(r.catalog.dimension_sets![sales.dims!]).toContain('product__category')
  })

  it('lists sample values named in the question first', () => {
    const catalog = retailCatalog()
    catalog.dimensions.find((d) => d.name === 'store__state')!.sample_values = Array.from({ length: 40 }, (_, i) => `State ${i}`).concat(['Texas'])
    const r = retrieveCatalog('sales in Texas', catalog, { budgetTokens: 4_000, maxSampleValues: 5 })
    const state = r.catalog.dimensions.find((d) => d.name === 'store__state')!
    expect(state.values).toHaveLength(5)
    expect(state.values![0]).toBe('Texas')
  })

  it('keeps a catalog of 2,000 metrics and dimensions within the same budget and finds the relevant items', () => {
    const big = hugeCatalog(1_200, 800)
    expect(big.metrics.length + big.dimensions.length).toBe(2_000)
    const budget = 3_000
    const small = retrieveCatalog('total sales by region in California', retailCatalog(), { budgetTokens: budget })
    const r = retrieveCatalog('total sales by region in California', big, { budgetTokens: budget })
    expect(r.estimatedTokens).toBeLessThanOrEqual(budget)
    expect(estimateTokens(JSON.stringify(r.catalog))).toBeLessThanOrEqual(budget)
    expect(small.estimatedTokens).toBeLessThanOrEqual(budget)
    expect(r.metricNames).toContain('total_sales')
    expect(r.dimensionNames).toEqual(expect.arrayContaining(['store__region', 'store__state', 'metric_time']))
    expect(r.catalog.omitted!.metrics + r.catalog.omitted!.dimensions).toBeGreaterThan(1_800)
    // The most relevant items come first, not alphabetical filler.
    expect(r.metricNames[0]).toBe('total_sales')
  })

  it('retrieves a synthetic item by its distinctive words among 2,000', () => {
    const big = hugeCatalog()
    const metric = big.metrics[100]
    const dim = big.dimensions[300]
    const r = retrieveCatalog(`${metric.label} by ${dim.label}`, big, { budgetTokens: 2_000 })
    expect(r.metricNames[0]).toBe(metric.name)
    expect(r.dimensionNames.filter((n) => n !== 'metric_time').slice(0, 2)).toContain(dim.name)
  })

  it('always includes names a follow-up depends on, even when the question does not mention them', () => {
    const big = hugeCatalog()
    const old = big.metrics[700].name
    const r = retrieveCatalog('and by region?', big, { budgetTokens: 2_000, mustInclude: [old, 'store__state'] })
    expect(r.metricNames).toContain(old)
    expect(r.dimensionNames).toContain('store__state')
    expect(r.dimensionNames).toContain('store__region')
  })

  it('returns an empty excerpt rather than exceeding a tiny budget', () => {
    const r = retrieveCatalog('sales', hugeCatalog(), { budgetTokens: 10 })
    expect(r.estimatedTokens).toBeLessThanOrEqual(40)
    expect(r.metricNames.length + r.dimensionNames.length).toBe(0)
  })

  // A guard against quadratic blow-ups, generous because CI machines are shared.
  it('ranks 2,000 items quickly once the catalog is indexed', () => {
    const big = hugeCatalog()
    retrieveCatalog('warm up', big, { budgetTokens: 3_000 })
    const t0 = performance.now()
    for (let i = 0; i < 5; i++) retrieveCatalog(`gamma invoices ${i} by region`, big, { budgetTokens: 3_000 })
    expect((performance.now() - t0) / 5).toBeLessThan(500)
  })
})
