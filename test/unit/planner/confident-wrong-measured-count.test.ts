// "claim amount by payer type", "the smallest claim by payer" over a layer whose only metric named
// by "claim" counts claims: the word beside the name measures each claim (its amount, its size), and
// the count matched by the name alone. Answering how many claims was confidently wrong; the planner
// asks back or refuses, and still answers the count when the question asks for one. The other way
// round, "authorizations by merchant" was answered with an amount whose description sums over them.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json', { logistics: 'planner-eval-dev-2.json' })

describe('a measuring word beside the name of a counted thing', () => {
  it('is not answered with the count when an amount follows the name', () => {
    expect(ask('clinic', 'claim amount by payer type')).toEqual(expect.any(String))
    expect(ask('saas', 'invoice amount by region')).toEqual(expect.any(String))
    expect(ask('hr', 'offer amount by department')).toEqual(expect.any(String))
  })

  it('is not answered with the count when a size superlative precedes the name', () => {
    expect(ask('clinic', 'for each provider, the smallest claim')).toEqual(expect.any(String))
    expect(ask('restaurant', 'smallest check by location')).toEqual(expect.any(String))
    expect(ask('logistics', 'lightest shipment by carrier')).toEqual(expect.any(String))
  })

  it('is not answered with an amount summed over the things when they are asked bare', () => {
    // "Amount requested in authorizations in USD." is the amount, not the authorizations
    expect(ask('payments', 'authorizations by merchant')).toEqual(expect.any(String))
    expect(ask('payments', 'authorizations not approved by merchant')).toEqual(expect.any(String))
  })

  it('still answers the count for the thing named alone', () => {
    expect(ask('clinic', 'claims by payer type')).toEqual({ metrics: ['claim_count'], group_by: ['claim__payer_type_cd'] })
  })
})
