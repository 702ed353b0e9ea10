import { describe, expect, it } from 'vitest'
import type { CatalogMetric } from '../../../semantic/types'
import { rateNameStems } from '../../../src/planner/offline/ratio-rate-names'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-11.json')
const metric = (type: CatalogMetric['type']) => ({ name: 'scrap_pct', type, dimensions: [] }) as CatalogMetric

describe('a ratio metric named as a percent', () => {
  it('is also named as a rate', () => {
    expect(rateNameStems(metric('ratio'), ['scrap', 'percent'])).toEqual(['scrap', 'rate'])
  })

  it('keeps one name when the percent is a stored column summed as a simple metric', () => {
    expect(rateNameStems(metric('simple'), ['scrap', 'percent'])).toBeUndefined()
  })

  it('answers "scrap rate by line last month"', () => {
    expect(ask('manufacturing', 'scrap rate by line last month')).toEqual({ metrics: ['scrap_pct'], group_by: ['line__ln_nm'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })
})
