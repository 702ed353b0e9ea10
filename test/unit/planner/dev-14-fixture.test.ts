// The fourteenth development set (test/fixtures/planner-eval-dev-14.json: an un-curated public-transit layer
// in test/fixtures/transit and hurried demo phrasing), written and counted before round 14's changes,
// aimed at confidently wrong readings (a depot reached two ways, metrics sharing a word, everyday words that
// are codes, dimensions a metric cannot reach) and the answerable share.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { file, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-14.json')

describe('planner-eval-dev-14.json', () => {
  it('has at least 160 questions, 30% or more expecting a refusal or a clarification', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(160)
    expect(file.cases.filter((c) => c.expected.error).length / file.cases.length).toBeGreaterThanOrEqual(0.3)
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
  })

  itCompilesExpectedPlans()
})
