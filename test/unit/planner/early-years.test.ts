// "orders before 0000-01-01" was answered as orders up to 1899-12-31: Date.UTC
// reads the years 0 to 99 as 1900 to 1999, so a date in them moved by 1900 years
// and the plan stayed confident. Dates of every year keep their year now; one
// outside the years the compiler accepts (0001-9999) is no plan at all.
import { describe, expect, it } from 'vitest'
import { addDays, addMonths, daysInMonth, isoDate, toDays } from '../../../src/planner/time/civil-date'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-2.json', {})

describe('civil dates in the years 0 to 99', () => {
  it('keep their year through day arithmetic', () => {
    expect(isoDate(addDays({ year: 1, month: 1, day: 1 }, -1))).toBe('0000-12-31')
    expect(isoDate(addDays({ year: 50, month: 3, day: 1 }, -1))).toBe('0050-02-28')
    expect(isoDate(addDays({ year: 99, month: 12, day: 31 }, 1))).toBe('0100-01-01')
    expect(toDays({ year: 1, month: 1, day: 1 }) - toDays({ year: 0, month: 12, day: 31 })).toBe(1)
  })

  it('know which of them are leap years', () => {
    expect(daysInMonth(4, 2)).toBe(29)
    expect(daysInMonth(0, 2)).toBe(29)
    expect(daysInMonth(50, 2)).toBe(28)
    expect(isoDate(addMonths({ year: 3, month: 1, day: 31 }, 1))).toBe('0003-02-28')
  })
})

describe('a question bounded by a date before the year 100', () => {
  it('is never answered as a bound 1900 years later', () => {
    expect(ask('demo', 'revenue since 0050-06-01')).toEqual({ metrics: ['total_sales'], time_constraint: { start: '0050-06-01' } })
    expect(ask('demo', 'revenue before 0050-01-01')).toEqual({ metrics: ['total_sales'], time_constraint: { end: '0049-12-31' } })
  })

  it('is no plan when the date is in the year 0000', () => {
    expect(ask('demo', 'orders before 0000-01-01')).toBe('question_not_understood')
    expect(ask('demo', 'revenue in 0000-03')).toBe('question_not_understood')
    expect(ask('demo', 'revenue in 0000-q1')).toBe('question_not_understood')
  })

  it('leaves ordinary dates as they were', () => {
    expect(ask('demo', 'revenue before 2023-01-01')).toEqual({ metrics: ['total_sales'], time_constraint: { end: '2022-12-31' } })
  })
})
