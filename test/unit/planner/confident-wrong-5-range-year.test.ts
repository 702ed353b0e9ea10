// "sales jan-mar 2023" and "sales march to may 2023" were answered from January (or March) of this year to
// March (or May) of 2023: an end before the start. With "from" or "between" the yearless first month already
// took the year of the end; written without them the first month kept the current year. A year written once
// after a range of months belongs to both ends, however the range is introduced.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a range of months with one year after it', () => {
  it('takes that year for both ends when written with a hyphen', () => {
    expect(ask('demo', 'sales jan-mar 2023')).toEqual({ metrics: ['total_sales'], time_constraint: { start: '2023-01-01', end: '2023-03-31' } })
  })

  it('takes that year for both ends when written with "to"', () => {
    expect(ask('demo', 'sales march to may 2023')).toEqual({ metrics: ['total_sales'], time_constraint: { start: '2023-03-01', end: '2023-05-31' } })
  })

  it('leaves a range whose ends both carry a year as written', () => {
    expect(ask('demo', 'sales nov 2023 - feb 2024')).toEqual({ metrics: ['total_sales'], time_constraint: { start: '2023-11-01', end: '2024-02-29' } })
  })
})
