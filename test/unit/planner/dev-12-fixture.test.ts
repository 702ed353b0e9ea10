// The twelfth development set (test/fixtures/planner-eval-dev-12.json: an un-curated mobile-carrier layer
// in test/fixtures/telecom and hurried demo phrasing), written and counted before round 12's changes,
// aimed at confidently wrong readings (value words, shared words, two join paths, unreachable dimensions).
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { file, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-12.json')

describe('planner-eval-dev-12.json', () => {
  it('has at least 180 questions, 30% or more expecting a refusal or a clarification', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(180)
    expect(file.cases.filter((c) => c.expected.error).length / file.cases.length).toBeGreaterThanOrEqual(0.3)
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
  })

  itCompilesExpectedPlans()
})
