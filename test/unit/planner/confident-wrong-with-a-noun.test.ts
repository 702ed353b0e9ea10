// "subscribers with a dropped call" was answered with two counts side by side (subscribers, dropped
// calls), and "students with an outstanding balance" with the balance of every student: "with a X"
// after a plural says which of them to count, those having an X, which the layers have no metric for.
// Such questions are asked back or refused; a plain list of two metrics still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json', {
  telecom: 'planner-eval-dev-12.json', university: 'planner-eval-dev-13.json', insurance: 'planner-eval-dev-5.json',
})

describe('"with a" before a metric word', () => {
  it('is not read as a second metric beside the first', () => {
    expect(ask('telecom', 'subscribers with a dropped call')).toEqual(expect.any(String))
    expect(ask('insurance', 'policyholders with a claim')).toEqual(expect.any(String))
    expect(ask('saas', 'accounts with a refund')).toEqual(expect.any(String))
  })

  it('is not read as the metric for everyone', () => {
    expect(ask('university', 'students with an outstanding balance')).toEqual(expect.any(String))
  })

  it('leaves a list of two metrics answered', () => {
    expect(ask('insurance', 'policyholders and claims')).toEqual({ metrics: ['policyholder_count', 'claim_count'] })
  })
})
