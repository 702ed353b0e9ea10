// Loads the MetricFlow integration cases (cases/itest_*.yaml). Parsing is
// strict, like upstream's pydantic model with extra="forbid": an unknown key
// or a wrong type is a loud error rather than a silently ignored field.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { isModelName, type ModelName } from './suite'

export interface CaseGroupByObj {
  name: string
  grain?: string
  date_part?: string
}

export interface ConformanceCase {
  /** Unique id: `<file stem>/<name>` (names repeat across files). */
  id: string
  name: string
  file: string
  description?: string
  model: ModelName
  metrics: string[]
  group_bys: string[]
  group_by_objs: CaseGroupByObj[]
  where_filter?: string
  time_constraint?: [string, string]
  order_bys: string[]
  limit?: number
  min_max_only: boolean
  /** False means "do not de-duplicate the group-by rows" (MetricFlow's apply_group_by). */
  apply_group_by: boolean
  check_order: boolean
  allow_empty: boolean
  required_features: string[]
  saved_query_name?: string
  check_query: string
}

const KNOWN_KEYS = new Set([
  'name', 'description', 'model', 'metrics', 'group_bys', 'group_by_objs', 'where_filter', 'time_constraint',
  'order_bys', 'limit', 'min_max_only', 'apply_group_by', 'check_order', 'allow_empty', 'required_features',
  'saved_query_name', 'check_query',
])

export class CaseParseError extends Error {
  override name = 'CaseParseError'
}

function stringList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new CaseParseError(`${where}: expected a list of strings`)
  return v as string[]
}

function optString(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw new CaseParseError(`${where}: expected a string`)
  return v
}

function bool(v: unknown, dflt: boolean, where: string): boolean {
  if (v === undefined || v === null) return dflt
  if (typeof v !== 'boolean') throw new CaseParseError(`${where}: expected a boolean`)
  return v
}

function groupByObjs(v: unknown, where: string): CaseGroupByObj[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw new CaseParseError(`${where}: expected a list`)
  return v.map((o, i) => {
    const w = `${where}[${i}]`
    if (typeof o !== 'object' || o === null) throw new CaseParseError(`${w}: expected a mapping`)
    const rec = o as Record<string, unknown>
    for (const k of Object.keys(rec)) if (!['name', 'grain', 'date_part'].includes(k)) throw new CaseParseError(`${w}: unknown key '${k}'`)
    const name = optString(rec.name, `${w}.name`)
    if (!name) throw new CaseParseError(`${w}: 'name' is required`)
    return { name, grain: optString(rec.grain, `${w}.grain`), date_part: optString(rec.date_part, `${w}.date_part`) }
  })
}

/** Parses one YAML file's text into cases. `fileStem` names the file in ids and errors. */
export function parseCaseFile(text: string, fileStem: string): ConformanceCase[] {
  const out: ConformanceCase[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new CaseParseError(`${fileStem}: YAML error: ${doc.errors[0].message}`)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) continue // empty document between two `---`
    if (typeof value !== 'object' || Array.isArray(value)) throw new CaseParseError(`${fileStem}: a document must be a mapping`)
    const top = value as Record<string, unknown>
    const keys = Object.keys(top)
    if (keys.length !== 1 || keys[0] !== 'integration_test') throw new CaseParseError(`${fileStem}: expected one 'integration_test' key, got ${keys.join(', ')}`)
    const c = top.integration_test as Record<string, unknown>
    if (typeof c !== 'object' || c === null) throw new CaseParseError(`${fileStem}: integration_test must be a mapping`)
    const name = optString(c.name, `${fileStem}: name`)
    if (!name) throw new CaseParseError(`${fileStem}: a case without a name`)
    const where = `${fileStem}/${name}`
    for (const k of Object.keys(c)) if (!KNOWN_KEYS.has(k)) throw new CaseParseError(`${where}: unknown key '${k}'`)
    const model = optString(c.model, `${where}: model`)
    if (!model || !isModelName(model)) throw new CaseParseError(`${where}: unknown model '${String(c.model)}'`)
    const checkQuery = optString(c.check_query, `${where}: check_query`)
    if (!checkQuery) throw new CaseParseError(`${where}: check_query is required`)
    let timeConstraint: [string, string] | undefined
    if (c.time_constraint !== undefined && c.time_constraint !== null) {
      const tc = stringList(c.time_constraint, `${where}: time_constraint`)
      if (tc.length !== 2) throw new CaseParseError(`${where}: time_constraint must be [start, end]`)
      timeConstraint = [tc[0], tc[1]]
    }
    let limit: number | undefined
    if (c.limit !== undefined && c.limit !== null) {
      if (typeof c.limit !== 'number' || !Number.isInteger(c.limit) || c.limit < 0) throw new CaseParseError(`${where}: limit must be a non-negative integer`)
      limit = c.limit
    }
    out.push({
      id: where,
      name,
      file: fileStem,
      description: optString(c.description, `${where}: description`),
      model,
      metrics: stringList(c.metrics, `${where}: metrics`),
      group_bys: stringList(c.group_bys, `${where}: group_bys`),
      group_by_objs: groupByObjs(c.group_by_objs, `${where}: group_by_objs`),
      where_filter: optString(c.where_filter, `${where}: where_filter`),
      time_constraint: timeConstraint,
      order_bys: stringList(c.order_bys, `${where}: order_bys`),
      limit,
      min_max_only: bool(c.min_max_only, false, `${where}: min_max_only`),
      apply_group_by: bool(c.apply_group_by, true, `${where}: apply_group_by`),
      check_order: bool(c.check_order, false, `${where}: check_order`),
      allow_empty: bool(c.allow_empty, false, `${where}: allow_empty`),
      required_features: stringList(c.required_features, `${where}: required_features`),
      saved_query_name: optString(c.saved_query_name, `${where}: saved_query_name`),
      check_query: checkQuery,
    })
  }
  return out
}

/** All cases of the suite, in file order then document order. Ids are unique. */
export function loadCases(suiteDir: string): ConformanceCase[] {
  const dir = path.join(suiteDir, 'cases')
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
  const cases = files.flatMap((f) => parseCaseFile(readFileSync(path.join(dir, f), 'utf8'), f.replace(/\.yaml$/, '')))
  const seen = new Set<string>()
  for (const c of cases) {
    if (seen.has(c.id)) throw new CaseParseError(`duplicate case id ${c.id}`)
    seen.add(c.id)
  }
  return cases
}

export interface CaseFilter {
  model?: string
  /** Substring of the case id (`file/name`). */
  caseSubstring?: string
}

export function filterCases(cases: ConformanceCase[], f: CaseFilter): ConformanceCase[] {
  return cases.filter((c) => (!f.model || c.model === f.model) && (!f.caseSubstring || c.id.includes(f.caseSubstring)))
}
