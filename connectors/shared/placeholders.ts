// Client-side binding of `?` placeholders for engines whose driver path has
// no server-side parameters (ClickHouse 18.16) or only naive substitution
// (mysql2's text protocol replaces `?` even inside string literals). The
// scanner skips quoted strings, quoted identifiers and comments, so only real
// placeholders are replaced, each by a literal from the engine's escaper.

export interface ScanRules {
  /** `"..."` is a string/identifier to skip (MySQL, ClickHouse: yes). */
  doubleQuotes: boolean
  /** `#` starts a line comment (MySQL). */
  hashComments: boolean
  /** Backslash escapes inside quotes (MySQL default mode, ClickHouse). */
  backslashEscapes: boolean
}

export class PlaceholderError extends Error {}

/**
 * Replaces each `?` outside literals/identifiers/comments with `literal(params[i])`.
 * Throws PlaceholderError when the counts differ.
 */
export function bindPlaceholders(sql: string, params: readonly unknown[], literal: (v: unknown) => string, rules: ScanRules): string {
  let out = ''
  let used = 0
  let i = 0
  const n = sql.length
  while (i < n) {
    const ch = sql[i]
    const next = sql[i + 1]
    if (ch === "'" || ch === '`' || (ch === '"' && rules.doubleQuotes)) {
      const start = i
      i++
      while (i < n) {
        if (rules.backslashEscapes && sql[i] === '\\' && ch !== '`') { i += 2; continue }
        if (sql[i] === ch) {
          if (sql[i + 1] === ch) { i += 2; continue } // doubled quote
          i++
          break
        }
        i++
      }
      out += sql.slice(start, i)
      continue
    }
    if ((ch === '-' && next === '-') || (ch === '#' && rules.hashComments)) {
      const end = sql.indexOf('\n', i)
      const stop = end === -1 ? n : end
      out += sql.slice(i, stop)
      i = stop
      continue
    }
    if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end === -1 ? n : end + 2
      out += sql.slice(i, stop)
      i = stop
      continue
    }
    if (ch === '?') {
      if (used >= params.length) throw new PlaceholderError(`the query has more ? placeholders than the ${params.length} parameter(s) given`)
      out += literal(params[used++])
      i++
      continue
    }
    out += ch
    i++
  }
  if (used !== params.length) throw new PlaceholderError(`the query has ${used} ? placeholder(s) but ${params.length} parameter(s) were given`)
  return out
}

/** `YYYY-MM-DD hh:mm:ss.mmm` in UTC, the form both MySQL and ClickHouse parse. */
export function utcDateTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new PlaceholderError('an invalid Date was given as a parameter')
  return d.toISOString().replace('T', ' ').replace('Z', '')
}
