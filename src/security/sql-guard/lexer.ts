// An engine-faithful tokenizer for the dialects parsed without the engine's
// own parser (MySQL/MariaDB, BigQuery, Snowflake, SQL Server, ClickHouse).
//
// WHY: a third-party parser and the database can disagree about where a
// string, a comment or a statement ends (`'\''` in MySQL, `--x` vs `-- x`,
// nested `/* */`, `/*! executable */` comments). Those disagreements are how
// guards get bypassed. So this lexer follows each engine's lexical rules, and
// wherever the engine's behaviour depends on a session setting (MySQL
// NO_BACKSLASH_ESCAPES and ANSI_QUOTES, SQL Server QUOTED_IDENTIFIER) or on
// the server version (nested comments, `#` comments in ClickHouse) it refuses
// the construct instead of guessing. The parsers then only ever see text
// re-emitted from these tokens (see canonical.ts), so they cannot disagree
// with the engine about token boundaries.
import { refuse, show } from './errors'

export type LexDialect = 'mysql' | 'bigquery' | 'snowflake' | 'mssql' | 'clickhouse'

export type TokenKind = 'word' | 'qident' | 'string' | 'number' | 'param' | 'op' | 'dot' | 'semicolon'

export interface Token {
  kind: TokenKind
  /** Raw source text of the token. */
  text: string
  /** word: as written; qident: the decoded name; string: decoded content; others: text. */
  value: string
  /** Offset in the source. */
  start: number
  /** Whitespace or a comment separated this token from the previous one. */
  spaceBefore: boolean
  /** For strings: a prefix such as `N`, `r`, `b`, `X` glued to the quote. */
  prefix?: string
}

const MULTI_CHAR_OPS: Record<LexDialect, string[]> = {
  mysql: ['<=>', '->>', '<=', '>=', '<>', '!=', '||', '&&', '<<', '>>', '->', ':='],
  bigquery: ['<=', '>=', '<>', '!=', '||', '<<', '>>', '=>'],
  snowflake: ['<=', '>=', '<>', '!=', '||', '::', '=>'],
  mssql: ['<=', '>=', '<>', '!=', '!<', '!>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '::'],
  clickhouse: ['<=', '>=', '<>', '!=', '==', '||', '->', '::'],
}
const SINGLE_CHAR_OPS = new Set(['+', '-', '*', '/', '%', '=', '<', '>', '!', '~', '^', '&', '|', '(', ')', ',', '[', ']', ':', '?'])

// Operators a read-only SELECT never needs and that only exist to assign.
const REFUSED_OPS: Record<LexDialect, Record<string, string>> = {
  mysql: { ':=': 'variable assignment (:=) is not allowed' },
  bigquery: {},
  snowflake: {},
  mssql: { '+=': 'compound assignment is not allowed', '-=': 'compound assignment is not allowed', '*=': 'compound assignment is not allowed', '/=': 'compound assignment is not allowed', '%=': 'compound assignment is not allowed', '&=': 'compound assignment is not allowed', '|=': 'compound assignment is not allowed', '^=': 'compound assignment is not allowed' },
  clickhouse: {},
}

const isDigit = (c: string) => c >= '0' && c <= '9'
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_'
const isIdentChar = (c: string) => isIdentStart(c) || isDigit(c)

class Lexer {
  private pos = 0
  private sawSpace = false
  readonly tokens: Token[] = []

  constructor(private readonly src: string, private readonly d: LexDialect) {}

  run(): Token[] {
    const s = this.src
    while (this.pos < s.length) {
      const c = s[this.pos]
      if (c === ' ' || c === '\t' || c === '\n') { this.pos++; this.sawSpace = true; continue }
      if (c === '\r') {
        // A lone CR ends a line for some engines and not for others; a CRLF is unambiguous.
        if (s[this.pos + 1] !== '\n') refuse(`carriage return without line feed at offset ${this.pos}`)
        this.pos++; this.sawSpace = true; continue
      }
      if (this.tryComment()) continue
      const start = this.pos
      if (c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20) {
        refuse(`character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} outside a string or quoted identifier at offset ${start}`)
      }
      if (this.tryString()) continue
      if (this.tryQuotedIdent()) continue
      if (this.tryParam()) continue
      if (isDigit(c) || (c === '.' && isDigit(s[this.pos + 1] ?? ''))) { this.number(); continue }
      if (isIdentStart(c)) { this.word(); continue }
      if (c === '.') { this.push('dot', '.', '.', start); this.pos++; continue }
      if (c === ';') { this.push('semicolon', ';', ';', start); this.pos++; continue }
      const op = MULTI_CHAR_OPS[this.d].find((o) => s.startsWith(o, this.pos))
      if (op) {
        const why = REFUSED_OPS[this.d][op]
        if (why) refuse(why)
        this.push('op', op, op, start); this.pos += op.length; continue
      }
      if (SINGLE_CHAR_OPS.has(c)) {
        this.push('op', c, c, start); this.pos++; continue
      }
      refuse(this.unexpected(c, start))
    }
    return this.tokens
  }

  private unexpected(c: string, at: number): string {
    switch (c) {
      case '@': return this.d === 'snowflake' ? `stage references (@) are not allowed (offset ${at})` : `variables (@) are not allowed (offset ${at})`
      case '$': return `\`$\` outside a string is not allowed (session variables, positional or dollar-quoted forms) at offset ${at}`
      case '#': return `\`#\` is not allowed here (temporary tables or version-dependent comments) at offset ${at}`
      case '\\': return `backslash outside a string is not allowed at offset ${at}`
      case '"': return this.d === 'mysql'
        ? `double-quoted text is not allowed in MySQL: it is a string or an identifier depending on sql_mode (offset ${at})`
        : `double-quoted text is not allowed in SQL Server: it depends on QUOTED_IDENTIFIER; use [brackets] (offset ${at})`
      default: return `unexpected character ${show(c)} at offset ${at}`
    }
  }

  private push(kind: TokenKind, text: string, value: string, start: number, prefix?: string): void {
    this.tokens.push({ kind, text, value, start, spaceBefore: this.sawSpace || this.tokens.length === 0, ...(prefix ? { prefix } : {}) })
    this.sawSpace = false
  }

  // ------------------------------------------------------------ comments
  private tryComment(): boolean {
    const s = this.src, p = this.pos, c = s[p], n = s[p + 1]
    let line = false
    if (c === '-' && n === '-') {
      if (this.d === 'mysql') {
        // MySQL: `--` starts a comment only when followed by whitespace or a control character.
        const after = s[p + 2]
        line = after === undefined || after.charCodeAt(0) <= 0x20
      } else line = true
    } else if (c === '#' && (this.d === 'mysql' || this.d === 'bigquery')) line = true
    else if (c === '/' && n === '/' && this.d === 'snowflake') line = true
    if (line) {
      let end = s.indexOf('\n', p)
      if (end < 0) end = s.length
      const body = s.slice(p, end)
      const cr = body.indexOf('\r')
      if (cr >= 0 && cr !== body.length - 1) refuse(`carriage return inside a line comment at offset ${p + cr}`)
      this.pos = end
      this.sawSpace = true
      return true
    }
    if (c === '/' && n === '*') {
      if (this.d === 'mysql' && (s[p + 2] === '!' || (s[p + 2] === 'M' && s[p + 3] === '!'))) {
        refuse(`MySQL executable comments (/*! ... */) are not allowed (offset ${p})`)
      }
      if (this.d === 'mysql' && s[p + 2] === '+') refuse(`optimizer hint comments (/*+ ... */) are not allowed (offset ${p})`)
      const end = s.indexOf('*/', p + 2)
      if (end < 0) refuse(`unterminated comment at offset ${p}`)
      const body = s.slice(p + 2, end)
      // Engines disagree (and versions disagree) on whether block comments nest: refuse any nesting.
      if (body.includes('/*')) refuse(`nested comments are not allowed (offset ${p})`)
      this.pos = end + 2
      this.sawSpace = true
      return true
    }
    return false
  }

  // ------------------------------------------------------------ strings
  private tryString(): boolean {
    const s = this.src, p = this.pos
    let prefix = ''
    let q = p
    // Prefixes glued to a quote change how the engine reads the literal.
    const m = /^(?:[rRbB]{1,2}|[nNxX]|_[A-Za-z0-9]+)(?=['"])/.exec(s.slice(p, p + 40))
    if (m) {
      const pre = m[0]
      const ok =
        (this.d === 'bigquery' && /^([rR][bB]?|[bB][rR]?)$/.test(pre)) ||
        (this.d === 'mysql' && (/^[nNxXbB]$/.test(pre) || pre.startsWith('_'))) ||
        (this.d === 'mssql' && /^[nN]$/.test(pre)) ||
        (this.d === 'snowflake' && /^[xX]$/.test(pre)) ||
        (this.d === 'clickhouse' && /^[xXbB]$/.test(pre))
      if (ok) { prefix = pre; q = p + pre.length }
      else if (s[p + pre.length] === "'") return false // a word followed by a string; lexed separately
      else return false
    }
    const quote = s[q]
    if (quote === '$' && s[q + 1] === '$' && this.d === 'snowflake' && !prefix) {
      const end = s.indexOf('$$', q + 2)
      if (end < 0) refuse(`unterminated $$ string at offset ${p}`)
      const value = s.slice(q + 2, end)
      this.pos = end + 2
      this.push('string', s.slice(p, this.pos), value, p)
      return true
    }
    if (quote !== "'" && !(quote === '"' && this.d === 'bigquery')) return false
    const backslashEscapes = this.d === 'bigquery' || this.d === 'snowflake' || this.d === 'clickhouse'
    const triple = this.d === 'bigquery' && s.startsWith(quote.repeat(3), q)
    let i = q + (triple ? 3 : 1)
    let value = ''
    for (;;) {
      if (i >= s.length) refuse(`unterminated string literal at offset ${p}`)
      const ch = s[i]
      if (ch === '\\') {
        if (!backslashEscapes) {
          if (this.d === 'mysql') refuse(`backslash in a string literal is not allowed in MySQL: its meaning depends on NO_BACKSLASH_ESCAPES (offset ${i}); pass the value as a parameter`)
          value += ch; i++; continue // SQL Server: a plain character
        }
        if (i + 1 >= s.length) refuse(`unterminated string literal at offset ${p}`)
        value += s[i + 1]; i += 2; continue
      }
      if (triple) {
        if (s.startsWith(quote.repeat(3), i)) { i += 3; break }
        value += ch; i++; continue
      }
      if (ch === quote) {
        // Doubled quote is an escaped quote, except in BigQuery which has no doubling.
        if (s[i + 1] === quote && this.d !== 'bigquery') { value += quote; i += 2; continue }
        i++
        break
      }
      if (ch === '\0') refuse('NUL character in a string literal')
      value += ch; i++
    }
    this.pos = i
    this.push('string', s.slice(p, i), value, p, prefix || undefined)
    return true
  }

  // ------------------------------------------------------------ quoted identifiers
  private tryQuotedIdent(): boolean {
    const s = this.src, p = this.pos, c = s[p]
    let close: string
    if (c === '`' && (this.d === 'mysql' || this.d === 'bigquery' || this.d === 'clickhouse')) close = '`'
    else if (c === '"' && (this.d === 'snowflake' || this.d === 'clickhouse')) close = '"'
    else if (c === '[' && this.d === 'mssql') close = ']'
    else return false
    let i = p + 1
    let value = ''
    for (;;) {
      if (i >= s.length) refuse(`unterminated quoted identifier at offset ${p}`)
      const ch = s[i]
      if (ch === '\\' && (this.d === 'bigquery' || this.d === 'clickhouse')) {
        refuse(`backslash in a quoted identifier is not allowed (offset ${i})`)
      }
      if (ch === close) {
        if (s[i + 1] === close && this.d !== 'bigquery') { value += close; i += 2; continue }
        i++
        break
      }
      value += ch; i++
    }
    if (value.length === 0) refuse(`empty quoted identifier at offset ${p}`)
    if (/[\x00-\x1f\x7f]/.test(value)) refuse(`control character in a quoted identifier at offset ${p}`)
    if (/["`\]\[]/.test(value)) refuse(`quote characters inside a quoted identifier are not allowed (offset ${p})`)
    this.pos = i
    this.push('qident', s.slice(p, i), value, p)
    return true
  }

  // ------------------------------------------------------------ placeholders
  private tryParam(): boolean {
    const s = this.src, p = this.pos, c = s[p]
    if (c === '?' && this.d !== 'clickhouse') { this.pos++; this.push('param', '?', '?', p); return true }
    if (c === '@' && (this.d === 'bigquery' || this.d === 'mssql')) {
      if (s[p + 1] === '@') refuse(`system variables (@@) are not allowed (offset ${p})`)
      const m = /^@[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(p, p + 130))
      if (!m) return false
      // SQL Server identifiers may continue with @ # $: refuse rather than split differently.
      const next = s[p + m[0].length] ?? ''
      if (/[@#$]/.test(next)) refuse(`unexpected character ${show(next)} at offset ${p + m[0].length}`)
      this.pos += m[0].length
      this.push('param', m[0], m[0], p)
      return true
    }
    if (c === ':' && this.d === 'snowflake' && isDigit(s[p + 1] ?? '') && s[p - 1] !== ':') {
      const m = /^:[0-9]+/.exec(s.slice(p, p + 12))!
      this.pos += m[0].length
      this.push('param', m[0], m[0], p)
      return true
    }
    if (c === '{' && this.d === 'clickhouse') {
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*):\s*([A-Za-z][A-Za-z0-9_]*(?:\([A-Za-z0-9_, ]*\))?)\s*\}/.exec(s.slice(p, p + 200))
      if (!m) refuse(`unexpected \`{\` at offset ${p}`)
      this.pos += m[0].length
      this.push('param', m[0], m[0], p)
      return true
    }
    return false
  }

  // ------------------------------------------------------------ numbers and words
  private number(): void {
    const s = this.src, p = this.pos
    const m = /^(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/.exec(s.slice(p, p + 400))!
    this.pos += m[0].length
    const next = s[this.pos] ?? ''
    // `1abc` is an identifier in MySQL and `1e` a syntax error elsewhere: refuse the ambiguity.
    if (isIdentChar(next) || next === '$') refuse(`a number glued to letters is not allowed (offset ${p})`)
    this.push('number', m[0], m[0], p)
  }

  private word(): void {
    const s = this.src, p = this.pos
    let i = p
    const dollarOk = this.d === 'mysql' || this.d === 'snowflake' || this.d === 'mssql'
    while (i < s.length && (isIdentChar(s[i]) || (dollarOk && s[i] === '$' && i > p))) i++
    const next = s[i] ?? ''
    if (this.d === 'mssql' && (next === '@' || next === '#')) refuse(`unexpected character ${show(next)} at offset ${i}`)
    this.pos = i
    const text = s.slice(p, i)
    this.push('word', text, text, p)
  }
}

/** Tokenize `sql` following `dialect`'s lexical rules; throws a Refusal on anything ambiguous. */
export function lex(sql: string, dialect: LexDialect): Token[] {
  return new Lexer(sql, dialect).run()
}
