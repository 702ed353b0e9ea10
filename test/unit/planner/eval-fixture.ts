// What the development sets' rule tests (dev-N-rules.test.ts) share: an eval
// file's layers read as the planner eval reads them (the fixture's sample
// values on their dimensions), its clock, and questions asked as offline-only
// mode answers them (below the threshold it refuses or asks back).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { buildCatalog, compile, importMetricFlow, type Catalog, type SemanticManifest, type SemanticQuery } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { PlanningError } from '../../../src/planner/planner'

const ROOT = join(import.meta.dirname, '../../..')
const THRESHOLD = 0.75

export interface EvalFile {
  clock: { now: string; timezone: string }
  catalogs: Record<string, { manifest: string; sample_values?: Record<string, Array<string | number | boolean>> }>
  cases: Array<{ id: string; catalog: string; question: string; expected: SemanticQuery & { error?: string } }>
}

export const readEvalFile = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures', name), 'utf8')) as EvalFile

/** A catalog's layer of an eval file, with the file's sample values on its dimensions. */
export function evalManifest(from: EvalFile, name: string): SemanticManifest {
  const dir = from.catalogs[name].manifest
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml')).map((f) => ({ path: f, content: readFileSync(join(ROOT, dir, f), 'utf8') }))
  const { manifest: m, problems } = importMetricFlow(files, { source_schema: 'eval' })
  expect(problems).toEqual([])
  for (const [key, values] of Object.entries(from.catalogs[name].sample_values ?? {})) {
    const [model, dim] = key.split('.')
    const d = m.semantic_models.find((s) => s.name === model)?.dimensions.find((x) => x.name === dim)
    if (!d) throw new Error(`sample_values key ${key} names no dimension`)
    d.sample_values = values
  }
  return m
}

/**
 * The eval file `name` ready to ask: its manifests and catalogs by catalog
 * name, plus catalogs of other development sets (`also`: catalog → file).
 */
export function evalFixture(name: string, also: Record<string, string> = {}) {
  const file = readEvalFile(name)
  const ctx = { now: new Date(file.clock.now), timezone: file.clock.timezone }
  const manifests = new Map(Object.keys(file.catalogs).map((k) => [k, evalManifest(file, k)]))
  const catalogs = new Map<string, Catalog>([...manifests].map(([k, m]) => [k, buildCatalog(m)]))
  for (const [catalog, other] of Object.entries(also)) catalogs.set(catalog, buildCatalog(evalManifest(readEvalFile(other), catalog)))

  /** The plan offline-only mode answers with; throws its PlanningError when it refuses or asks back. */
  const plan = (catalog: string, question: string): SemanticQuery =>
    gateConfidence(planOffline(question, catalogs.get(catalog)!, [], ctx), THRESHOLD).query
  /** The plan, or the code of the refusal or clarification. */
  const ask = (catalog: string, question: string): SemanticQuery | string => {
    try {
      return plan(catalog, question)
    } catch (err) {
      if (err instanceof PlanningError) return err.code
      throw err
    }
  }
  /** The refusal or clarification; fails when the question is answered. */
  const refusal = (catalog: string, question: string): PlanningError => {
    try {
      plan(catalog, question)
    } catch (err) {
      if (err instanceof PlanningError) return err
      throw err
    }
    throw new Error(`"${question}" was answered`)
  }
  /** The plans a clarification offers. */
  const candidates = (catalog: string, question: string): SemanticQuery[] => {
    const err = refusal(catalog, question)
    if (err.code !== 'ambiguous_question') throw err
    return ((err.details[0] as { candidates?: Array<{ plan: SemanticQuery }> }).candidates ?? []).map((c) => c.plan)
  }
  /** One test per answerable case: its expected plan compiles on the layer (an expectation naming nothing real would test nothing). */
  const itCompilesExpectedPlans = () => {
    for (const c of file.cases.filter((x) => !x.expected.error)) {
      it(`${c.id}: the expected plan of "${c.question}" compiles`, () => {
        expect(() => compile(c.expected, manifests.get(c.catalog)!, 'postgres')).not.toThrow()
      })
    }
  }
  return { file, ctx, manifests, catalogs, plan, ask, refusal, candidates, itCompilesExpectedPlans }
}
