// MetricFlow where-filter templates: SQL text with Jinja-like references such as
// `{{ Dimension('booking__is_instant') }}`, `{{ TimeDimension('metric_time', 'day') }}`,
// `{{ Entity('listing') }}`, `{{ Metric('bookings', group_by=['listing']) }}`.
// Only these calls are understood; everything outside `{{ }}` is kept as SQL.
import { SemanticError, type DatePart } from './types'
import { isDatePart } from './names'
import { sqlFragmentProblem } from './sql-fragment'

export type FilterRefKind = 'dimension' | 'time_dimension' | 'entity' | 'metric'

export interface FilterRef {
  kind: FilterRefKind
  /** The name as written (may hold entity links: `listing__country`). */
  name: string
  /** entity_path=[...] keyword: links prepended to the name's own links. */
  entityPath: string[]
  grain?: string
  datePart?: DatePart
  /** Metric(...): the entity group-bys the metric is computed by. */
  groupBy?: string[]
  /**
   * True when the reference stands alone as a boolean predicate
   * (`{{ Dimension('is_instant') }}`, `NOT {{ ... }}`), so dialects without
   * boolean predicates can render it as `x = 1`.
   */
  standalone: boolean
}

export interface ParsedFilter {
  /** The original template text. */
  source: string
  /** SQL text pieces and references, in order. */
  parts: Array<string | FilterRef>
  refs: FilterRef[]
}

type Value = string | boolean | null | Value[]

interface Call {
  name: string
  args: Value[]
  kwargs: Record<string, Value>
}

class TemplateSyntaxError extends Error {}

/**
 * Bounds on a filter, checked before any work. The API takes where filters of
 * up to 10,000 characters; a filter in an imported layer is held to the same,
 * since a megabyte one in a dbt file was parsed at import and again at every
 * query that compiled it. Lists nested deeper than MAX_NESTING overflowed the
 * parser's stack (the JS text "Maximum call stack size exceeded" came back).
 */
export const MAX_WHERE_FILTER_CHARS = 10_000
const MAX_NESTING = 32

/** Tokenizes the inside of one `{{ ... }}` block. */
function tokenize(src: string): string[] {
  const tokens: string[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]
    if (/\s/.test(c)) { i++; continue }
    if (c === "'" || c === '"') {
      let j = i + 1
      let out = ''
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) { out += src[j + 1]; j += 2; continue }
        out += src[j]
        j++
      }
      if (j >= src.length) throw new TemplateSyntaxError('unterminated string')
      tokens.push(JSON.stringify(out)) // marks a string token
      i = j + 1
      continue
    }
    if ('()[],=.'.includes(c)) { tokens.push(c); i++; continue }
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^-?\d+(\.\d+)?/.exec(src.slice(i))
    if (!m) throw new TemplateSyntaxError(`unexpected character "${c}"`)
    tokens.push(m[0])
    i += m[0].length
  }
  return tokens
}

class Parser {
  private pos = 0
  constructor(private readonly tokens: string[]) {}

  private peek(): string | undefined { return this.tokens[this.pos] }
  private next(): string {
    const t = this.tokens[this.pos++]
    if (t === undefined) throw new TemplateSyntaxError('unexpected end of template')
    return t
  }
  private expect(t: string): void {
    const got = this.next()
    if (got !== t) throw new TemplateSyntaxError(`expected "${t}" but found "${got}"`)
  }
  done(): boolean { return this.pos >= this.tokens.length }

  value(depth = 0): Value {
    const t = this.next()
    if (t.startsWith('"')) return JSON.parse(t) as string
    if (t === '[' || t === '(') {
      if (depth >= MAX_NESTING) throw new TemplateSyntaxError(`lists nest deeper than ${MAX_NESTING} levels`)
      const close = t === '[' ? ']' : ')'
      const items: Value[] = []
      while (this.peek() !== close) {
        items.push(this.value(depth + 1))
        if (this.peek() === ',') this.next()
        else break
      }
      this.expect(close)
      return items
    }
    if (t === 'True' || t === 'true') return true
    if (t === 'False' || t === 'false') return false
    if (t === 'None') return null
    if (/^-?\d/.test(t)) return t
    throw new TemplateSyntaxError(`unexpected "${t}"`)
  }

  call(): Call {
    const name = this.next()
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new TemplateSyntaxError(`expected a function name, found "${name}"`)
    this.expect('(')
    const args: Value[] = []
    const kwargs: Record<string, Value> = {}
    while (this.peek() !== ')') {
      const t = this.peek()!
      if (/^[A-Za-z_]\w*$/.test(t) && this.tokens[this.pos + 1] === '=') {
        this.pos += 2
        kwargs[t] = this.value()
      } else {
        args.push(this.value())
      }
      if (this.peek() === ',') this.next()
      else break
    }
    this.expect(')')
    return { name, args, kwargs }
  }

  /** `Call` followed by zero or more `.method(args)`. */
  chain(): Call[] {
    const calls = [this.call()]
    while (this.peek() === '.') {
      this.next()
      calls.push(this.call())
    }
    return calls
  }
}

function asString(v: Value | undefined, what: string): string {
  if (typeof v !== 'string') throw new TemplateSyntaxError(`${what} must be a string`)
  return v
}

function asStringList(v: Value | undefined, what: string): string[] {
  if (v === undefined || v === null) return []
  if (typeof v === 'string') return [v]
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new TemplateSyntaxError(`${what} must be a list of strings`)
  return v as string[]
}

function toRef(calls: Call[]): Omit<FilterRef, 'standalone'> {
  const [head, ...methods] = calls
  const ref: Omit<FilterRef, 'standalone'> = { kind: 'dimension', name: '', entityPath: [] }
  switch (head.name) {
    case 'Dimension':
      ref.kind = 'dimension'
      break
    case 'TimeDimension':
      ref.kind = 'time_dimension'
      break
    case 'Entity':
      ref.kind = 'entity'
      break
    case 'Metric':
      ref.kind = 'metric'
      break
    default:
      throw new TemplateSyntaxError(`unknown template function "${head.name}" (expected Dimension, TimeDimension, Entity or Metric)`)
  }
  ref.name = asString(head.args[0] ?? head.kwargs.name, `${head.name} name`)
  if (ref.name === '') throw new TemplateSyntaxError(`${head.name} name must not be empty`)
  ref.entityPath = asStringList(head.kwargs.entity_path, 'entity_path')
  if (ref.kind === 'time_dimension') {
    const grain = head.args[1] ?? head.kwargs.time_granularity_name ?? head.kwargs.time_granularity
    if (grain !== undefined && grain !== null) ref.grain = asString(grain, 'time granularity').toLowerCase()
    const dp = head.kwargs.date_part_name ?? head.kwargs.date_part
    if (dp !== undefined && dp !== null) {
      const part = asString(dp, 'date part').toLowerCase()
      if (!isDatePart(part)) throw new TemplateSyntaxError(`unknown date part "${part}"`)
      ref.datePart = part
    }
  }
  if (ref.kind === 'metric') {
    ref.groupBy = asStringList(head.args[1] ?? head.kwargs.group_by, 'group_by')
  }
  for (const m of methods) {
    if (m.name === 'grain') ref.grain = asString(m.args[0], 'grain').toLowerCase()
    else if (m.name === 'date_part') {
      const part = asString(m.args[0], 'date_part').toLowerCase()
      if (!isDatePart(part)) throw new TemplateSyntaxError(`unknown date part "${part}"`)
      ref.datePart = part
    } else if (m.name === 'descending' || m.name === 'alias') {
      // Ordering/alias hints are meaningless inside a filter; accepted for compatibility.
    } else throw new TemplateSyntaxError(`unknown method ".${m.name}()"`)
  }
  return ref
}

const AFTER_PREDICATE = /^\s*($|\)|AND\b|OR\b)/i
/** The last characters of a text a predicate-start test needs: WHERE and the character before it. */
const TAIL = 6

/**
 * Whether a text ends where a predicate starts, `/(^|\(|\bAND|\bOR|\bNOT|\bWHERE)\s*$/i`,
 * told from its last TAIL characters up to its last non-space one ('' when it has none).
 */
function opensPredicate(tail: string): boolean {
  if (tail === '' || tail.endsWith('(')) return true
  const m = /(AND|OR|NOT|WHERE)$/i.exec(tail)
  if (!m) return false
  // A keyword at the start of a tail shorter than TAIL starts the text itself.
  return m.index === 0 || !/[A-Za-z0-9_]/.test(tail[m.index - 1])
}

/**
 * Whether SQL text, given piece by piece, ends where a predicate starts
 * (BEFORE_PREDICATE), in time linear in the text: testing the regex on the
 * whole text so far at every reference took a filter with thousands of
 * references seconds to minutes of the event loop.
 */
class PredicateStart {
  /** The last TAIL characters of the text so far, up to its last non-space character. */
  private tail = ''
  private spaceAfter = false

  add(s: string): void {
    const t = s.trimEnd()
    if (t !== '') {
      this.tail = (this.tail + (this.spaceAfter ? ' ' : '') + t).slice(-TAIL)
      this.spaceAfter = t.length < s.length
    } else if (s !== '') {
      this.spaceAfter = true
    }
  }

  /** Whether the text so far followed by `s.slice(0, end)` ends where a predicate starts. */
  opensWith(s: string, end = s.length): boolean {
    let j = end
    while (j > 0 && /\s/.test(s[j - 1])) j--
    if (j >= TAIL) return opensPredicate(s.slice(j - TAIL, j))
    return opensPredicate((this.tail + (this.spaceAfter && j > 0 ? ' ' : '') + s.slice(0, j)).slice(-TAIL))
  }
}

/** Whether `text` has a `.` before index i, spaces aside (a qualified name, not a query name). */
function afterDot(text: string, i: number): boolean {
  let j = i
  while (j > 0 && /\s/.test(text[j - 1])) j--
  return j > 0 && text[j - 1] === '.'
}

/** Parses one where-filter template. Throws SemanticError('invalid_filter') on bad syntax. */
export function parseWhereFilter(source: string): ParsedFilter {
  if (source.length > MAX_WHERE_FILTER_CHARS) {
    throw new SemanticError('invalid_filter', `filter is longer than ${MAX_WHERE_FILTER_CHARS} characters`, [{ issue: 'filter_too_long' }])
  }
  const parts: Array<string | FilterRef> = []
  const refs: FilterRef[] = []
  const start = new PredicateStart()
  let i = 0
  while (i < source.length) {
    const open = source.indexOf('{{', i)
    if (open < 0) {
      parts.push(source.slice(i))
      break
    }
    const close = source.indexOf('}}', open + 2)
    if (close < 0) throw new SemanticError('invalid_filter', `unclosed "{{" in filter: ${source}`, [{ issue: 'unclosed_template' }])
    const before = source.slice(i, open)
    parts.push(before)
    const inner = source.slice(open + 2, close)
    let ref: FilterRef
    try {
      const parser = new Parser(tokenize(inner))
      const calls = parser.chain()
      if (!parser.done()) throw new TemplateSyntaxError('unexpected text after the call')
      const after = source.slice(close + 2)
      const standalone = start.opensWith(before) && AFTER_PREDICATE.test(after)
      ref = { ...toRef(calls), standalone }
    } catch (err) {
      if (err instanceof TemplateSyntaxError) {
        throw new SemanticError('invalid_filter', `invalid filter template "{{${inner}}}": ${err.message}`, [{ issue: 'template_syntax' }])
      }
      throw err
    }
    parts.push(ref)
    refs.push(ref)
    start.add(before)
    i = close + 2
  }
  expandBareNames(parts, refs)
  if (refs.length === 0 && !/\S/.test(source)) {
    throw new SemanticError('invalid_filter', 'filter must not be empty', [{ issue: 'empty_filter' }])
  }
  // The SQL around the references must be one predicate: the compiler wraps it in parentheses.
  const problem = sqlFragmentProblem(parts.map((p) => (typeof p === 'string' ? p : ' ref ')).join(''))
  if (problem) throw new SemanticError('invalid_filter', `filter is not a single condition: ${problem}: ${source}`, [{ issue: 'not_one_expression' }])
  return { source, parts: parts.filter((p) => p !== ''), refs }
}

/**
 * MetricFlow also accepts output column names written bare in the SQL
 * (`metric_time__day >= '2020-01-01'`): identifiers that look like query names
 * (`metric_time`, or containing `__`) become dimension references.
 */
function expandBareNames(parts: Array<string | FilterRef>, refs: FilterRef[]): void {
  const start = new PredicateStart()
  for (let p = 0; p < parts.length; p++) {
    const text = parts[p]
    if (typeof text !== 'string') continue
    const pieces: Array<string | FilterRef> = []
    let last = 0
    let i = 0
    while (i < text.length) {
      const c = text[i]
      if (c === "'" || c === '"' || c === '`') {
        let j = i + 1
        while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1
        i = j + 1
        continue
      }
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))
      if (!m) { i++; continue }
      const word = m[0]
      const after = text.slice(i + word.length)
      const qualifies = (word === 'metric_time' || word.includes('__')) && !afterDot(text, i) && !/^\s*[.(]/.test(after)
        && !(i > 0 && /[A-Za-z0-9_$]/.test(text[i - 1]))
      if (qualifies) {
        if (i > last) pieces.push(text.slice(last, i))
        const ref: FilterRef = { kind: 'dimension', name: word, entityPath: [], standalone: start.opensWith(text, i) && AFTER_PREDICATE.test(after) }
        pieces.push(ref)
        refs.push(ref)
        last = i + word.length
      }
      i += word.length
    }
    if (pieces.length === 0) { start.add(text); continue }
    if (last < text.length) pieces.push(text.slice(last))
    for (const piece of pieces) if (typeof piece === 'string') start.add(piece)
    parts.splice(p, 1, ...pieces)
    p += pieces.length - 1
  }
  // Keep refs in textual order.
  const order = new Map(parts.filter((x): x is FilterRef => typeof x !== 'string').map((r, i) => [r, i]))
  refs.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
}

/** Renders a parsed filter, replacing each reference with the SQL from `render`. */
export function renderFilter(filter: ParsedFilter, render: (ref: FilterRef) => string): string {
  return filter.parts.map((p) => (typeof p === 'string' ? p : render(p))).join('').trim()
}

/** Normalises a filter field (string or list of strings) to a list. */
export function filterList(f: string | string[] | undefined): string[] {
  if (f === undefined) return []
  return Array.isArray(f) ? f : [f]
}

/**
 * Parses one bare call as saved queries write group-by and order-by items:
 * `TimeDimension('metric_time', 'day').descending(True)`, `Metric('bookings')`.
 */
export function parseCallExpression(text: string): { ref: FilterRef; descending: boolean } {
  try {
    const parser = new Parser(tokenize(text))
    const calls = parser.chain()
    if (!parser.done()) throw new TemplateSyntaxError('unexpected text after the call')
    const desc = calls.find((c) => c.name === 'descending')
    const descending = desc ? desc.args[0] !== false : false
    return { ref: { ...toRef(calls), standalone: false }, descending }
  } catch (err) {
    if (err instanceof TemplateSyntaxError) {
      throw new SemanticError('invalid_query', `invalid item "${text}": ${err.message}`, [{ issue: 'template_syntax' }])
    }
    throw err
  }
}
