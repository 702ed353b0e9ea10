// "employees earning over 100k by department" came out as `department name > 100000`: the number met
// the grouping's column, the grouping vanished and so did what the number measured. A column whose
// values are words has no order a number could stand above, so the plan is not confident; a threshold
// on a metric ("departments with more than 50 employees") still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a numeric threshold', () => {
  it('is not put on a column whose values are words', () => {
    expect(ask('hr', 'employees earning over 100k by department')).toEqual(expect.any(String))
  })

  it('still filters a metric', () => {
    expect(ask('hr', 'departments with more than 50 employees')).toEqual({
      metrics: ['employee_count'], group_by: ['department__dept_name'], filters: [{ field: 'employee_count', op: '>', value: 50 }],
    })
  })
})
