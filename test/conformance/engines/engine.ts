// One small adapter per database: create a throwaway schema, load fixture
// tables into it, run a query and return its columns and rows, drop it all.
// Adapters use the raw drivers on purpose: the conformance run checks the
// semantic compiler's SQL on the engines, independently of our connectors.
import type { DialectName } from '../../../semantic/types'
import type { FixtureTable } from '../fixtures'

export const ENGINE_NAMES = ['pglite', 'postgres', 'mariadb', 'clickhouse'] as const
export type EngineName = (typeof ENGINE_NAMES)[number]

export function isEngineName(s: string): s is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(s)
}

/** The compiler dialect each engine speaks. */
export const ENGINE_DIALECT: Record<EngineName, DialectName> = {
  pglite: 'postgres',
  postgres: 'postgres',
  mariadb: 'mysql',
  clickhouse: 'clickhouse',
}

export type QueryRole = 'compiled' | 'check'

export interface QueryResult {
  columns: string[]
  rows: unknown[][]
}

export interface EngineAdapter {
  readonly name: EngineName
  readonly dialect: DialectName
  /** The schema (database on MariaDB/ClickHouse) holding the fixtures: a plain lower-case identifier. */
  readonly schema: string
  /** Creates the fixture tables in `schema` and inserts their rows in batches. */
  load(tables: FixtureTable[]): Promise<void>
  /**
   * Runs one statement; `params` only for engines with bind parameters.
   * `role` says whose SQL it is: our compiled SQL runs the way our connector
   * runs it, a hand-written check query may get settings that give it
   * standard SQL semantics (ClickHouse's join_use_nulls).
   */
  query(sql: string, params?: unknown[], opts?: { role?: QueryRole }): Promise<QueryResult>
  /** Drops the schema and closes connections. Safe to call twice. */
  close(): Promise<void>
}

/** A fresh schema name per run, so concurrent runs and leftovers never collide. */
export function randomSchemaName(prefix = 'mf_conf'): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
}

/** Leftovers of a killed run are dropped once they are this old (a live run never lasts that long). */
export const STALE_SCHEMA_MS = 6 * 3_600_000

/**
 * Whether `name` is a schema this harness created more than STALE_SCHEMA_MS
 * ago (the creation time is encoded in the name). Anything else, including
 * other runs in progress, is never touched.
 */
export function isStaleSchema(name: string, now = Date.now(), prefix = 'mf_conf'): boolean {
  const m = new RegExp(`^${prefix}_([0-9a-z]{6,10})_[0-9a-z]{1,6}$`).exec(name)
  if (!m) return false
  const created = parseInt(m[1], 36)
  return Number.isFinite(created) && created < now - STALE_SCHEMA_MS
}

/** Rows per INSERT: bounded by the engine's parameter limit and a sane statement size. */
export function batchSize(columnCount: number, maxParams = 30_000, maxRows = 1000): number {
  return Math.max(1, Math.min(maxRows, Math.floor(maxParams / Math.max(1, columnCount))))
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Fixture TIME text -> `YYYY-MM-DD HH:MM:SS[.ffffff]`, cut to `fractionDigits` (engines' precision). */
export function timeLiteral(value: string, fractionDigits: number): string {
  const [date, time = '00:00:00'] = value.split(' ')
  const [hms, frac = ''] = time.split('.')
  const f = frac.slice(0, fractionDigits)
  return `${date} ${hms}${f ? `.${f}` : ''}`
}

/** Fraction digits of a second each engine's TIME column keeps (ClickHouse 18.16's DateTime: none). */
export const TIME_FRACTION_DIGITS: Record<EngineName, number> = { pglite: 6, postgres: 6, mariadb: 6, clickhouse: 0 }

/**
 * The fixture tables as an engine with `fractionDigits` stores them (TIME cut
 * like `timeLiteral`), and the names of the tables whose values differ from
 * what an engine keeping `referenceDigits` stores.
 */
export function storedFixtures(tables: FixtureTable[], fractionDigits: number, referenceDigits = 9): { tables: FixtureTable[]; changed: string[] } {
  const changed: string[] = []
  const out = tables.map((t) => {
    const times = t.columns.map((c, i) => (c.type === 'TIME' ? i : -1)).filter((i) => i >= 0)
    let differs = false
    const rows = t.rows.map((r) => {
      if (times.length === 0) return r
      const copy = [...r]
      for (const i of times) {
        const v = copy[i]
        if (typeof v !== 'string') continue
        const cut = timeLiteral(v, fractionDigits)
        if (cut !== timeLiteral(v, referenceDigits)) differs = true
        copy[i] = cut
      }
      return copy
    })
    if (!differs) return t
    changed.push(t.name)
    return { ...t, rows }
  })
  return { tables: out, changed }
}

export class EngineError extends Error {
  override name = 'EngineError'
  constructor(readonly engine: EngineName, message: string, options?: { cause?: unknown }) {
    super(`${engine}: ${message}`, options)
  }
}
