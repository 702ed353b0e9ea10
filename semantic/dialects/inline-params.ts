// inlineParams(sql, params, dialect): the statement with its bind parameters
// written in as literals, for display only (the `sql_inline` field of an
// answer). What runs is always `sql` with `params`. Placeholders are found by
// a small scanner that skips string literals, quoted identifiers and comments,
// so a `$1` or `?` inside a literal is never replaced. Literals follow the
// dialect's rules (quotes doubled, MySQL/BigQuery backslashes escaped); dates
// and timestamps become typed literals (`DATE '2024-05-01'`).
import type { DialectName } from '../types'
import type { Dialect } from './dialect'

type Param = string | number | boolean | null | Date | bigint

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/

/** A display literal for one parameter value, by the dialect's rules. */
export function inlineLiteral(value: unknown, dialect: Dialect): string {
  if (value === undefined || value === null) return 'NULL'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number' || typeof value === 'boolean') return dialect.literal(value)
  if (value instanceof Date) return dialect.literal(value)
  if (typeof value !== 'string') return dialect.literal(JSON.stringify(value))
  if (DATE_RE.test(value)) return typedLiteral('date', dialect.literal(value), dialect.name)
  if (TIMESTAMP_RE.test(value)) return typedLiteral('timestamp', dialect.literal(value), dialect.name)
  return dialect.literal(value)
}

function typedLiteral(kind: 'date' | 'timestamp', quoted: string, name: DialectName): string {
  if (name === 'mssql') return `CAST(${quoted} AS ${kind === 'date' ? 'DATE' : 'DATETIME2'})`
  if (name === 'clickhouse') return kind === 'date' ? `toDate(${quoted})` : `parseDateTime64BestEffort(${quoted})`
  return `${kind === 'date' ? 'DATE' : 'TIMESTAMP'} ${quoted}`
}

/** The SQL with every placeholder (`$1`, `?`, `@p1`) replaced by its value as a literal. */
export function inlineParams(sql: string, params: readonly unknown[], dialect: Dialect): string {
  if (!params.length) return sql
  const name = dialect.name
  const positional = name === 'mysql' || name === 'bigquery' || name === 'snowflake'
  const backslashEscapes = name === 'mysql' || name === 'bigquery' || name === 'clickhouse'
  let out = ''
  let next = 0
  let i = 0
  const n = sql.length
  while (i < n) {
    const ch = sql[i]
    // string literals and quoted identifiers are copied as they are
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1
      while (j < n) {
        if (backslashEscapes && sql[j] === '\\') { j += 2; continue }
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) { j += 2; continue }
          break
        }
        j++
      }
      out += sql.slice(i, j + 1)
      i = j + 1
      continue
    }
    if (ch === '[' && name === 'mssql') {
      const j = sql.indexOf(']', i)
      const end = j < 0 ? n : j + 1
      out += sql.slice(i, end)
      i = end
      continue
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i)
      const end = j < 0 ? n : j
      out += sql.slice(i, end)
      i = end
      continue
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2)
      const end = j < 0 ? n : j + 2
      out += sql.slice(i, end)
      i = end
      continue
    }
    if (positional && ch === '?') {
      out += next < params.length ? inlineLiteral(params[next] as Param, dialect) : '?'
      next++
      i++
      continue
    }
    if (!positional && name !== 'mssql' && ch === '$' && /\d/.test(sql[i + 1] ?? '') && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const m = /^\$(\d+)/.exec(sql.slice(i))!
      const k = Number(m[1]) - 1
      out += k < params.length ? inlineLiteral(params[k], dialect) : m[0]
      i += m[0].length
      continue
    }
    if (name === 'mssql' && ch === '@' && sql[i + 1] === 'p' && /\d/.test(sql[i + 2] ?? '') && !/[\w@]/.test(sql[i - 1] ?? '')) {
      const m = /^@p(\d+)/.exec(sql.slice(i))!
      const k = Number(m[1]) - 1
      out += k < params.length ? inlineLiteral(params[k], dialect) : m[0]
      i += m[0].length
      continue
    }
    out += ch
    i++
  }
  return out
}
