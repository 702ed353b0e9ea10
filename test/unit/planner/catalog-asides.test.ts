// What a layer says in passing and round 15 reads (each on a layer other than the one that showed it
// where one has it): a metric description's closing parenthetical is the everyday name of what it counts
// ("Number of guest checks (tickets)"), a legend gloss names its code ("TRN = transient (individual
// travelers)"), and a name column that opens with the head noun of a compound entity (`item_name` on
// `menu_item`) is that entity's name.
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../semantic/types'
import { evalFixture } from './eval-fixture'
import { askSwimSchool } from './swim-school-layer'
import { parentheticalName } from '../../../src/planner/offline/parenthetical-names'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a closing parenthetical of a metric description', () => {
  it('names the metric', () => {
    expect(ask('restaurant', 'tickets by daypart')).toEqual({ metrics: ['check_count'], group_by: ['check__daypart_cd'] })
    expect(ask('hr', 'headcount by department')).toEqual({ metrics: ['employee_count'], group_by: ['department__dept_name'] })
  })

  it('names a metric qualified the way the layer qualifies the plain one', () => {
    // `regrettable_termination_count` beside `termination_count` "(exits)"
    expect(ask('hr', 'regrettable exits by department')).toEqual({ metrics: ['regrettable_termination_count'], group_by: ['employee__department__dept_name'] })
  })

  it('is read only as one or two words closing a description that is no code legend', () => {
    expect(parentheticalName('Number of people employed (headcount).')).toEqual(['headcount'])
    expect(parentheticalName('Kind of exit: VOL = voluntary, INV = involuntary (let go).')).toBeUndefined()
    expect(parentheticalName('Room nights on the reservation (rooms times nights).')).toBeUndefined()
    expect(parentheticalName('Average discount (in percent).')).toBeUndefined()
  })
})

describe('a legend gloss', () => {
  it('names the code it glosses', () => {
    expect(ask('hotel', 'room revenue from individual travelers')).toEqual({ metrics: ['room_revenue'], filters: [{ field: 'reservation__mkt_seg_cd', op: '=', value: 'TRN' }] })
  })

  it('leaves a metric that cannot reach the glossed code unanswered rather than dropping the words', () => {
    // HR: "let go" glosses INV on terminations, which a headcount cannot be filtered by
    expect(ask('hr', 'how many employees were let go last year')).toBe('question_not_understood')
  })
})

describe('a name column opening with the head noun of a compound entity', () => {
  const dims = ['metric_time', 'course_section', 'course_section__section_name', 'course_section__room_cd']
  const catalog: Catalog = {
    metrics: [{ name: 'enrollment_count', type: 'simple', description: 'Enrollments.', dimensions: dims }],
    dimensions: [
      { name: 'metric_time', type: 'time', grain: 'day' },
      { name: 'course_section', type: 'entity' },
      { name: 'course_section__section_name', type: 'categorical', sample_values: ['ENG 101-A', 'MATH 200-B'] },
      { name: 'course_section__room_cd', type: 'categorical', sample_values: ['R1', 'R2'] },
    ],
  }

  it('is what "by <entity>" groups by, not the entity key', () => {
    expect(askSwimSchool(catalog, 'enrollment count by course section')).toEqual({ metrics: ['enrollment_count'], group_by: ['course_section__section_name'] })
  })
})
