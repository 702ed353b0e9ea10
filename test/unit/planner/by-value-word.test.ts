// "lessons by volunteer" where "volunteer" is a coach rank (VOL = volunteer): a bare singular noun after
// "by" usually names the grouping, so the rank filter alone is one reading, not the answer; "by volunteers"
// (a plural agent) is the filter.
import { describe, expect, it } from 'vitest'
import { askSwimSchool, readingsOf, swimSchoolCatalog } from './swim-school-layer'

const catalog = swimSchoolCatalog()

describe('a value word right after "by"', () => {
  it('asks back when it is a bare singular noun, offering the grouping by its column', () => {
    expect(askSwimSchool(catalog, 'lessons by volunteer')).toBe('ambiguous_question')
    expect(readingsOf(catalog, 'lessons by volunteer')).toContainEqual({ metrics: ['lsn_cnt'], group_by: ['coach__coach_rank_cd'] })
  })

  it('filters when the agent is plural ("lessons by volunteers")', () => {
    expect(askSwimSchool(catalog, 'lessons by volunteers')).toEqual({ metrics: ['lsn_cnt'], filters: [{ field: 'coach__coach_rank_cd', op: '=', value: 'VOL' }] })
  })

  it('filters when the value qualifies the entity noun after it ("lessons by advanced swimmers")', () => {
    expect(askSwimSchool(catalog, 'lessons by advanced swimmers')).toEqual({ metrics: ['lsn_cnt'], filters: [{ field: 'swimmer__swm_lvl_cd', op: '=', value: 'A' }] })
  })
})
