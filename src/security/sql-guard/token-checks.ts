// Checks on the token stream, before any parser runs. They are a second
// opinion that does not depend on a third-party grammar: one statement, one
// that starts like a query, and none of the words that only exist to change
// data, sessions or the server.
import { refuse, show } from './errors'
import type { LexDialect, Token } from './lexer'

// Words that never appear (unquoted) in a read-only analytical SELECT. A
// column with such a name must be quoted, which the compiler always does.
const DENIED_WORDS = new Set([
  'insert', 'update', 'delete', 'merge', 'upsert', 'replace', 'drop', 'create', 'alter', 'truncate', 'rename',
  'grant', 'revoke', 'deny', 'commit', 'rollback', 'savepoint', 'begin', 'exec', 'execute', 'call', 'declare',
  'prepare', 'deallocate', 'set', 'use', 'into', 'outfile', 'dumpfile', 'load', 'copy', 'unload', 'put',
  'lock', 'unlock', 'kill', 'shutdown', 'vacuum', 'analyze', 'optimize', 'flush', 'reset', 'purge', 'install',
  'uninstall', 'handler', 'waitfor', 'backup', 'restore', 'dbcc', 'reconfigure', 'attach', 'detach', 'undrop',
  'remove', 'openrowset', 'opendatasource', 'openquery', 'bulk', 'go',
])
// Dialect-specific statement words.
const DENIED_WORDS_BY_DIALECT: Partial<Record<LexDialect, string[]>> = {
  mysql: ['do'],
}
// These are also ordinary scalar functions (MySQL INSERT()/REPLACE(), TRUNCATE(x, d)): allowed when called.
const ALLOWED_AS_FUNCTION = new Set(['insert', 'replace', 'truncate'])

const STATEMENT_STARTS = new Set(['select', 'with'])

/**
 * Returns the tokens of the single statement (a trailing semicolon removed),
 * or throws a Refusal.
 */
export function checkTokens(tokens: Token[], dialect: LexDialect): Token[] {
  if (tokens.length === 0) refuse('the statement is empty')
  let body = tokens
  const semis = tokens.filter((t) => t.kind === 'semicolon')
  if (semis.length > 0) {
    const last = tokens[tokens.length - 1]
    if (semis.length > 1 || last.kind !== 'semicolon') {
      refuse('more than one statement: stacked statements are not allowed')
    }
    body = tokens.slice(0, -1)
    if (body.length === 0) refuse('the statement is empty')
  }
  const first = body.find((t) => !(t.kind === 'op' && t.value === '('))
  if (!first || first.kind !== 'word' || !STATEMENT_STARTS.has(first.value.toLowerCase())) {
    const what = first ? (first.kind === 'word' ? first.value.toUpperCase() : first.text) : 'nothing'
    refuse(`only SELECT queries are allowed; the statement starts with ${show(what.slice(0, 40))}`)
  }
  checkSelectCount(body)
  const extra = new Set(DENIED_WORDS_BY_DIALECT[dialect] ?? [])
  for (let i = 0; i < body.length; i++) {
    const t = body[i]
    if (t.kind !== 'word') continue
    const w = t.value.toLowerCase()
    if (!DENIED_WORDS.has(w) && !extra.has(w)) continue
    const next = body[i + 1]
    if (ALLOWED_AS_FUNCTION.has(w) && next?.kind === 'op' && next.value === '(') continue
    refuse(`the keyword ${w.toUpperCase()} is not allowed in a read-only query`)
  }
  return body
}

const SET_OPERATORS = new Set(['union', 'except', 'intersect', 'minus'])

/**
 * Within each parenthesis group, a SELECT must start the group or follow a
 * set operator (or close a WITH list). SQL Server runs `SELECT 1 SELECT * FROM
 * t` as two statements without any separator; this catches such a second
 * statement even if a parser were to read it as one.
 */
function checkSelectCount(tokens: Token[]): void {
  const stack: Array<{ selects: number; setOps: number }> = [{ selects: 0, setOps: 0 }]
  for (const t of tokens) {
    if (t.kind === 'op' && t.value === '(') { stack.push({ selects: 0, setOps: 0 }); continue }
    if (t.kind === 'op' && t.value === ')') {
      if (stack.length === 1) refuse('unbalanced parentheses')
      stack.pop()
      continue
    }
    if (t.kind !== 'word') continue
    const w = t.value.toLowerCase()
    const group = stack[stack.length - 1]
    if (w === 'select') {
      group.selects++
      if (group.selects > group.setOps + 1) refuse('more than one statement: a second SELECT follows the first without a set operator')
    } else if (SET_OPERATORS.has(w)) group.setOps++
  }
  if (stack.length !== 1) refuse('unbalanced parentheses')
}
