// "lessons for advanced swimmers": the noun after the value names whose lessons they are, not a
// filter on some other table's legend ("SW = swimmer or family" on lane bookings). "first-season
// swimmers" over `is_1st_ssn`: a column name writes the ordinal in digits.
import { describe, expect, it } from 'vitest'
import { nameStems } from '../../../src/planner/offline/normalize'
import { askSwimSchool, swimSchoolCatalog } from './swim-school-layer'

const catalog = swimSchoolCatalog()
const ask = (q: string) => askSwimSchool(catalog, q)

describe('the noun of the entity a metric is about', () => {
  it('is no filter when a legend the metric cannot reach uses the same word', () => {
    expect(ask('lessons for advanced swimmers')).toEqual({ metrics: ['lsn_cnt'], filters: [{ field: 'swimmer__swm_lvl_cd', op: '=', value: 'A' }] })
  })

  it('still refuses a word the metric cannot be filtered by that names no entity of it', () => {
    expect(ask('lessons booked by clubs')).not.toMatchObject({ metrics: ['lsn_cnt'] })
  })
})

describe('ordinals written in digits', () => {
  it('read as the word ("1st" is "first")', () => {
    expect(nameStems('is_1st_ssn')).toEqual(['is', 'first', 'ssn'])
    expect(nameStems('2nd_attempt')).toEqual(['second', 'attempt'])
  })

  it('let "first-season swimmers" find `is_1st_ssn`', () => {
    expect(ask('lessons for first-season swimmers')).toEqual({ metrics: ['lsn_cnt'], filters: [{ field: 'swimmer__is_1st_ssn', op: '=', value: true }] })
  })
})
