// Column references inside expression text. The compiler writes every
// `alias.column` it builds as a ref token: the alias and the column name
// between two control characters, quoted for the dialect only when the SELECT
// renders (compiler/sql.ts). A dialect's SELECT rewrites (clickhouse-select.ts)
// therefore find the columns an expression reads by scanning for tokens, never
// by matching SQL text, so a string literal or a quoted name that merely looks
// like `alias.column` is left alone.
//
// No other text can hold the token characters: semantic-layer fragments and
// where filters refuse control characters (sql-fragment.ts), identifiers
// refuse them when quoted (Dialect.quoteIdentifier), parameters stand in the
// text as their index only (compiler/sql.ts Params), and literals are only
// written after rendering.
import { SemanticError } from '../types'

const OPEN = '\u0002'
const CLOSE = '\u0003'

/** Characters that only ever delimit compiler tokens (parameters: U+0001, refs: U+0002/U+0003). */
export const TOKEN_CHARS = /[\u0001-\u0003]/

export interface ColumnRef {
  /** The FROM or JOIN alias the column is read through. */
  alias: string
  /** The column's name (unquoted). */
  name: string
  /** A model table's column named as stored: rendered with Dialect.sourceIdentifier, not quoteIdentifier. */
  stored?: boolean
}

/** The ref token for `alias.name`. JSON escapes every control character, so the payload never holds CLOSE. */
export function columnRef(alias: string, name: string, stored = false): string {
  return `${OPEN}${JSON.stringify(stored ? [alias, name, 1] : [alias, name])}${CLOSE}`
}

export function refToken(ref: ColumnRef): string {
  return columnRef(ref.alias, ref.name, ref.stored === true)
}

/** Text split into plain SQL text and refs, in order. */
export type Segment = { text: string; ref?: undefined } | { ref: ColumnRef; text?: undefined }

export function segments(text: string): Segment[] {
  const out: Segment[] = []
  let i = 0
  while (i < text.length) {
    const open = text.indexOf(OPEN, i)
    if (open < 0) break
    const close = text.indexOf(CLOSE, open + 1)
    if (close < 0) throw new SemanticError('invalid_query', 'internal error: unterminated column reference')
    if (open > i) out.push({ text: text.slice(i, open) })
    const [alias, name, stored] = JSON.parse(text.slice(open + 1, close)) as [string, string, number?]
    out.push({ ref: stored === 1 ? { alias, name, stored: true } : { alias, name } })
    i = close + 1
  }
  if (i < text.length) out.push({ text: text.slice(i) })
  return out
}

/** The refs of an expression, in textual order. */
export function refsIn(text: string): ColumnRef[] {
  return segments(text).flatMap((s) => (s.ref ? [s.ref] : []))
}

/** The expression with each ref replaced by what `f` returns for it (text, or another ref). */
export function mapRefs(text: string, f: (ref: ColumnRef) => string | ColumnRef): string {
  if (!text.includes(OPEN)) return text
  return segments(text).map((s) => {
    if (!s.ref) return s.text
    const r = f(s.ref)
    return typeof r === 'string' ? r : refToken(r)
  }).join('')
}

/** The ref when the expression is exactly one ref and nothing else. */
export function soleRef(text: string): ColumnRef | undefined {
  if (!text.startsWith(OPEN) || !text.endsWith(CLOSE)) return undefined
  const parts = segments(text)
  return parts.length === 1 ? parts[0].ref : undefined
}

/** `alias.<quoted name>` for each ref, as the dialect writes it. */
export function renderRefs(text: string, dialect: { quoteIdentifier(name: string): string; sourceIdentifier(name: string): string }): string {
  return mapRefs(text, (r) => `${r.alias}.${r.stored ? dialect.sourceIdentifier(r.name) : dialect.quoteIdentifier(r.name)}`)
}

/** True when the text still holds a ref token (a rendered statement must not). */
export function hasRefs(text: string): boolean {
  return text.includes(OPEN)
}
