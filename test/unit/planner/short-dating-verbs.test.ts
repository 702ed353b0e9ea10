// "coaches hired last year" over a coach count dated only by `hire_dt` ("Day the coach was hired."):
// the verb says which event the range is on, also where its base is three letters ("hir" + e).
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../semantic/types'
import { askSwimSchool } from './swim-school-layer'

const catalog: Catalog = {
  metrics: [{ name: 'coach_cnt', type: 'simple', description: 'Coaches on staff.', dimensions: ['metric_time', 'coach', 'coach__hire_dt', 'coach__cert_lvl'] }],
  dimensions: [
    { name: 'metric_time', type: 'time', grain: 'day' },
    { name: 'coach', type: 'entity' },
    { name: 'coach__hire_dt', type: 'time', grain: 'day', description: 'Day the coach was hired.' },
    { name: 'coach__cert_lvl', type: 'categorical', description: 'Certification level.' },
  ],
}

describe('a short past-tense verb naming the event a metric is dated by', () => {
  it('is read as that event ("coaches hired last year")', () => {
    expect(askSwimSchool(catalog, 'coaches hired last year')).toEqual({ metrics: ['coach_cnt'], time_constraint: { start: '2023-01-01', end: '2023-12-31' } })
  })

  it('stays unread where the dating column does not hold it ("coaches fired last year")', () => {
    expect(askSwimSchool(catalog, 'coaches fired last year')).not.toMatchObject({ metrics: ['coach_cnt'] })
  })
})
