// "manual vs automated reviews" where the legend lists only those two codes: the comparison is the breakdown
// itself, with no filter restating the whole. Only a legend says its codes are all there are.
import { describe, expect, it } from 'vitest'
import { dropWholeLegendFilter } from '../../../src/planner/offline/whole-legend-versus'
import { getCatalogIndex } from '../../../src/planner/offline/catalog-index'
import { ask, catalog } from './round-17-layer'

describe('a comparison of every code a legend lists', () => {
  it('is answered with the breakdown alone', () => {
    expect(ask('manual vs automated quality reviews')).toEqual({ metrics: ['rvw_cnt'], group_by: ['rvw__mthd_cd'] })
  })

  it('keeps the filter when the legend lists more codes than were compared', () => {
    const idx = getCatalogIndex(catalog())
    const query = { metrics: ['tkt_cnt'], group_by: ['tkt__res_cd'], filters: [{ field: 'tkt__res_cd', op: 'in' as const, value: ['FIX', 'ESC'] }] }
    expect(dropWholeLegendFilter(query, idx)).toBeUndefined()
    expect(query.filters).toHaveLength(1)
  })

  it('keeps the filter on a column known only by sample values', () => {
    const idx = getCatalogIndex(catalog())
    const query = { metrics: ['tkt_cnt'], group_by: ['agt__team_nm'], filters: [{ field: 'agt__team_nm', op: 'in' as const, value: ['North', 'South'] }] }
    expect(dropWholeLegendFilter(query, idx)).toBeUndefined()
  })
})
