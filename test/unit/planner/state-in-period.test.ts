import { describe, expect, it } from 'vitest'
import { stateInPeriodDoubt } from '../../../src/planner/offline/state-in-period'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a state filter on the counted entity next to a time range', () => {
  it('does not answer "active members last month" as members who joined last month and are active now', () => {
    expect(ask('fitness', 'active members last month')).toBe('ambiguous_question')
  })

  it('answers the state filter without a time range', () => {
    expect(ask('fitness', 'active members by club')).toEqual({ metrics: ['member_count'], group_by: ['club__club_nm'], filters: [{ field: 'member__mbr_status', op: '=', value: 'active' }] })
  })

  it('leaves the state of another entity than the counted one ("shipments for active accounts last month")', () => {
    const query = { metrics: ['shipments'], filters: [{ field: 'account__status', op: '=' as const, value: 'active' }], time_constraint: { start: '2024-05-01', end: '2024-05-31' } }
    expect(stateInPeriodDoubt(query)).toBeUndefined()
    expect(stateInPeriodDoubt({ ...query, metrics: ['account_count'] })).toMatch(/state/)
  })
})
