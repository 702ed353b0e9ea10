import { describe, expect, it } from 'vitest'
import { valueAliases } from '../../../src/planner/offline/value-aliases'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('well-known names of coded values in an un-curated layer', () => {
  it('reads a state name when only the column\'s description says it holds US states (`st_cd`: "US state of the club")', () => {
    expect(ask('fitness', 'checkins in texas')).toEqual({ metrics: ['checkins'], filters: [{ field: 'club__st_cd', op: '=', value: 'TX' }] })
  })

  it('reads "male" and "female" as the one-letter codes of a gender column', () => {
    expect(ask('fitness', 'male members by club')).toEqual({ metrics: ['member_count'], group_by: ['club__club_nm'], filters: [{ field: 'member__gndr_cd', op: '=', value: 'M' }] })
    expect(valueAliases('F', ['gender'])).toEqual(['Female', 'Women'])
    expect(valueAliases('F', ['fuel', 'type'])).toEqual([])
  })
})
