// Runs conformance cases on one engine: render + run the check query,
// compile + run our query, compare. Every exception becomes a failure with
// its message; "not applicable" comes only from features.ts.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import type { Dialect } from '../../semantic/dialects/dialect'
import type { CompiledQuery, SemanticManifest, SemanticQuery } from '../../semantic/types'
import type { ConformanceCase } from './cases'
import { compareTables, type ResultTable } from './compare'
import { TIME_FRACTION_DIGITS, storedFixtures, type EngineAdapter, type EngineName } from './engines/engine'
import type { FixtureTable } from './fixtures'
import { missingFeatures } from './features'
import { checkColumnOrder, mapCase } from './query-mapping'
import { renderCheckQuery, renderWhereFilter, type RenderEnv } from './render'
import type { ImportProblem, MetricFlowFile, SemanticLib } from './semantic-lib'
import { MODELS, type ModelName } from './suite'

export type CaseStatus = 'passed' | 'failed' | 'not_applicable'

/** Where a failure arose; helps tell harness problems from compiler problems. */
export type FailureStage = 'manifest' | 'where_filter' | 'check_query' | 'mapping' | 'compile' | 'execute' | 'columns' | 'compare'

export interface CaseOutcome {
  id: string
  status: CaseStatus
  /** The engine whose run of the check query gave the expected rows (the reference). */
  expectedFrom?: EngineName
  /**
   * Why a case is not applicable: `feature` (a required feature the engine
   * lacks, features.ts) or `storage` (the engine cannot store a fixture value
   * the answer depends on, e.g. sub-second times on ClickHouse 18.16).
   */
  naKind?: 'feature' | 'storage'
  stage?: FailureStage
  /** Failure or not-applicable reason (may span lines; the first line is the summary). */
  reason?: string
  query?: SemanticQuery
  sql?: string
  params?: unknown[]
  checkSql?: string
  ms: number
}

export interface RunnerOptions {
  engine: EngineAdapter
  suiteDir: string
  semantic: SemanticLib
  /** Only render and execute the check queries on `engine` (validates the harness without the compiler). */
  checkOnly?: boolean
  /**
   * Where every case's expected rows come from. Without one (unit use only)
   * the check query runs on `engine` itself, which hides the engine's quirks.
   */
  reference?: ReferenceExpectations
}

/**
 * One reference for expected answers: each case's check query runs once on a
 * reference engine (PostgreSQL, or PGlite without a server) holding the same
 * fixtures, and every engine's answer is compared with that. Running the check
 * query on the engine under test would let an engine quirk that the compiled
 * SQL and the check query share pass unnoticed.
 *
 * An engine that cannot store a fixture value as given (ClickHouse 18.16's
 * DateTime has whole seconds) answers a different question for cases that
 * depend on it: `storageLimit` finds those by running the check query on the
 * reference over the fixtures as that engine stores them; when the answer
 * changes, the case is not applicable there, with the reason.
 */
export class ReferenceExpectations {
  private engine?: Promise<{ adapter: EngineAdapter; env: RenderEnv }>
  private readonly cache = new Map<string, Promise<{ sql: string; result: ResultTable }>>()
  private readonly stored = new Map<number, Promise<{ adapter: EngineAdapter; env: RenderEnv; changed: string[] }>>()
  private readonly limits = new Map<string, Promise<string | undefined>>()

  constructor(
    private readonly opts: {
      open: () => Promise<EngineAdapter>
      tables: FixtureTable[]
      semantic: Pick<SemanticLib, 'getDialect'>
    },
  ) {}

  get started(): boolean {
    return this.engine !== undefined
  }

  private load(tables: FixtureTable[]): Promise<{ adapter: EngineAdapter; env: RenderEnv }> {
    return (async () => {
      const adapter = await this.opts.open()
      await adapter.load(tables)
      return { adapter, env: { dialect: this.opts.semantic.getDialect(adapter.dialect), sourceSchema: adapter.schema, exactPercentiles: true } }
    })()
  }

  private start(): Promise<{ adapter: EngineAdapter; env: RenderEnv }> {
    this.engine ??= this.load(this.opts.tables)
    return this.engine
  }

  async name(): Promise<EngineName> {
    return (await this.start()).adapter.name
  }

  expected(c: ConformanceCase): Promise<{ sql: string; result: ResultTable }> {
    let p = this.cache.get(c.id)
    if (!p) {
      p = (async () => {
        const { adapter, env } = await this.start()
        const sql = renderCheckQuery(c.check_query, env)
        return { sql, result: await adapter.query(sql, [], { role: 'check' }) }
      })()
      this.cache.set(c.id, p)
    }
    return p
  }

  /** Why `engine` cannot hold the data case `c` depends on, or undefined when it can. */
  storageLimit(c: ConformanceCase, engine: EngineName): Promise<string | undefined> {
    const key = `${engine}\u0000${c.id}`
    let p = this.limits.get(key)
    if (!p) {
      p = (async () => {
        const refName = await this.name()
        const digits = TIME_FRACTION_DIGITS[engine]
        const refDigits = TIME_FRACTION_DIGITS[refName]
        if (digits >= refDigits) return undefined
        const cut = this.storedAs(digits, refDigits)
        const { changed } = await cut
        const used = changed.filter((t) => new RegExp(`\\b${t}\\b`, 'i').test(c.check_query))
        if (used.length === 0) return undefined
        const { adapter, env } = await cut
        const asStored = await adapter.query(renderCheckQuery(c.check_query, env), [], { role: 'check' })
        const cmp = compareTables(asStored, (await this.expected(c)).result, { checkOrder: c.check_order, allowEmpty: true })
        if (cmp.ok) return undefined
        const precision = digits === 0 ? 'whole seconds' : `${digits} fraction digits`
        return `${engine} stores times to ${precision}: ${used.join(', ')} hold finer times and the expected answer changes when they are cut (${cmp.reason.split('\n')[0]})`
      })()
      this.limits.set(key, p)
    }
    return p
  }

  private storedAs(digits: number, refDigits: number): Promise<{ adapter: EngineAdapter; env: RenderEnv; changed: string[] }> {
    let p = this.stored.get(digits)
    if (!p) {
      const { tables, changed } = storedFixtures(this.opts.tables, digits, refDigits)
      p = this.load(tables).then((e) => ({ ...e, changed }))
      this.stored.set(digits, p)
    }
    return p
  }

  async close(): Promise<void> {
    const all = [this.engine, ...this.stored.values()].filter((e) => e !== undefined)
    this.engine = undefined
    this.stored.clear()
    for (const e of all) await (await e).adapter.close()
  }
}

/** Reads every YAML file of a manifest folder (recursively), paths relative to it. */
export function loadManifestFiles(suiteDir: string, manifest: string): MetricFlowFile[] {
  const root = path.join(suiteDir, 'manifests', manifest)
  const out: MetricFlowFile[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name)
      if (statSync(full).isDirectory()) walk(full)
      else if (/\.ya?ml$/.test(name)) out.push({ path: path.relative(root, full), content: readFileSync(full, 'utf8') })
    }
  }
  walk(root)
  return out
}

function message(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    return `${err.name !== 'Error' ? `${err.name}: ` : ''}${typeof code === 'string' && !err.message.includes(code) ? `[${code}] ` : ''}${err.message}`
  }
  return String(err)
}

function problemText(p: ImportProblem | string): string {
  if (typeof p === 'string') return p
  const where = [p.file, p.line !== undefined ? `line ${p.line}` : undefined, p.path].filter(Boolean).join(' ')
  return [p.severity, where, p.message].filter(Boolean).join(': ') || JSON.stringify(p)
}

/** Import problems that make the manifest unusable (errors), as opposed to warnings. */
function isError(p: ImportProblem | string): boolean {
  return typeof p === 'string' || p.severity === undefined || p.severity === 'error'
}

export class ConformanceRunner {
  readonly dialect: Dialect
  readonly env: RenderEnv
  private readonly manifests = new Map<ModelName, { manifest?: SemanticManifest; error?: string }>()

  constructor(private readonly opts: RunnerOptions) {
    this.dialect = opts.semantic.getDialect(opts.engine.dialect)
    this.env = { dialect: this.dialect, sourceSchema: opts.engine.schema }
  }

  /** The imported manifest of a model, cached; import errors are kept as a failure reason. */
  manifestFor(model: ModelName): { manifest?: SemanticManifest; error?: string } {
    let entry = this.manifests.get(model)
    if (!entry) {
      try {
        const files = loadManifestFiles(this.opts.suiteDir, MODELS[model].manifest)
        const { manifest, problems } = this.opts.semantic.importMetricFlow(files, { source_schema: this.opts.engine.schema })
        // The suite's manifests are valid MetricFlow: any error-level problem is ours to fix.
        const errors = problems.filter(isError).map(problemText)
        entry = errors.length
          ? { manifest, error: `importing ${MODELS[model].manifest} reported ${errors.length} problem(s): ${errors.slice(0, 3).join('; ')}` }
          : { manifest }
      } catch (err) {
        entry = { error: `importing ${MODELS[model].manifest} failed: ${message(err)}` }
      }
      this.manifests.set(model, entry)
    }
    return entry
  }

  async runCase(c: ConformanceCase): Promise<CaseOutcome> {
    const t0 = performance.now()
    const out: CaseOutcome = { id: c.id, status: 'failed', ms: 0 }
    const done = (patch: Partial<CaseOutcome>): CaseOutcome => Object.assign(out, patch, { ms: Math.round(performance.now() - t0) })
    const fail = (stage: FailureStage, reason: string) => done({ status: 'failed', stage, reason })

    let lacking: string[]
    try {
      lacking = missingFeatures(this.opts.engine.name, c.required_features)
    } catch (err) {
      return fail('mapping', message(err))
    }
    if (lacking.length) return done({ status: 'not_applicable', naKind: 'feature', reason: lacking.join('; ') })

    // 1. Expected rows: the check query on the reference engine (on this engine only with --check-only).
    const reference = this.opts.checkOnly ? undefined : this.opts.reference
    let expected: ResultTable
    if (reference) {
      try {
        const limit = await reference.storageLimit(c, this.opts.engine.name)
        if (limit) return done({ status: 'not_applicable', naKind: 'storage', reason: limit })
        const ref = await reference.expected(c)
        expected = ref.result
        out.checkSql = ref.sql
        out.expectedFrom = await reference.name()
      } catch (err) {
        return fail('check_query', `the check query failed on the reference engine: ${message(err)}`)
      }
    } else {
      try {
        out.checkSql = renderCheckQuery(c.check_query, this.env)
      } catch (err) {
        return fail('check_query', `rendering the check query failed: ${message(err)}`)
      }
      try {
        expected = await this.opts.engine.query(out.checkSql, [], { role: 'check' })
      } catch (err) {
        return fail('check_query', `the check query failed on ${this.opts.engine.name}: ${message(err)}`)
      }
    }
    if (this.opts.checkOnly) return done({ status: 'passed' })

    // 2. Our query: map, compile, run.
    const { manifest, error } = this.manifestFor(c.model)
    if (error || !manifest) return fail('manifest', error ?? 'no manifest')
    let renderedWhere: string | undefined
    if (c.where_filter) {
      try {
        renderedWhere = renderWhereFilter(c.where_filter, this.env)
      } catch (err) {
        return fail('where_filter', `rendering the where_filter failed: ${message(err)}`)
      }
    }
    let mapped: ReturnType<typeof mapCase>
    try {
      mapped = mapCase(c, manifest, renderedWhere)
    } catch (err) {
      return fail('mapping', message(err))
    }
    out.query = mapped.query
    let compiled: CompiledQuery
    try {
      compiled = this.opts.semantic.compile(mapped.query, manifest, this.dialect)
    } catch (err) {
      return fail('compile', message(err))
    }
    out.sql = compiled.sql
    out.params = compiled.params
    let actual: ResultTable
    try {
      actual = await this.opts.engine.query(compiled.sql, compiled.params, { role: 'compiled' })
    } catch (err) {
      return fail('execute', message(err))
    }

    // 3. The compiler's column metadata must describe what the SQL returns, in order.
    const declared = (compiled.columns ?? []).map((col) => col.name.toLowerCase())
    const returned = actual.columns.map((col) => col.toLowerCase())
    if (declared.join('\u0000') !== returned.join('\u0000')) {
      return fail('columns', `compiled.columns [${declared.join(', ')}] differ from the SQL's result columns [${returned.join(', ')}]`)
    }
    const orderProblem = checkColumnOrder(actual.columns, mapped.columns)
    if (orderProblem) return fail('columns', orderProblem)

    // 4. Compare.
    const cmp = compareTables(actual, expected, { checkOrder: c.check_order, allowEmpty: c.allow_empty })
    if (!cmp.ok) return fail('compare', cmp.reason)
    return done({ status: 'passed' })
  }

  async runAll(cases: ConformanceCase[], onCase?: (o: CaseOutcome, c: ConformanceCase) => void): Promise<CaseOutcome[]> {
    const outcomes: CaseOutcome[] = []
    for (const c of cases) {
      const o = await this.runCase(c)
      outcomes.push(o)
      onCase?.(o, c)
    }
    return outcomes
  }
}

export interface Summary {
  passed: number
  failed: number
  notApplicable: number
}

export function summarize(outcomes: CaseOutcome[]): Summary {
  return {
    passed: outcomes.filter((o) => o.status === 'passed').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    notApplicable: outcomes.filter((o) => o.status === 'not_applicable').length,
  }
}
