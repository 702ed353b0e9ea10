// The fourth to twelfth blind pairs (planner-eval-blind-4-ads.json over the
// un-curated advertising layer in test/fixtures/ads-blind, planner-eval-blind-5-realestate.json
// over the property-management layer in test/fixtures/realestate-blind,
// planner-eval-blind-6-airline.json over the airline-operations layer in
// test/fixtures/airline-blind, planner-eval-blind-7-rideshare.json over the
// ride-hailing marketplace layer in test/fixtures/rideshare-blind,
// planner-eval-blind-8-library.json over the public-library layer in
// test/fixtures/library-blind, planner-eval-blind-9-vet.json over the
// veterinary-clinic-chain layer in test/fixtures/vet-blind,
// planner-eval-blind-10-events.json over the live-event ticketing layer in
// test/fixtures/events-blind, planner-eval-blind-11-telecom.json over the
// mobile-operator layer in test/fixtures/telecom-blind,
// planner-eval-blind-12-carrental.json over the car-rental layer in
// test/fixtures/carrental-blind, and the hurried demo questions of each) are
// held-out measures: these tests check only their shape and that each expected
// plan names something real. They never ask the planner, so nothing here can
// tune it to the held-out questions.
import { describe, expect, it } from 'vitest'
import { evalFixture, type EvalFile } from './eval-fixture'

const SETS = [
  { name: 'planner-eval-blind-4-ads.json', catalog: 'ads', minCases: 100, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-4.json', catalog: 'demo', minCases: 50, minNonAnswerShare: 0.25 },
  { name: 'planner-eval-blind-5-realestate.json', catalog: 'realestate', minCases: 100, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-5.json', catalog: 'demo', minCases: 50, minNonAnswerShare: 0.25 },
  { name: 'planner-eval-blind-6-airline.json', catalog: 'airline', minCases: 100, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-6.json', catalog: 'demo', minCases: 50, minNonAnswerShare: 0.25 },
  { name: 'planner-eval-blind-7-rideshare.json', catalog: 'rideshare', minCases: 100, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-7.json', catalog: 'demo', minCases: 50, minNonAnswerShare: 0.25 },
  { name: 'planner-eval-blind-8-library.json', catalog: 'library', minCases: 100, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-8.json', catalog: 'demo', minCases: 50, minNonAnswerShare: 0.25 },
  { name: 'planner-eval-blind-9-vet.json', catalog: 'vet', minCases: 100, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-9.json', catalog: 'demo', minCases: 50, minNonAnswerShare: 0.25 },
  { name: 'planner-eval-blind-10-events.json', catalog: 'events', minCases: 100, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-10.json', catalog: 'demo', minCases: 50, minNonAnswerShare: 0.25 },
  { name: 'planner-eval-blind-11-telecom.json', catalog: 'mobile_op', minCases: 150, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-11.json', catalog: 'demo', minCases: 60, minNonAnswerShare: 0.1 },
  { name: 'planner-eval-blind-12-carrental.json', catalog: 'car_rental', minCases: 150, minNonAnswerShare: 0.3 },
  { name: 'planner-eval-blind-demo-12.json', catalog: 'demo', minCases: 70, minNonAnswerShare: 0.1 },
]

const NON_ANSWERS = ['ambiguous_question', 'question_not_understood']

/** Values each dimension name is known to take, from the file's sample values (`model.dim` → values). */
function knownValues(file: EvalFile): Map<string, Set<unknown>> {
  const known = new Map<string, Set<unknown>>()
  for (const catalog of Object.values(file.catalogs)) {
    for (const [key, values] of Object.entries(catalog.sample_values ?? {})) known.set(key.split('.')[1], new Set(values))
  }
  return known
}

for (const set of SETS) {
  const { file, itCompilesExpectedPlans } = evalFixture(set.name)
  const nonAnswers = file.cases.filter((c) => c.expected.error)

  describe(set.name, () => {
    it(`holds at least ${set.minCases} questions, all on the ${set.catalog} catalog`, () => {
      expect(file.cases.length).toBeGreaterThanOrEqual(set.minCases)
      expect(new Set(file.cases.map((c) => c.catalog))).toEqual(new Set([set.catalog]))
      expect(Object.keys(file.catalogs)).toEqual([set.catalog])
    })

    it(`expects a refusal or a clarification for at least ${set.minNonAnswerShare * 100}% of its questions`, () => {
      expect(nonAnswers.length / file.cases.length).toBeGreaterThanOrEqual(set.minNonAnswerShare)
      for (const c of nonAnswers) expect(NON_ANSWERS).toContain(c.expected.error)
    })

    it('gives every case its own id and asks every question once', () => {
      expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
      expect(new Set(file.cases.map((c) => c.question.toLowerCase())).size).toBe(file.cases.length)
    })

    it('filters dimensions with sampled values only by values the samples hold (an unknown value would make the case unanswerable)', () => {
      const known = knownValues(file)
      for (const c of file.cases) {
        for (const f of c.expected.filters ?? []) {
          const values = known.get(f.field.split('__').at(-1)!)
          if (!values) continue
          for (const v of Array.isArray(f.value) ? f.value : [f.value]) expect(values.has(v), `${c.id}: ${f.field} = ${String(v)}`).toBe(true)
        }
      }
    })

    it('writes time constraints as ISO dates with the start before the end', () => {
      for (const c of file.cases) {
        const tc = c.expected.time_constraint
        if (!tc) continue
        for (const d of [tc.start, tc.end].filter((x) => x !== undefined)) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        if (tc.start && tc.end) expect(tc.start <= tc.end, c.id).toBe(true)
      }
    })

    itCompilesExpectedPlans()
  })
}
