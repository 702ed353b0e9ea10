// "invoices on average per account" was answered as the average invoice amount by account: said in the
// plural, the things are being counted (how many invoices an account has, on average), but the layer's
// only average of them is an average amount, which the question never mentions. Asked back now; the
// amount said outright still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('an average of things said in the plural', () => {
  it('is not read as the average amount of one of them', () => {
    expect(ask('saas', 'invoices on average per account')).toEqual(expect.any(String))
    expect(ask('clinic', 'average claims per patient')).toEqual(expect.any(String))
  })

  it('leaves the average amount said outright answered', () => {
    expect(ask('clinic', 'average claim amount per patient')).toEqual({ metrics: ['avg_claim_amount'], group_by: ['patient'] })
  })
})
