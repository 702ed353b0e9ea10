import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-11.json')

describe('an everyday word left alone after "by" at the end of the question', () => {
  it('is not dropped: the breakdown asked for would be missing from the answer', () => {
    expect(ask('manufacturing', 'inspections by result')).toBe('question_not_understood')
  })

  it('leaves a grouping named by a catalog word as it was', () => {
    expect(ask('manufacturing', 'shipments by carrier')).toEqual({ metrics: ['shp_cnt'], group_by: ['shipment__carr_cd'] })
  })
})
