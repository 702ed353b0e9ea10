// Compares a compiled query's result with the check query's result as the
// suite's README asks: same columns (matched by name, case-insensitively),
// rows as multisets unless order matters, numbers with a relative tolerance,
// dates and timestamps normalized so engines' type choices do not matter.

/** A cell after normalization: engines' booleans become 1/0, numeric text becomes a number. */
export type Cell = null | number | string

export interface ResultTable {
  columns: string[]
  rows: unknown[][]
}

export interface CompareOptions {
  /** Compare rows in order (the case sets check_order). */
  checkOrder?: boolean
  /** An empty expected result is accepted (otherwise it signals a broken case). */
  allowEmpty?: boolean
  /** Relative tolerance for numbers; MetricFlow uses 1e-6. */
  relTol?: number
}

export type CompareResult = { ok: true } | { ok: false; reason: string }

const NUMERIC_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/**
 * Canonical text of a date/timestamp: `YYYY-MM-DD` at midnight, otherwise
 * `YYYY-MM-DD HH:MM:SS[.fraction without trailing zeros]`, in UTC when the
 * input carried an offset. A DATE and a TIMESTAMP at midnight compare equal.
 */
export function canonicalTimestamp(y: number, mo: number, d: number, h: number, mi: number, s: number, fraction: string): string {
  const frac = fraction.replace(/0+$/, '')
  if (h === 0 && mi === 0 && s === 0 && frac === '') return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}${frac ? `.${frac}` : ''}`
}

function normalizeDateText(m: RegExpExecArray): string {
  let [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number)
  const fraction = m[7] ?? ''
  const tz = m[8]
  if (tz && tz !== 'Z' && !/^[+-]00(:?00)?$/.test(tz)) {
    // Shift to UTC; fractions are kept as text so no precision is lost.
    const sign = tz[0] === '-' ? -1 : 1
    const digits = tz.slice(1).replace(':', '')
    const offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'))
    const t = new Date(Date.UTC(y, mo - 1, d, h, mi - offsetMin, s))
    ;[y, mo, d, h, mi, s] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()]
  }
  return canonicalTimestamp(y, mo, d, h, mi, s, fraction)
}

export function normalizeCell(v: unknown): Cell {
  if (v === null || v === undefined) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return 'Invalid Date'
    const ms = v.getUTCMilliseconds()
    return canonicalTimestamp(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate(), v.getUTCHours(), v.getUTCMinutes(), v.getUTCSeconds(), ms ? pad(ms, 3) : '')
  }
  if (typeof v === 'string') {
    const s = v.trim()
    if (NUMERIC_RE.test(s)) return Number(s)
    if (/^(nan|inf|-inf|infinity|-infinity)$/i.test(s)) return s.toLowerCase().startsWith('-') ? -Infinity : /nan/i.test(s) ? NaN : Infinity
    const m = DATETIME_RE.exec(s)
    if (m) return normalizeDateText(m)
    return v
  }
  if (Buffer.isBuffer(v)) return v.toString('utf8')
  return JSON.stringify(v)
}

export function cellsEqual(a: Cell, b: Cell, relTol = 1e-6): boolean {
  if (a === null || b === null) return a === b
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b)
    if (a === b) return true
    // math.isclose(rel_tol) plus a tiny absolute tolerance for sums that should be 0.
    return Math.abs(a - b) <= Math.max(relTol * Math.max(Math.abs(a), Math.abs(b)), 1e-9)
  }
  return a === b
}

const typeRank = (c: Cell) => (c === null ? 0 : typeof c === 'number' ? 1 : 2)

function compareCells(a: Cell, b: Cell): number {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra - rb
  if (a === null || b === null) return 0
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1
    return a - b
  }
  return a < b ? -1 : a > b ? 1 : 0
}

function compareRows(a: Cell[], b: Cell[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareCells(a[i], b[i])
    if (c !== 0) return c
  }
  return 0
}

const rowsEqual = (a: Cell[], b: Cell[], relTol: number) => a.every((c, i) => cellsEqual(c, b[i], relTol))

function fmtRow(r: Cell[]): string {
  return `(${r.map((c) => (c === null ? 'NULL' : typeof c === 'number' ? String(c) : JSON.stringify(c))).join(', ')})`
}

/** Rows of one side not matched on the other, after a greedy tolerant matching. */
function unmatched(actual: Cell[][], expected: Cell[][], relTol: number): { missing: Cell[][]; extra: Cell[][] } {
  const used = new Array<boolean>(actual.length).fill(false)
  const missing: Cell[][] = []
  for (const e of expected) {
    const idx = actual.findIndex((a, i) => !used[i] && rowsEqual(a, e, relTol))
    if (idx < 0) missing.push(e)
    else used[idx] = true
  }
  return { missing, extra: actual.filter((_, i) => !used[i]) }
}

const SAMPLE = 5

/**
 * The same as `unmatched` for large results, in linear time: rows are keyed
 * with numbers rounded to 9 significant digits (far finer than the tolerance
 * matters for a report), then counted as multisets.
 */
function unmatchedByKey(actual: Cell[][], expected: Cell[][]): { missing: Cell[][]; extra: Cell[][] } {
  const key = (r: Cell[]) => JSON.stringify(r.map((c) => (typeof c === 'number' && Number.isFinite(c) ? Number(c.toPrecision(9)) : c)))
  const counts = new Map<string, number>()
  for (const a of actual) counts.set(key(a), (counts.get(key(a)) ?? 0) + 1)
  const missing: Cell[][] = []
  for (const e of expected) {
    const k = key(e)
    const n = counts.get(k) ?? 0
    if (n > 0) counts.set(k, n - 1)
    else missing.push(e)
  }
  const extra = actual.filter((a) => {
    const k = key(a)
    const n = counts.get(k) ?? 0
    if (n > 0) counts.set(k, n - 1)
    return n > 0
  })
  return { missing, extra }
}

function diffReason(header: string, actual: Cell[][], expected: Cell[][], columns: string[], relTol: number): string {
  const lines = [header, `columns: ${columns.join(', ')}`]
  const { missing, extra } = actual.length * expected.length <= 25_000_000 ? unmatched(actual, expected, relTol) : unmatchedByKey(actual, expected)
  if (missing.length) lines.push(`expected but missing (${missing.length}): ${missing.slice(0, SAMPLE).map(fmtRow).join(' ')}${missing.length > SAMPLE ? ' ...' : ''}`)
  if (extra.length) lines.push(`unexpected (${extra.length}): ${extra.slice(0, SAMPLE).map(fmtRow).join(' ')}${extra.length > SAMPLE ? ' ...' : ''}`)
  return lines.join('\n')
}

/**
 * `actual` is the compiled query's result, `expected` the check query's.
 * Columns are matched by lower-cased name; expected is re-ordered to actual's
 * column order (the check queries do not always list columns in output order).
 */
export function compareTables(actual: ResultTable, expected: ResultTable, opts: CompareOptions = {}): CompareResult {
  const relTol = opts.relTol ?? 1e-6
  const aCols = actual.columns.map((c) => c.toLowerCase())
  const eCols = expected.columns.map((c) => c.toLowerCase())
  const dup = (cols: string[]) => cols.find((c, i) => cols.indexOf(c) !== i)
  if (dup(aCols)) return { ok: false, reason: `result has duplicate column '${dup(aCols)}'` }
  if (dup(eCols)) return { ok: false, reason: `check query has duplicate column '${dup(eCols)}'` }
  const missingCols = eCols.filter((c) => !aCols.includes(c))
  const extraCols = aCols.filter((c) => !eCols.includes(c))
  if (missingCols.length || extraCols.length) {
    return {
      ok: false,
      reason: `columns differ: expected [${eCols.join(', ')}], got [${aCols.join(', ')}]` +
        (missingCols.length ? `; missing ${missingCols.join(', ')}` : '') + (extraCols.length ? `; unexpected ${extraCols.join(', ')}` : ''),
    }
  }
  const perm = aCols.map((c) => eCols.indexOf(c))
  const aRows = actual.rows.map((r) => r.map(normalizeCell))
  const eRows = expected.rows.map((r) => perm.map((j) => normalizeCell(r[j])))

  if (eRows.length === 0 && !opts.allowEmpty) {
    return { ok: false, reason: `the check query returned no rows (and the case does not set allow_empty): the case cannot prove anything; compiled query returned ${aRows.length}` }
  }
  if (!opts.checkOrder) {
    aRows.sort(compareRows)
    eRows.sort(compareRows)
  }
  if (aRows.length !== eRows.length) {
    return { ok: false, reason: diffReason(`row count differs: expected ${eRows.length}, got ${aRows.length}`, aRows, eRows, aCols, relTol) }
  }
  const firstBad = aRows.findIndex((r, i) => !rowsEqual(r, eRows[i], relTol))
  if (firstBad < 0) return { ok: true }
  if (!opts.checkOrder) {
    // Sorting exact values can pair rows differently when floats differ within
    // tolerance; a tolerant matching settles whether the multisets really differ.
    const { missing } = aRows.length <= 5000 ? unmatched(aRows, eRows, relTol) : { missing: [eRows[firstBad]] }
    if (missing.length === 0) return { ok: true }
    return { ok: false, reason: diffReason(`rows differ`, aRows, eRows, aCols, relTol) }
  }
  return {
    ok: false,
    reason: `row ${firstBad} differs (order is checked): expected ${fmtRow(eRows[firstBad])}, got ${fmtRow(aRows[firstBad])}\ncolumns: ${aCols.join(', ')}`,
  }
}
