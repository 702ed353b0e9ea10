// Every expected answer of the second development set is a query the layer can
// run: each expected plan compiles against its manifest (the logistics layer in
// test/fixtures/logistics and the demo), so the set never rewards a plan the
// service would refuse at compile time.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compile, importMetricFlow, type SemanticManifest, type SemanticQuery } from '../../../semantic'

const ROOT = join(import.meta.dirname, '../../..')
const file = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/planner-eval-dev-2.json'), 'utf8')) as {
  catalogs: Record<string, { manifest: string }>
  cases: Array<{ id: string; catalog: string; question: string; expected: SemanticQuery & { error?: string } }>
}

function manifest(dir: string): SemanticManifest {
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml')).map((f) => ({ path: f, content: readFileSync(join(ROOT, dir, f), 'utf8') }))
  const { manifest: m, problems } = importMetricFlow(files, { source_schema: 'eval' })
  expect(problems).toEqual([])
  return m
}

describe('planner-eval-dev-2.json', () => {
  const manifests = new Map(Object.entries(file.catalogs).map(([k, v]) => [k, manifest(v.manifest)]))

  it('has at least 80 questions over the demo and the logistics layer, every class covered', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(80)
    expect(new Set(file.cases.map((c) => c.catalog))).toEqual(new Set(['demo', 'logistics']))
    const classes = new Set(file.cases.map((c) => c.id.split('-').slice(3).join('-')))
    for (const k of ['value-word', 'dropped-word', 'aggregation', 'versus', 'entity-id', 'period', 'share', 'low-confidence']) expect(classes).toContain(k)
  })

  for (const c of file.cases.filter((x) => !x.expected.error)) {
    it(`${c.id}: the expected plan of "${c.question}" compiles`, () => {
      expect(() => compile(c.expected, manifests.get(c.catalog)!, 'postgres')).not.toThrow()
    })
  }
})
