import { describe, expect, it } from 'vitest'
import { tiedPaths } from '../../../src/planner/offline/join-path-ties'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-10.json')

describe('a column reached by two join paths of the same length', () => {
  it('asks which path is meant when both are as short ("cash collected by club": home club or selling club)', () => {
    expect(candidates('fitness', 'cash collected by club').map((p) => p.group_by).sort()).toEqual([['member__club__club_nm'], ['membership__club__club_nm']])
    expect(ask('fitness', 'bookings by region')).toBe('ambiguous_question')
  })

  it('keeps the shortest path when there is one ("checkins by club" is the club of the check-in)', () => {
    expect(ask('fitness', 'checkins by club')).toEqual({ metrics: ['checkins'], group_by: ['club__club_nm'] })
    expect(ask('demo', 'sales by city')).toEqual({ metrics: ['total_sales'], group_by: ['store__city'] })
  })

  it('does not count a path that only extends another through the same entity as a second reading', () => {
    const available = new Set(['store__city', 'order__store__city', 'order_item__store__city'])
    expect(tiedPaths('order__store__city', available)).toEqual([])
    expect(tiedPaths('member__club__club_nm', new Set(['member__club__club_nm', 'membership__club__club_nm']))).toEqual(['membership__club__club_nm'])
  })
})

describe('several metrics grouped through a path longer than one metric\'s own', () => {
  it('does not answer "checkins vs bookings by club" by the members\' home club without saying so', () => {
    expect(ask('fitness', 'checkins vs bookings by club')).toBe('ambiguous_question')
  })

  it('answers several metrics that share their own shortest path ("checkins and unique visitors by club")', () => {
    expect(ask('fitness', 'checkins and unique visitors by club')).toEqual({ metrics: ['checkins', 'unique_visitors'], group_by: ['club__club_nm'] })
  })
})
