// MetricFlow conformance as a regression test: every case runs on PGlite and,
// when their servers answer (required in CI), on PostgreSQL, MariaDB and
// ClickHouse. A failing case not listed in expected-failures.json fails the
// test; a listed case that passes prints a note asking to remove it.
// For a human-readable report use `npm run conformance` instead.
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IN_CI } from '../support/services'
import { loadBaseline, type BaselineEntry } from './baseline'
import { loadCases, type ConformanceCase } from './cases'
import { ENGINE_NAMES, engineAvailable, openEngine, type EngineAdapter } from './engines'
import { loadFixtureTables, type FixtureTable } from './fixtures'
import { ConformanceRunner, ReferenceExpectations } from './runner'
import { loadSemanticLib, type SemanticLib } from './semantic-lib'
import { MODELS, SUITE_DIR, fixtureFoldersFor, suiteAvailable, type ModelName } from './suite'

const haveSuite = suiteAvailable()
if (!haveSuite) {
  const msg = `MetricFlow conformance data not found at ${SUITE_DIR} (set METRICFLOW_SUITE_DIR)`
  if (IN_CI) throw new Error(msg)
  console.warn(`[skip] ${msg}`)
}

const cases: ConformanceCase[] = haveSuite ? loadCases(SUITE_DIR) : []
const baseline = loadBaseline()
const caseIds = new Set(cases.map((c) => c.id))

describe('expected-failures.json', () => {
  it.skipIf(!haveSuite)('lists only cases that exist', () => {
    const unknown = ENGINE_NAMES.flatMap((db) => baseline[db].filter((e) => !caseIds.has(e.case)).map((e) => `${db}: ${e.case}`))
    expect(unknown).toEqual([])
  })
})

// One PGlite instance for the file (they are heavy): the pglite engine and, without a
// PostgreSQL server, the reference engine use their own schemas in it.
let pglite: PGlite | undefined
const sharedPglite = () => (pglite ??= new PGlite())
let tables: FixtureTable[] | undefined
const allTables = () => (tables ??= loadFixtureTables(SUITE_DIR, fixtureFoldersFor(Object.keys(MODELS) as ModelName[])))
let semantic: Promise<SemanticLib> | undefined
const semanticLib = () => (semantic ??= loadSemanticLib())
// One reference for expected rows, for every engine: PostgreSQL when it answers, else PGlite.
let reference: ReferenceExpectations | undefined
const referenceFor = async (lib: SemanticLib): Promise<ReferenceExpectations> => {
  if (!reference) {
    const pg = haveSuite && (await engineAvailable('postgres'))
    reference = new ReferenceExpectations({
      open: () => (pg ? openEngine('postgres') : openEngine('pglite', { pglite: sharedPglite() })),
      tables: allTables(),
      semantic: lib,
    })
  }
  return reference
}

afterAll(async () => {
  await reference?.close()
  await pglite?.close()
})

for (const db of ENGINE_NAMES) {
  const ok = haveSuite && (await engineAvailable(db))
  const known = new Map<string, BaselineEntry>(baseline[db].map((e) => [e.case, e]))

  describe.skipIf(!ok)(`MetricFlow conformance on ${db}`, () => {
    let engine: EngineAdapter | undefined
    let runner: ConformanceRunner

    beforeAll(async () => {
      const lib = await semanticLib()
      engine = await openEngine(db, { pglite: db === 'pglite' ? sharedPglite() : undefined })
      await engine.load(allTables())
      runner = new ConformanceRunner({ engine, suiteDir: SUITE_DIR, semantic: lib, reference: await referenceFor(lib) })
    })
    afterAll(async () => {
      await engine?.close()
    })

    for (const c of cases) {
      const id = c.id
      const entry = known.get(id)
      const title = entry ? `${id} is a known failure (${entry.reason.split('\n')[0].slice(0, 80)})` : `${id} returns the check query's rows`
      it(title, async () => {
        const o = await runner.runCase(c)
        if (o.status === 'failed' && !entry) {
          const detail = [`[${o.stage}] ${o.reason}`, o.sql ? `compiled SQL:\n${o.sql}` : '', o.checkSql ? `check SQL:\n${o.checkSql}` : '']
          throw new Error(`regression: ${id} fails on ${db} and is not in test/conformance/expected-failures.json\n${detail.filter(Boolean).join('\n')}`)
        }
        if (o.status !== 'failed' && entry) {
          console.info(`[conformance] ${id} is ${o.status === 'passed' ? 'now passing' : 'not applicable'} on ${db}: remove it from test/conformance/expected-failures.json (listed as: ${entry.reason})`)
        }
      })
    }
  })
}
