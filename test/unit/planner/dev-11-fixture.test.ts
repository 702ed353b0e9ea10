// The eleventh development set (test/fixtures/planner-eval-dev-11.json: an un-curated factory/MES layer
// in test/fixtures/manufacturing), written and counted before round 11's changes.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { file, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-11.json')

describe('planner-eval-dev-11.json', () => {
  it('has at least 150 questions, 30% or more expecting a refusal or a clarification', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(150)
    expect(file.cases.filter((c) => c.expected.error).length / file.cases.length).toBeGreaterThanOrEqual(0.3)
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
  })

  itCompilesExpectedPlans()
})
