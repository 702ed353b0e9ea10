// MetricFlow's own integration cases that use min_max_only or apply_group_by
// (itest_dimensions: min_max_only_*, no_dedupe, saved_query_no_dedupe), run
// through POST /api/v1/semantic/query instead of the compiler: the suite's
// SIMPLE_MODEL fixtures in a PGlite warehouse, its manifest imported by the API,
// each case's check query the expected answer.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { METRICFLOW_SUITE_DIR } from '../support/metricflow-suite'
import { getDialect, importMetricFlow, type SemanticManifest } from '../../semantic'
import { loadCases } from '../conformance/cases'
import { compareTables } from '../conformance/compare'
import { openPglite } from '../conformance/engines/pglite'
import type { EngineAdapter } from '../conformance/engines/engine'
import { loadFixtureTables } from '../conformance/fixtures'
import { mapCase } from '../conformance/query-mapping'
import { renderCheckQuery, renderWhereFilter, type RenderEnv } from '../conformance/render'
import { loadManifestFiles } from '../conformance/runner'
import { MODELS } from '../conformance/suite'

const SUITE = METRICFLOW_SUITE_DIR
const present = existsSync(path.join(SUITE, 'cases'))
const cases = present ? loadCases(SUITE).filter((c) => c.model === 'SIMPLE_MODEL' && (c.min_max_only || !c.apply_group_by)) : []

let db: PGlite
let engine: EngineAdapter
let t: TestApp
let connectionId: string
let manifest: SemanticManifest
let env: RenderEnv

describe.skipIf(!present)('MetricFlow min_max_only / apply_group_by cases through the API', () => {
  beforeAll(async () => {
    db = new PGlite()
    engine = await openPglite({ instance: db })
    await engine.load(loadFixtureTables(SUITE, [...MODELS.SIMPLE_MODEL.fixtures]))
    env = { dialect: getDialect('postgres'), sourceSchema: engine.schema }
    t = await createTestApp({}, { demoDb: db })
    const conn = await (await t.request('POST', '/api/v1/connections', { body: { name: 'mf', type: 'pglite', config: { demo: true }, is_default: true, options: { max_rows: 200_000 } } })).json()
    connectionId = conn.id
    const files = loadManifestFiles(SUITE, MODELS.SIMPLE_MODEL.manifest)
    const res = await t.request('POST', '/api/v1/semantic/import', {
      body: { connection_id: connectionId, files, mode: 'replace', source_schema: engine.schema, check_relations: false, refresh_sample_values: false },
    })
    if (res.status !== 200) throw new Error(`setup: import answered ${res.status}: ${(await res.text()).slice(0, 2000)}`)
    manifest = importMetricFlow(files, { source_schema: engine.schema }).manifest
  }, 240_000)
  afterAll(async () => {
    await t?.close()
    await engine?.close()
    await db?.close()
  })

  it('finds the cases (min_max_only and apply_group_by: false)', () => {
    expect(cases.filter((c) => c.min_max_only).length).toBeGreaterThanOrEqual(4)
    expect(cases.filter((c) => !c.apply_group_by).length).toBeGreaterThanOrEqual(2)
  })

  for (const c of cases) {
    it(`passes ${c.id}`, async () => {
      const expected = await engine.query(renderCheckQuery(c.check_query, env), [], { role: 'check' })
      const where = c.where_filter ? renderWhereFilter(c.where_filter, env) : undefined
      const { query } = mapCase(c, manifest, where)
      const res = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: connectionId, ...query, max_rows: 200_000 } })
      const body = await res.json()
      expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200)
      const columns: string[] = body.columns.map((col: { name: string }) => col.name)
      const actual = { columns, rows: body.data.map((r: Record<string, unknown>) => columns.map((name) => r[name])) }
      const cmp = compareTables(actual, expected, { checkOrder: c.check_order, allowEmpty: c.allow_empty })
      expect(cmp.ok ? 'ok' : cmp.reason).toBe('ok')
    })
  }
})
