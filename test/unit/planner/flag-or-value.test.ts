import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-10.json')

describe('a word that names a yes/no column and a whole word of another column\'s value', () => {
  it('asks whether "student contracts" are contracts of students or on the Student Flex plan', () => {
    const plans = candidates('fitness', 'student contracts sold')
    expect(plans.map((p) => p.filters?.[0])).toEqual(expect.arrayContaining([
      { field: 'member__is_student', op: '=', value: true },
      { field: 'plan__plan_nm', op: '=', value: 'Student Flex' },
    ]))
  })

  it('answers the flag where no value of a reachable column holds the word ("promo cancellations")', () => {
    expect(ask('fitness', 'promo cancellations')).toEqual({ metrics: ['cancellations'], filters: [{ field: 'membership__is_promo', op: '=', value: true }] })
  })
})

describe('a flag word said with the noun of its own entity', () => {
  it('picks the flag ("student members": the members\' student flag, not the Student Flex plan)', () => {
    expect(ask('fitness', 'avg monthly fee for student members')).toEqual({ metrics: ['avg_monthly_fee'], filters: [{ field: 'member__is_student', op: '=', value: true }] })
    expect(ask('fitness', 'student members by club')).toEqual({ metrics: ['member_count'], group_by: ['club__club_nm'], filters: [{ field: 'member__is_student', op: '=', value: true }] })
  })
})

describe('a code read through its legend when another column\'s value holds the same word', () => {
  const payments = evalFixture('planner-eval-dev-9.json')

  it('asks whether "hotel gpv" means the hotels category code or the merchant named Harbor Hotel', () => {
    expect(payments.candidates('payments', 'hotel gpv').map((p) => p.filters?.[0]?.field).sort()).toEqual(['merchant__mcc_cd', 'merchant__mrch_nm'])
  })

  it('keeps the code when the question says the whole meaning, a plural, or the entity\'s noun ("hotels gpv", "flagship clubs")', () => {
    expect(payments.ask('payments', 'hotels gpv')).toEqual({ metrics: ['gross_volume'], filters: [{ field: 'merchant__mcc_cd', op: '=', value: '7011' }] })
    expect(ask('fitness', 'number of flagship clubs')).toEqual({ metrics: ['club_count'], filters: [{ field: 'club__club_fmt_cd', op: '=', value: 'FLG' }] })
  })
})
