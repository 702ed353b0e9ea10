// Reads the suite's source tables (fixtures/<folder>/<table>.yaml, MetricFlow's
// `table_snapshot` format) into a typed, engine-neutral form. Engines turn the
// raw string cells into their own column types when loading.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

export const FIXTURE_COLUMN_TYPES = ['STRING', 'INT', 'FLOAT', 'BOOLEAN', 'TIME'] as const
export type FixtureColumnType = (typeof FIXTURE_COLUMN_TYPES)[number]

export interface FixtureColumn {
  name: string
  type: FixtureColumnType
  /** True when at least one row holds null (engines without implicit NULL, e.g. ClickHouse, need to know). */
  nullable: boolean
}

/** A fixture cell after parsing: typed, engine-neutral. TIME stays the literal text. */
export type FixtureValue = string | number | boolean | null

export interface FixtureTable {
  name: string
  columns: FixtureColumn[]
  rows: FixtureValue[][]
}

export class FixtureError extends Error {
  override name = 'FixtureError'
}

const TIME_RE = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,9})?)?$/
const INT_RE = /^-?\d+$/
const FLOAT_RE = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/** Parses one cell; throws with the table/column in the message when it does not fit the type. */
export function parseFixtureValue(raw: unknown, type: FixtureColumnType, where: string): FixtureValue {
  if (raw === null || raw === undefined) return null
  // The snapshot format stores every value as a string; YAML may still hand us numbers/booleans.
  const s = typeof raw === 'string' ? raw : String(raw)
  switch (type) {
    case 'STRING':
      return s
    case 'INT':
      if (!INT_RE.test(s)) throw new FixtureError(`${where}: '${s}' is not an INT`)
      return Number(s)
    case 'FLOAT':
      if (!FLOAT_RE.test(s)) throw new FixtureError(`${where}: '${s}' is not a FLOAT`)
      return Number(s)
    case 'BOOLEAN':
      if (/^true$/i.test(s)) return true
      if (/^false$/i.test(s)) return false
      throw new FixtureError(`${where}: '${s}' is not a BOOLEAN`)
    case 'TIME':
      if (!TIME_RE.test(s)) throw new FixtureError(`${where}: '${s}' is not a date or timestamp literal`)
      return s
  }
}

export function parseFixtureTable(text: string, source: string): FixtureTable {
  const doc = parse(text) as { table_snapshot?: { table_name?: unknown; column_definitions?: unknown; rows?: unknown } } | null
  const snap = doc?.table_snapshot
  if (!snap || typeof snap.table_name !== 'string') throw new FixtureError(`${source}: missing table_snapshot.table_name`)
  const name = snap.table_name
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new FixtureError(`${source}: unsupported table name '${name}'`)
  if (!Array.isArray(snap.column_definitions) || snap.column_definitions.length === 0) throw new FixtureError(`${source}: no column_definitions`)
  const defs = snap.column_definitions.map((d: unknown, i: number) => {
    const rec = d as { name?: unknown; type?: unknown }
    if (typeof rec?.name !== 'string' || !/^[a-z_][a-z0-9_]*$/i.test(rec.name)) throw new FixtureError(`${source}: column ${i} has no valid name`)
    if (typeof rec.type !== 'string' || !(FIXTURE_COLUMN_TYPES as readonly string[]).includes(rec.type)) {
      throw new FixtureError(`${source}: column ${rec.name} has unknown type '${String(rec.type)}'`)
    }
    return { name: rec.name, type: rec.type as FixtureColumnType }
  })
  const rawRows = snap.rows ?? []
  if (!Array.isArray(rawRows)) throw new FixtureError(`${source}: rows must be a list`)
  const rows = rawRows.map((r: unknown, ri: number) => {
    if (!Array.isArray(r) || r.length !== defs.length) throw new FixtureError(`${source}: row ${ri} has ${Array.isArray(r) ? r.length : 'no'} cells, expected ${defs.length}`)
    return r.map((cell, ci) => parseFixtureValue(cell, defs[ci].type, `${name}.${defs[ci].name} row ${ri}`))
  })
  const columns = defs.map((d, ci) => ({ ...d, nullable: rows.some((r) => r[ci] === null) }))
  return { name, columns, rows }
}

/** Loads every table of the given fixture folders. Table names must be unique across them. */
export function loadFixtureTables(suiteDir: string, folders: string[]): FixtureTable[] {
  const tables: FixtureTable[] = []
  const seen = new Map<string, string>()
  for (const folder of folders) {
    const dir = path.join(suiteDir, 'fixtures', folder)
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
      const source = `${folder}/${file}`
      const t = parseFixtureTable(readFileSync(path.join(dir, file), 'utf8'), source)
      const prev = seen.get(t.name)
      if (prev) throw new FixtureError(`table ${t.name} is defined twice (${prev}, ${source})`)
      seen.set(t.name, source)
      tables.push(t)
    }
  }
  return tables
}
