// Temporary shape check for the sixteenth development set (test/fixtures/planner-eval-dev-16.json): an
// un-curated consumer-lending layer in test/fixtures/lending (abbreviated names, code legends only in
// descriptions, opaque metric names, no synonyms), asked the way loan-ops, risk and finance analysts type.
// The set measures the answerable share, so most of it must be answerable, and its expectations must name
// real fields and real values: an expectation the layer cannot produce would score the planner on nothing.
import { describe, expect, it } from 'vitest'
import type { SemanticManifest } from '../../../semantic'
import { evalFixture } from './eval-fixture'

interface ShapeSet {
  file: string
  catalog: string
  minCases: number
  /** Least share of cases expecting a plan rather than a refusal or a clarification. */
  minAnswerable: number
}

const SETS: ShapeSet[] = [{ file: 'planner-eval-dev-16.json', catalog: 'lending', minCases: 170, minAnswerable: 0.65 }]

const ERRORS = new Set(['question_not_understood', 'ambiguous_question'])

/** The dimension a dotted-path field (`entity__…__dimension`) ends on, looked up in the model whose primary entity it names. */
function dimensionOf(manifest: SemanticManifest, field: string) {
  const parts = field.split('__')
  if (parts.length < 2) return undefined
  const [entity, dim] = parts.slice(-2)
  const model = manifest.semantic_models.find((m) => m.entities.some((e) => e.name === entity && e.type === 'primary'))
  return model?.dimensions.find((d) => d.name === dim)
}

for (const set of SETS) {
  const { file, manifests, itCompilesExpectedPlans } = evalFixture(set.file)
  const manifest = manifests.get(set.catalog)!
  const answerable = file.cases.filter((c) => !c.expected.error)

  describe(`${set.file} shape`, () => {
    it(`has at least ${set.minCases} questions, all on ${set.catalog}, with unique ids`, () => {
      expect(file.cases.length).toBeGreaterThanOrEqual(set.minCases)
      expect(new Set(file.cases.map((c) => c.catalog))).toEqual(new Set([set.catalog]))
      expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
    })

    it(`expects a plan for ${set.minAnswerable * 100}% or more of its questions`, () => {
      expect(answerable.length / file.cases.length).toBeGreaterThanOrEqual(set.minAnswerable)
    })

    it('expects only the two refusal codes the planner can give', () => {
      for (const c of file.cases.filter((x) => x.expected.error)) expect(ERRORS, c.id).toContain(c.expected.error)
    })

    it('names only metrics and dimensions the layer has', () => {
      const metrics = new Set(manifest.metrics.map((m) => m.name))
      for (const c of answerable) {
        for (const m of c.expected.metrics) expect(metrics, `${c.id} metric ${m}`).toContain(m)
        for (const item of c.expected.group_by ?? []) {
          const g = typeof item === 'string' ? item : item.name
          if (!g.startsWith('metric_time')) expect(dimensionOf(manifest, g), `${c.id} group_by ${g}`).toBeDefined()
        }
      }
    })

    it('filters only on values among the dimension’s sample values', () => {
      for (const c of answerable) {
        for (const f of c.expected.filters ?? []) {
          const d = dimensionOf(manifest, f.field)
          expect(d, `${c.id} filter ${f.field}`).toBeDefined()
          const values = Array.isArray(f.value) ? f.value : [f.value]
          for (const v of values) expect(d!.sample_values ?? [], `${c.id} ${f.field} = ${String(v)}`).toContain(v)
        }
      }
    })

    itCompilesExpectedPlans()
  })
}
