// SQL fragments written in a semantic layer (dimension, entity and measure
// `expr`, derived-metric expressions, where filters) are pasted into the
// statements the compiler writes, often more than once (SELECT and GROUP BY)
// and inside parentheses. A fragment must therefore be exactly one expression:
// if a quote opened in one copy could close in the next, or a parenthesis the
// compiler opened could be closed by the fragment, the text between would
// become SQL of the author's choosing. The whole statement is still guarded
// before it runs; this check makes each fragment hold on its own, on every
// dialect, when it is stored and again when it is compiled.
//
// The lexer is deliberately stricter than any one engine: where engines
// disagree (backslash escapes, `#` comments, `[...]` identifiers vs arrays),
// the fragment is refused rather than read the way one engine would.

/** Words that end an expression and start another clause when they stand outside parentheses. */
const CLAUSE_WORDS = new Set([
  'select', 'from', 'where', 'group', 'having', 'order', 'limit', 'offset', 'fetch', 'union', 'intersect',
  'except', 'minus', 'window', 'qualify', 'join', 'settings', 'returning', 'for',
])
/** Words that only ever write or leave the statement, refused at any depth. */
const NEVER_WORDS = new Set(['into', 'outfile', 'dumpfile'])
/** `X FROM` and `WITHIN GROUP` are parts of expressions, not clauses. */
const ALLOWED_AFTER: Record<string, string[]> = { from: ['distinct'], group: ['within'], for: [] }

const CLOSER: Record<string, string> = { '(': ')', '[': ']' }

/**
 * Returns why `text` is not a single self-contained SQL expression, or null
 * when it is. Linear in the length of the text (no backtracking).
 */
export function sqlFragmentProblem(text: string): string | null {
  if (text.trim() === '') return 'it is empty'
  const stack: string[] = []
  let prevWord = ''
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]
    const code = c.charCodeAt(0)
    if (code < 0x20 && c !== '\t' && c !== '\n' && !(c === '\r' && text[i + 1] === '\n')) return `it contains the control character U+${code.toString(16).padStart(4, '0')}`
    if (c === "'" || c === '"' || c === '`') {
      // A quoted string or identifier; the quote doubled stands for itself.
      let j = i + 1
      for (;;) {
        if (j >= n) return `it opens a ${c === "'" ? 'string' : 'quoted name'} (${c}) that it does not close`
        const d = text[j]
        if (d === '\\') return 'it has a backslash inside quotes (engines disagree on whether it escapes the quote)'
        if (d === c) {
          if (text[j + 1] === c) { j += 2; continue }
          break
        }
        j++
      }
      i = j + 1
      prevWord = ''
      continue
    }
    if (c === '-' && text[i + 1] === '-') return 'it contains a comment (--)'
    if (c === '/' && text[i + 1] === '*') return 'it contains a comment (/*)'
    if (c === '*' && text[i + 1] === '/') return 'it contains the end of a comment (*/)'
    if (c === '#') return 'it contains "#" (a comment in MySQL and ClickHouse)'
    if (c === ';') return 'it contains ";" (a second statement)'
    if (c === '{' || c === '}') return `it contains "${c}" (templates and parameters are not allowed here)`
    if (c === '?') return 'it contains "?" (a bind parameter)'
    if (c === '$') return 'it contains "$" outside a name (parameters and dollar quoting are not allowed here)'
    if (c === '@' && /[A-Za-z0-9_@]/.test(text[i + 1] ?? '')) return 'it contains "@name" (variables and parameters are not allowed here)'
    if (c === ':' && /[0-9]/.test(text[i + 1] ?? '') && text[i - 1] !== ':') return 'it contains ":n" (a bind parameter)'
    if (c === ',' && stack.length === 0) return 'it contains "," outside parentheses (more than one expression)'
    if (c === '(' || c === '[') { stack.push(CLOSER[c]); i++; prevWord = ''; continue }
    if (c === ')' || c === ']') {
      if (stack.pop() !== c) return `it closes "${c}" that it did not open`
      i++
      prevWord = ''
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_$]/.test(text[j])) j++
      const word = text.slice(i, j).toLowerCase()
      if (NEVER_WORDS.has(word)) return `it contains ${word.toUpperCase()}`
      if (stack.length === 0 && CLAUSE_WORDS.has(word) && !(ALLOWED_AFTER[word] ?? []).includes(prevWord)) {
        return `it contains ${word.toUpperCase()} outside parentheses (one expression, not a clause)`
      }
      prevWord = word
      i = j
      continue
    }
    if (!/\s/.test(c)) prevWord = ''
    i++
  }
  if (stack.length) return `it opens "${stack[stack.length - 1] === ')' ? '(' : '['}" that it does not close`
  return null
}

/** One token of SQL text as the compiler writes it (fragments, compiler SQL, parameter markers). */
export interface SqlToken {
  kind: 'name' | 'string' | 'number' | 'param' | 'symbol'
  text: string
  /** For names: the name itself, unquoted (`"a""b"` -> `a"b`). */
  name?: string
}

/**
 * Splits SQL text into tokens, for reading which names an expression
 * mentions: bare words and quoted identifiers are names, string literals are
 * not. `backslashEscapes`: a backslash inside quotes escapes the next
 * character (ClickHouse, whose quoteIdentifier writes `\``); a doubled quote
 * always stands for itself. Unlike sqlFragmentProblem it judges nothing: it
 * reads text that was already checked or written by the compiler.
 */
export function sqlTokens(text: string, opts: { backslashEscapes?: boolean } = {}): SqlToken[] {
  const out: SqlToken[] = []
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text[i]
    if (/\s/.test(c)) { i++; continue }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      let body = ''
      while (j < n) {
        const d = text[j]
        if (d === '\\' && opts.backslashEscapes && j + 1 < n) { body += text[j + 1]; j += 2; continue }
        if (d === c) {
          if (text[j + 1] === c) { body += c; j += 2; continue }
          break
        }
        body += d
        j++
      }
      const tokenText = text.slice(i, Math.min(j + 1, n))
      out.push(c === "'" ? { kind: 'string', text: tokenText } : { kind: 'name', text: tokenText, name: body })
      i = j + 1
      continue
    }
    if (c === '\u0001') {
      // A parameter marker (compiler/sql.ts Params): `\u0001P<n>\u0001`.
      const end = text.indexOf('\u0001', i + 1)
      const j = end < 0 ? n : end + 1
      out.push({ kind: 'param', text: text.slice(i, j) })
      i = j
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_$]/.test(text[j])) j++
      out.push({ kind: 'name', text: text.slice(i, j), name: text.slice(i, j) })
      i = j
      continue
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1
      while (j < n && /[0-9.]/.test(text[j])) j++
      if (j < n && /[eE]/.test(text[j]) && /[0-9+-]/.test(text[j + 1] ?? '')) {
        j += 2
        while (j < n && /[0-9]/.test(text[j])) j++
      }
      out.push({ kind: 'number', text: text.slice(i, j) })
      i = j
      continue
    }
    out.push({ kind: 'symbol', text: c })
    i++
  }
  return out
}
