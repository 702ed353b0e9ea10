// The tenth development set (test/fixtures/planner-eval-dev-10.json: an un-curated gym-chain layer
// in test/fixtures/fitness and hurried demo phrasing), written and counted before round 10's changes.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { file, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-10.json')

describe('planner-eval-dev-10.json', () => {
  it('has at least 150 questions, 50 of them over the demo, 35% or more expecting a refusal or a clarification', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(150)
    expect(file.cases.filter((c) => c.catalog === 'demo').length).toBeGreaterThanOrEqual(50)
    expect(file.cases.filter((c) => c.expected.error).length / file.cases.length).toBeGreaterThanOrEqual(0.35)
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
  })

  itCompilesExpectedPlans()
})
