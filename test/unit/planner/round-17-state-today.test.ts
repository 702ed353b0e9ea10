// "closed tickets last month" where the status column is "Ticket status today": the filter is the state the
// tickets are in now, while the time range picks them by the day they were opened; "closed last month" is not
// what that plan counts, so it is asked back. Without a time range the state today is what was asked.
import { describe, expect, it } from 'vitest'
import { stateInPeriodDoubt } from '../../../src/planner/offline/state-in-period'
import { getCatalogIndex } from '../../../src/planner/offline/catalog-index'
import { ask, catalog } from './round-17-layer'

describe('a filter on a column that holds the state as it is today', () => {
  it('is doubted next to a time range on the entity the metric counts', () => {
    expect(ask('closed tickets last month')).toBe('ambiguous_question')
    const idx = getCatalogIndex(catalog())
    const query = { metrics: ['tkt_cnt'], filters: [{ field: 'tkt__st_cd', op: '=' as const, value: 'CLS' }], time_constraint: { start: '2024-05-01', end: '2024-05-31' } }
    expect(stateInPeriodDoubt(query, idx)).toMatch(/state rows are in now/)
  })

  it('is answered without a time range', () => {
    expect(ask('closed tickets')).toEqual({ metrics: ['tkt_cnt'], filters: [{ field: 'tkt__st_cd', op: '=', value: 'CLS' }] })
  })
})
