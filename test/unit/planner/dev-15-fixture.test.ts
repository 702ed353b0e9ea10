// The fifteenth development set (test/fixtures/planner-eval-dev-15.json) changes method: no new layer but new
// language over six layers earlier rounds already tuned on (clinic, hr, saas, restaurant, hotel, payments):
// passive voice, questions, imperatives, word-order variants ("clinic-wise", "for each X, ..."), paraphrased
// metric words, negation, time phrases, filler and hedges. Written and counted before round 15's changes,
// which had to be stated in English or derived from the catalog, never in one layer's words.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { file, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-15.json')

describe('planner-eval-dev-15.json', () => {
  it('has at least 180 questions over five or more layers, 30% or more expecting a refusal or a clarification', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(180)
    expect(new Set(file.cases.map((c) => c.catalog)).size).toBeGreaterThanOrEqual(5)
    expect(file.cases.filter((c) => c.expected.error).length / file.cases.length).toBeGreaterThanOrEqual(0.3)
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
  })

  itCompilesExpectedPlans()
})
