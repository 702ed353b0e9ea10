// The thirteenth development set (test/fixtures/planner-eval-dev-13.json: an un-curated university layer
// in test/fixtures/university and hurried demo phrasing), written and counted before round 13's changes,
// aimed at confidently wrong readings (a department reached two ways, level words, amount or count) and the answerable share.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { file, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-13.json')

describe('planner-eval-dev-13.json', () => {
  it('has at least 160 questions, 30% or more expecting a refusal or a clarification', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(160)
    expect(file.cases.filter((c) => c.expected.error).length / file.cases.length).toBeGreaterThanOrEqual(0.3)
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
  })

  itCompilesExpectedPlans()
})
