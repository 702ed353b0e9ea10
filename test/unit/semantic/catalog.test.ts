import { describe, expect, it } from 'vitest'
import { buildCatalog } from '../../../semantic'
import { shopManifest } from './shop-manifest'

describe('buildCatalog', () => {
  const catalog = buildCatalog(shopManifest())

  it('lists for each metric the query names it can be grouped by, through entity joins', () => {
    const revenue = catalog.metrics.find((m) => m.name === 'revenue')!
    expect(revenue).toMatchObject({ type: 'simple', label: 'Revenue' })
    expect(revenue.dimensions).toEqual(expect.arrayContaining(['metric_time', 'order__status', 'order__ordered_at', 'customer', 'customer__region', 'customer__signed_up_at']))
    expect(revenue.dimensions[0]).toBe('metric_time')
  })

  it('offers only names reachable from every model a metric reads', () => {
    // revenue (orders) and visits (visits) meet only through customer: order__status is orders-only.
    const growth = catalog.metrics.find((m) => m.name === 'revenue_per_order')!
    expect(growth.dimensions).toContain('order__status')
    const customers = catalog.metrics.find((m) => m.name === 'customers')!
    expect(customers.dimensions).not.toContain('order__status') // would fan out
    expect(customers.dimensions).toContain('customer__region')
  })

  it('describes dimensions with type, grain, synonyms and sample values', () => {
    const region = catalog.dimensions.find((d) => d.name === 'customer__region')
    expect(region).toEqual({ name: 'customer__region', type: 'categorical', synonyms: ['area', 'market'], sample_values: ['EU', 'US'], value_type: 'string' })
    expect(catalog.dimensions.find((d) => d.name === 'order__ordered_at')).toMatchObject({ type: 'time', grain: 'day' })
    expect(catalog.dimensions.find((d) => d.name === 'order__is_gift')).toMatchObject({ value_type: 'boolean' })
    expect(catalog.dimensions.find((d) => d.name === 'customer')).toMatchObject({ type: 'entity' })
    expect(catalog.dimensions[0]).toMatchObject({ name: 'metric_time', type: 'time', grain: 'day' })
  })

  it('is deterministic', () => {
    expect(buildCatalog(shopManifest())).toEqual(catalog)
  })
})
