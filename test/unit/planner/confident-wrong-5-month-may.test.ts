// "may orders by store" was answered with every order of all time, by store, and "june sales vs may" with June
// alone: "may" is also a verb, so it was read as a month only after a preposition or before a year or day, and
// the verb reading left the word unused without a doubt. A question that opens with "may" and no pronoun after
// it ("may I see ...") asks about the month, as does "may" after "vs" (a comparison of periods).
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('"may" as a month', () => {
  it('reads the month at the opening of a question', () => {
    expect(ask('demo', 'may orders by store')).toEqual({ metrics: ['order_count'], group_by: ['store__store_name'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })

  it('is not answered as June alone when compared with June', () => {
    expect(ask('demo', 'june sales vs may')).not.toEqual({ metrics: ['total_sales'], time_constraint: { start: '2024-06-01', end: '2024-06-30' } })
  })

  it('still reads "may I see" as a request', () => {
    expect(ask('demo', 'may I see sales by region')).toEqual({ metrics: ['total_sales'], group_by: ['store__region'] })
  })
})
