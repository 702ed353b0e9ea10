// `call_cnt` described as "Voice calls.": a two-word description said whole names the metric more strongly
// than its two words read apart would ("voice" a service value, "calls" a channel value: 0.99 + 1.0 against
// 2 × 0.9 + the 0.1 a longer match earns), so the phrase is read as the metric.
import { describe, expect, it } from 'vitest'
import { getCatalogIndex } from '../../../src/planner/offline/catalog-index'
import { ask, catalog } from './round-17-layer'

describe('a two-word metric description', () => {
  it('names the metric strongly enough to outrank its words read apart', () => {
    const hit = getCatalogIndex(catalog()).terms.get('priority callback')?.find((h) => h.target.name === 'cb_cnt')
    expect(hit?.quality).toBe(0.95)
    expect(ask('priority callbacks by severity')).toEqual({ metrics: ['cb_cnt'], group_by: ['tkt__sev_cd'] })
  })
})
