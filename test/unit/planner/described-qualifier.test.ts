import { describe, expect, it } from 'vitest'
import { getCatalogIndex } from '../../../src/planner/offline/catalog-index'
import { describesMetrics } from '../../../src/planner/offline/described-qualifier'
import { evalFixture } from './eval-fixture'

const { ask, catalogs } = evalFixture('planner-eval-dev-12.json')

describe('a word the metric\'s description says it measures, also a value the metric cannot reach', () => {
  it('finds the word in the description of every metric of the plan', () => {
    const idx = getCatalogIndex(catalogs.get('telecom')!)
    expect(describesMetrics('calls', ['drop_pct'], idx)).toBe(true)
    expect(describesMetrics('call', ['drop_pct', 'data_mb'], idx)).toBe(false)
  })

  it('reads it as part of the metric, not as a filter that cannot be applied', () => {
    expect(ask('telecom', 'call drop rate by band')).toEqual({ metrics: ['drop_pct'], group_by: ['cell__band_cd'] })
  })

  it('still refuses a value of several words the metric cannot reach', () => {
    expect(ask('telecom', 'call center drop rate')).toBe('question_not_understood')
  })
})
