// Property test across engines: random semantic queries over the suite's
// SIMPLE_MODEL (metrics x group-bys x filters x time constraints x
// order/limit), compiled for and run on PostgreSQL, MariaDB and ClickHouse;
// every engine must give PostgreSQL's answer. CROSS_ENGINE_CASES sets how
// many (default 40; try 500 locally), CROSS_ENGINE_SEED the seed (fixed by
// default so CI is reproducible). The named regressions in cross-engine.ts
// run first. Skipped locally when a server is down; a failure with CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IN_CI } from '../support/services'
import { loadCases, type ConformanceCase } from './cases'
import { compareTables } from './compare'
import { CROSS_ENGINE_REGRESSIONS, poolsFrom, randomCase, rng } from './cross-engine'
import { TIME_FRACTION_DIGITS, engineAvailable, openEngine, storedFixtures, type EngineAdapter, type EngineName } from './engines'
import { loadFixtureTables } from './fixtures'
import { mapCase } from './query-mapping'
import { renderWhereFilter } from './render'
import { ConformanceRunner } from './runner'
import { loadSemanticLib, type SemanticLib } from './semantic-lib'
import { MODELS, SUITE_DIR, suiteAvailable } from './suite'

const ENGINES: EngineName[] = ['postgres', 'mariadb', 'clickhouse']
const COUNT = Number(process.env.CROSS_ENGINE_CASES ?? 40)
const SEED = Number(process.env.CROSS_ENGINE_SEED ?? 20261206)
const MODEL = 'SIMPLE_MODEL' as const

const haveSuite = suiteAvailable()
if (!haveSuite && IN_CI) throw new Error(`MetricFlow conformance data not found at ${SUITE_DIR}`)
const available = haveSuite ? await Promise.all(ENGINES.map((e) => engineAvailable(e))) : []
const ok = haveSuite && available.every(Boolean)

type Answer = { ok: true; sql: string; result: { columns: string[]; rows: unknown[][] } } | { ok: false; stage: string; error: string }

describe.skipIf(!ok)('the same semantic query gives the same answer on every engine', () => {
  const runners = new Map<EngineName, { engine: EngineAdapter; runner: ConformanceRunner }>()
  let lib: SemanticLib
  let cases: ConformanceCase[]

  beforeAll(async () => {
    lib = await loadSemanticLib()
    cases = loadCases(SUITE_DIR)
    const tables = loadFixtureTables(SUITE_DIR, [...MODELS[MODEL].fixtures])
    for (const name of ENGINES) {
      const engine = await openEngine(name)
      runners.set(name, { engine, runner: new ConformanceRunner({ engine, suiteDir: SUITE_DIR, semantic: lib }) })
      await engine.load(tables)
    }
  }, 300_000)
  afterAll(async () => {
    for (const { engine } of runners.values()) await engine.close()
  })

  async function answer(name: EngineName, c: ConformanceCase): Promise<Answer> {
    const { engine, runner } = runners.get(name)!
    const { manifest, error } = runner.manifestFor(c.model)
    if (!manifest) return { ok: false, stage: 'manifest', error: error ?? 'no manifest' }
    let sql: string
    let params: unknown[]
    try {
      const where = c.where_filter ? renderWhereFilter(c.where_filter, runner.env) : undefined
      const compiled = lib.compile(mapCase(c, manifest, where).query, manifest, runner.dialect)
      ;({ sql, params } = compiled)
    } catch (err) {
      return { ok: false, stage: 'compile', error: (err as Error).message }
    }
    try {
      return { ok: true, sql, result: await engine.query(sql, params, { role: 'compiled' }) }
    } catch (err) {
      return { ok: false, stage: 'execute', error: `${(err as Error).message}\n${sql}` }
    }
  }

  /** Undefined when every engine agrees (or all refuse the query); else the disagreement. */
  async function disagreement(c: ConformanceCase): Promise<string | undefined> {
    const answers = new Map<EngineName, Answer>()
    for (const e of ENGINES) answers.set(e, await answer(e, c))
    const ref = answers.get('postgres')!
    if (!ref.ok && ENGINES.every((e) => !answers.get(e)!.ok)) return undefined
    const problems: string[] = []
    for (const e of ENGINES.slice(1)) {
      const a = answers.get(e)!
      if (!ref.ok || !a.ok) {
        if (ref.ok !== a.ok) problems.push(`${e}: ${a.ok ? 'answers' : `${a.stage} failed: ${a.error}`}; postgres: ${ref.ok ? 'answers' : `${ref.stage} failed: ${ref.error}`}`)
        continue
      }
      const cmp = compareTables(a.result, ref.result, { checkOrder: c.check_order, allowEmpty: true })
      if (!cmp.ok) problems.push(`${e} differs from postgres: ${cmp.reason}\n${e} SQL:\n${a.sql}`)
    }
    return problems.length ? problems.join('\n') : undefined
  }

  const pretty = (c: ConformanceCase) => JSON.stringify({ metrics: c.metrics, group_bys: c.group_bys, where_filter: c.where_filter, time_constraint: c.time_constraint, order_bys: c.order_bys, limit: c.limit })

  for (const reg of CROSS_ENGINE_REGRESSIONS) {
    it(`regression: ${reg.name}`, async () => {
      const c: ConformanceCase = { ...reg.case, id: `regression/${reg.name}`, name: reg.name, file: 'cross-engine', check_query: '' }
      const d = await disagreement(c)
      expect(d, `${reg.name} (${reg.cause}): ${pretty(c)}\n${d}`).toBeUndefined()
    })
  }

  it(`${COUNT} random queries (seed ${SEED}) agree`, async () => {
    // Fixture tables an engine cannot store as given are kept out (the conformance run reports them as n/a).
    const minDigits = Math.min(...ENGINES.map((e) => TIME_FRACTION_DIGITS[e]))
    const lossy = storedFixtures(loadFixtureTables(SUITE_DIR, [...MODELS[MODEL].fixtures]), minDigits, TIME_FRACTION_DIGITS.postgres).changed
    const pools = poolsFrom(cases, MODEL, lossy)
    const r = rng(SEED)
    const found: string[] = []
    for (let i = 0; i < COUNT; i++) {
      const c = randomCase(r, pools, `random/${SEED}/${i}`)
      const d = await disagreement(c)
      if (d) found.push(`${c.id}: ${pretty(c)}\n${d.split('\n').slice(0, 6).join('\n')}`)
    }
    // Each disagreement becomes a named entry of CROSS_ENGINE_REGRESSIONS once understood.
    expect(found, `engines disagree on ${found.length} of ${COUNT} queries; add each to CROSS_ENGINE_REGRESSIONS in test/conformance/cross-engine.ts:\n${found.join('\n\n')}`).toEqual([])
  }, 600_000)
})
