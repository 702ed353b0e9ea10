// ClickHouse front end. node-sql-parser has no ClickHouse grammar, and
// parsing ClickHouse as MySQL would misread its casts, parametric aggregates
// (`quantile(0.5)(x)`), lambdas and `IN table` (which reads a table). So this
// is a small recursive-descent parser for the analytical subset of
// ClickHouse SELECT, over tokens from the ClickHouse-faithful lexer. It is an
// allow list by construction: whatever it does not recognise is a syntax
// error, and a syntax error is a refusal.
//
// Accepted: WITH (scalar aliases and `name AS (subquery)`), SELECT [DISTINCT]
// [TOP n], FROM tables / subqueries with [FINAL] and aliases, joins (with
// ClickHouse strictness words), PREWHERE, WHERE, GROUP BY [WITH ROLLUP|CUBE|
// TOTALS], HAVING, QUALIFY, WINDOW, ORDER BY, LIMIT [BY], OFFSET / FETCH,
// UNION / EXCEPT / INTERSECT, and expressions with function calls, parametric
// aggregates, lambdas, CASE, CAST, EXTRACT, INTERVAL, arrays, tuples and
// `{name:Type}` / `?` placeholders. Refused: SETTINGS, FORMAT, INTO OUTFILE,
// ARRAY JOIN, SAMPLE, WITH FILL, table functions, and everything else.
import { refuse, show } from './errors'
import { lex, type Token } from './lexer'
import { assertUniqueCtes, CteScope, foldPart } from './names'
import { checkTokens } from './token-checks'
import type { FunctionRef, NamePart, RelationRef, StatementFacts } from './types'

interface ChQuery {
  ctes: Array<{ name: NamePart; query: ChQuery }>
  tables: NamePart[][]
  subqueries: ChQuery[]
  /** Branches of a set operation (each with its own WITH, if any). */
  branches: ChQuery[]
}
const newQuery = (): ChQuery => ({ ctes: [], tables: [], subqueries: [], branches: [] })

// Words that end an expression or a FROM item, so they are never read as an
// implicit alias or a column name.
const RESERVED = new Set([
  'from', 'where', 'prewhere', 'group', 'order', 'limit', 'offset', 'having', 'union', 'except', 'intersect', 'join',
  'inner', 'left', 'right', 'full', 'cross', 'outer', 'on', 'using', 'as', 'final', 'sample', 'array', 'global',
  'local', 'any', 'all', 'asof', 'semi', 'anti', 'paste', 'settings', 'format', 'into', 'with', 'window', 'qualify',
  'and', 'or', 'not', 'in', 'is', 'like', 'ilike', 'between', 'asc', 'desc', 'ascending', 'descending', 'nulls',
  'collate', 'then', 'when', 'else', 'end', 'over', 'filter', 'by', 'select', 'case', 'div', 'mod', 'fetch', 'distinct',
])
const JOIN_WORDS = new Set(['global', 'local', 'inner', 'left', 'right', 'full', 'cross', 'outer', 'semi', 'anti', 'any', 'all', 'asof', 'paste'])
const COMPARISON = new Set(['=', '==', '!=', '<>', '<', '>', '<=', '>='])
const INTERVAL_UNITS = new Set([
  'nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year',
  'seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'quarters', 'years',
])

class ChParser {
  private i = 0
  readonly functions: FunctionRef[] = []
  private q: ChQuery = newQuery()
  private depth = 0

  constructor(private readonly t: Token[]) {}

  // ------------------------------------------------------------ token helpers
  private peek(k = 0): Token | undefined { return this.t[this.i + k] }
  private word(k = 0): string | undefined {
    const tok = this.peek(k)
    return tok?.kind === 'word' ? tok.value.toLowerCase() : undefined
  }
  private isWord(w: string, k = 0): boolean { return this.word(k) === w }
  private isOp(op: string, k = 0): boolean {
    const tok = this.peek(k)
    return (tok?.kind === 'op' || tok?.kind === 'dot') && tok.value === op
  }
  private acceptWord(w: string): boolean {
    if (!this.isWord(w)) return false
    this.i++
    return true
  }
  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false
    this.i++
    return true
  }
  private expectWord(w: string): void {
    if (!this.acceptWord(w)) this.fail(`expected ${w.toUpperCase()}`)
  }
  private expectOp(op: string): void {
    if (!this.acceptOp(op)) this.fail(`expected ${show(op)}`)
  }
  private fail(what: string): never {
    const tok = this.peek()
    refuse(`syntax error: ${what} ${tok ? `near ${show(tok.text.slice(0, 40))}` : 'at the end of the statement'} (ClickHouse subset)`)
  }
  private enter(): void {
    if (++this.depth > 200) refuse('the statement is nested too deeply')
  }
  private leave(): void { this.depth-- }

  // ------------------------------------------------------------ statements
  statement(): ChQuery {
    const root = this.union()
    if (this.peek()) {
      const w = this.word()
      if (w === 'settings') refuse('SETTINGS clauses are not allowed: query settings are fixed by the connection')
      if (w === 'format') refuse('FORMAT clauses are not allowed')
      if (w === 'array') refuse('ARRAY JOIN is not supported by the guard')
      this.fail('unexpected token')
    }
    return root
  }

  private startsQuery(k = 0): boolean {
    return this.isWord('select', k) || this.isWord('with', k) || (this.isOp('(', k) && this.startsQuery(k + 1))
  }

  /** A query: one SELECT or a set operation of several, in its own ChQuery. */
  private union(): ChQuery {
    this.enter()
    const first = this.selectOrParen()
    const branches = [first]
    while (this.isWord('union') || this.isWord('except') || this.isWord('intersect')) {
      this.i++
      if (!this.acceptWord('all')) this.acceptWord('distinct')
      branches.push(this.selectOrParen())
    }
    this.leave()
    if (branches.length === 1) return first
    return { ...newQuery(), branches }
  }

  private selectOrParen(): ChQuery {
    if (this.isOp('(') && this.startsQuery(1)) {
      this.i++
      const q = this.union()
      this.expectOp(')')
      return q
    }
    return this.select()
  }

  private select(): ChQuery {
    const saved = this.q
    const q = newQuery()
    this.q = q
    if (this.acceptWord('with')) this.withClause()
    this.expectWord('select')
    if (this.acceptWord('distinct')) {
      if (this.acceptWord('on')) { this.expectOp('('); this.exprList(); this.expectOp(')') }
    } else this.acceptWord('all')
    if (this.acceptWord('top')) { this.expr(); this.acceptWord('with') && this.expectWord('ties') }
    this.aliasedList()
    if (this.acceptWord('from')) this.fromClause()
    if (this.isWord('array') || (this.isWord('left') && this.isWord('array', 1))) refuse('ARRAY JOIN is not supported by the guard')
    if (this.acceptWord('prewhere')) this.expr()
    if (this.acceptWord('where')) this.expr()
    if (this.acceptWord('group')) {
      this.expectWord('by')
      if (!this.acceptWord('all')) this.exprList()
      if (this.isWord('with') && ['rollup', 'cube', 'totals'].includes(this.word(1) ?? '')) this.i += 2
    }
    if (this.isWord('with') && this.isWord('totals', 1)) this.i += 2
    if (this.acceptWord('having')) this.expr()
    if (this.acceptWord('qualify')) this.expr()
    if (this.acceptWord('window')) {
      do { this.identifier(); this.expectWord('as'); this.windowSpec() } while (this.acceptOp(','))
    }
    if (this.acceptWord('order')) { this.expectWord('by'); this.orderList() }
    this.limitClauses()
    this.q = saved
    return q
  }

  private withClause(): void {
    do {
      // `name AS (SELECT ...)` is a CTE; anything else is ClickHouse's `expr AS alias`.
      const tok = this.peek()
      if ((tok?.kind === 'word' || tok?.kind === 'qident') && this.isWord('as', 1) && this.isOp('(', 2) && this.startsQuery(3)) {
        const name = this.identifier()
        this.i++ // AS
        this.expectOp('(')
        const query = this.union()
        this.expectOp(')')
        this.q.ctes.push({ name, query })
      } else {
        this.expr()
        this.expectWord('as')
        this.identifier()
      }
    } while (this.acceptOp(','))
  }

  private limitClauses(): void {
    for (let n = 0; n < 2 && this.acceptWord('limit'); n++) {
      this.expr()
      if (this.acceptOp(',')) this.expr()
      else if (this.acceptWord('offset')) this.expr()
      if (this.acceptWord('by')) this.exprList()
      if (this.isWord('with') && this.isWord('ties', 1)) this.i += 2
    }
    if (this.acceptWord('offset')) {
      this.expr()
      if (!this.acceptWord('rows')) this.acceptWord('row')
      if (this.acceptWord('fetch')) {
        if (!this.acceptWord('first')) this.expectWord('next')
        this.expr()
        if (!this.acceptWord('rows')) this.expectWord('row')
        if (!this.acceptWord('only')) { this.expectWord('with'); this.expectWord('ties') }
      }
    }
  }

  // ------------------------------------------------------------ FROM
  private fromClause(): void {
    this.fromItem()
    for (;;) {
      if (this.acceptOp(',')) { this.fromItem(); continue }
      let k = 0
      while (this.word(k) && JOIN_WORDS.has(this.word(k)!)) k++
      if (!this.isWord('join', k)) {
        if (k > 0 && this.isWord('array', k)) refuse('ARRAY JOIN is not supported by the guard')
        break
      }
      const cross = Array.from({ length: k }, (_, j) => this.word(j)).includes('cross') || Array.from({ length: k }, (_, j) => this.word(j)).includes('paste')
      this.i += k + 1
      this.fromItem()
      if (cross) continue
      if (this.acceptWord('on')) this.expr()
      else if (this.acceptWord('using')) {
        if (this.acceptOp('(')) { do this.identifier(); while (this.acceptOp(',')); this.expectOp(')') }
        else do this.identifier(); while (this.acceptOp(','))
      } else this.fail('expected ON or USING after JOIN')
    }
  }

  private fromItem(): void {
    if (this.isOp('(')) {
      if (!this.startsQuery(1)) this.fail('only subqueries may be parenthesized in FROM')
      this.i++
      this.q.subqueries.push(this.union())
      this.expectOp(')')
    } else {
      const name = this.nameChain()
      if (this.isOp('(')) {
        this.functions.push({ parts: name, position: 'from' })
        this.args()
      } else {
        if (name.length > 2) refuse(`the table name ${show(name.map((p) => p.value).join('.'))} has too many parts`)
        this.q.tables.push(name)
      }
    }
    this.acceptWord('final')
    if (this.isWord('sample')) refuse('SAMPLE clauses are not supported by the guard')
    this.optionalAlias()
    this.acceptWord('final')
  }

  private optionalAlias(): void {
    if (this.acceptWord('as')) { this.identifier(); return }
    const tok = this.peek()
    if (tok?.kind === 'qident' || (tok?.kind === 'word' && !RESERVED.has(tok.value.toLowerCase()))) this.i++
  }

  // ------------------------------------------------------------ lists
  private aliasedList(): void {
    do { this.expr(); this.optionalAlias() } while (this.acceptOp(','))
  }
  private exprList(): void {
    do this.expr(); while (this.acceptOp(','))
  }
  private orderList(): void {
    do {
      this.expr()
      if (!this.acceptWord('asc') && !this.acceptWord('desc') && !this.acceptWord('ascending')) this.acceptWord('descending')
      if (this.acceptWord('nulls')) { if (!this.acceptWord('first')) this.expectWord('last') }
      if (this.acceptWord('collate')) this.expectKind('string')
      if (this.isWord('with') && this.isWord('fill', 1)) refuse('WITH FILL is not supported by the guard')
    } while (this.acceptOp(','))
  }
  private expectKind(kind: Token['kind']): Token {
    const tok = this.peek()
    if (tok?.kind !== kind) this.fail(`expected a ${kind}`)
    this.i++
    return tok
  }

  private identifier(): NamePart {
    const tok = this.peek()
    if (tok?.kind === 'qident') { this.i++; return { value: tok.value, quoted: true } }
    if (tok?.kind === 'word' && !RESERVED.has(tok.value.toLowerCase())) { this.i++; return { value: tok.value, quoted: false } }
    this.fail('expected an identifier')
  }

  private nameChain(): NamePart[] {
    const parts = [this.identifier()]
    while (this.isOp('.') && (this.peek(1)?.kind === 'word' || this.peek(1)?.kind === 'qident')) {
      this.i++
      parts.push(this.identifier())
    }
    return parts
  }

  // ------------------------------------------------------------ expressions
  private expr(): void {
    this.enter()
    // Lambda with one bare parameter: x -> body
    const tok = this.peek()
    if ((tok?.kind === 'word' || tok?.kind === 'qident') && this.isOp('->', 1)) {
      this.i += 2
      this.expr()
    } else {
      this.or()
      if (this.acceptOp('?')) { this.expr(); this.expectOp(':'); this.expr() }
    }
    this.leave()
  }
  private or(): void { this.and(); while (this.acceptWord('or')) this.and() }
  private and(): void { this.not(); while (this.acceptWord('and')) this.not() }
  private not(): void { if (this.acceptWord('not')) this.not(); else this.comparison() }

  private comparison(): void {
    this.concat()
    for (;;) {
      const tok = this.peek()
      if (tok?.kind === 'op' && COMPARISON.has(tok.value)) { this.i++; this.concat(); continue }
      if (this.acceptWord('is')) { this.acceptWord('not'); this.expectWord('null'); continue }
      const save = this.i
      this.acceptWord('global')
      this.acceptWord('not')
      if (this.acceptWord('like') || this.acceptWord('ilike')) { this.concat(); continue }
      if (this.acceptWord('in')) { this.inRhs(); continue }
      if (this.acceptWord('between')) { this.concat(); this.expectWord('and'); this.concat(); continue }
      this.i = save
      break
    }
  }

  // `x IN tbl` reads the table tbl: record it as a relation.
  // ClickHouse drops parentheses and aliases around a lone name before it
  // decides, so `x IN (tbl)`, `x IN ((tbl))` and `x IN (tbl AS t)` read tbl
  // too: whatever the right side spells, if it is one name it is a relation.
  private inRhs(): void {
    const isName = (k: number) => {
      const tok = this.peek(k)
      return (tok?.kind === 'word' && !RESERVED.has(tok.value.toLowerCase())) || tok?.kind === 'qident'
    }
    const nameEnd = (k: number): number => (isName(k) ? (this.isOp('.', k + 1) && isName(k + 2) ? k + 3 : k + 1) : -1)
    const bare = nameEnd(0)
    if (bare > 0 && !this.isOp('(', bare) && !this.isOp('.', bare)) {
      this.q.tables.push(this.nameChain())
      return
    }
    const start = this.i
    this.concat()
    const lone = this.loneName(start, this.i)
    if (lone) this.q.tables.push(lone)
  }

  /** The name tokens start..end spell once parentheses and `AS alias` are set aside, if they are one (dotted) name. */
  private loneName(start: number, end: number): NamePart[] | null {
    const rest: Token[] = []
    for (let k = start; k < end; k++) {
      const tok = this.t[k]
      if (tok.kind === 'op' && (tok.value === '(' || tok.value === ')')) continue
      if (tok.kind === 'word' && tok.value.toLowerCase() === 'as' && k + 1 < end) { k++; continue }
      rest.push(tok)
    }
    const name = (tok: Token | undefined): NamePart | null => {
      if (tok?.kind === 'qident') return { value: tok.value, quoted: true }
      if (tok?.kind === 'word' && !RESERVED.has(tok.value.toLowerCase())) return { value: tok.value, quoted: false }
      return null
    }
    const first = name(rest[0])
    if (!first) return null
    if (rest.length === 1) return [first]
    const second = name(rest[2])
    if (rest.length === 3 && rest[1].kind === 'dot' && second) return [first, second]
    return null
  }

  private concat(): void { this.additive(); while (this.acceptOp('||')) this.additive() }
  private additive(): void { this.multiplicative(); while (this.acceptOp('+') || this.acceptOp('-')) this.multiplicative() }
  private multiplicative(): void {
    this.unary()
    while (this.acceptOp('*') || this.acceptOp('/') || this.acceptOp('%') || this.acceptWord('div') || this.acceptWord('mod')) this.unary()
  }
  private unary(): void {
    if (this.acceptOp('-') || this.acceptOp('+')) return this.unary()
    this.postfix()
  }
  private postfix(): void {
    this.primary()
    for (;;) {
      if (this.acceptOp('[')) { this.expr(); this.expectOp(']'); continue }
      if (this.acceptOp('::')) { this.type(); continue }
      break
    }
  }

  private primary(): void {
    const tok = this.peek()
    if (!tok) this.fail('expected an expression')
    switch (tok.kind) {
      case 'number': case 'string': case 'param': this.i++; return
      case 'op':
        if (tok.value === '?') { this.i++; return }
        if (tok.value === '*') { this.i++; return }
        if (tok.value === '[') {
          this.i++
          if (!this.acceptOp(']')) { this.exprList(); this.expectOp(']') }
          return
        }
        if (tok.value === '(') return this.parenthesized()
        this.fail('unexpected operator')
        break
      case 'qident': case 'word': return this.wordPrimary(tok)
      default: this.fail('expected an expression')
    }
  }

  private parenthesized(): void {
    this.i++
    if (this.startsQuery()) {
      this.q.subqueries.push(this.union())
      this.expectOp(')')
      return
    }
    const start = this.i
    this.expr()
    this.optionalAliasInExpr()
    let single = this.i - start === 1 && (this.t[start].kind === 'word' || this.t[start].kind === 'qident')
    while (this.acceptOp(',')) {
      const s = this.i
      this.expr()
      this.optionalAliasInExpr()
      single = single && this.i - s === 1
    }
    this.expectOp(')')
    // (x, y) -> body: a lambda with several parameters.
    if (this.isOp('->')) {
      if (!single) this.fail('lambda parameters must be names')
      this.i++
      this.expr()
    }
  }

  private optionalAliasInExpr(): void {
    if (this.acceptWord('as')) this.identifier()
  }

  private wordPrimary(tok: Token): void {
    const w = tok.kind === 'word' ? tok.value.toLowerCase() : ''
    const next = this.peek(1)
    if (tok.kind === 'word') {
      if (w === 'null' || w === 'true' || w === 'false') { this.i++; return }
      if (w === 'case') return this.caseExpr()
      if (w === 'not') { this.i++; return this.not() }
      if (w === 'exists' && this.isOp('(', 1)) {
        this.i += 2
        if (!this.startsQuery()) this.fail('expected a subquery')
        this.q.subqueries.push(this.union())
        this.expectOp(')')
        return
      }
      if (w === 'cast' && this.isOp('(', 1)) {
        this.i += 2
        this.expr()
        if (this.acceptWord('as')) this.type()
        else { this.expectOp(','); this.expectKind('string') }
        this.expectOp(')')
        return
      }
      if (w === 'extract' && this.isOp('(', 1)) {
        this.i += 2
        this.identifier()
        this.expectWord('from')
        this.expr()
        this.expectOp(')')
        return
      }
      if (w === 'interval' && next && (next.kind === 'number' || next.kind === 'string' || next.kind === 'param' || (next.kind === 'op' && next.value === '('))) {
        this.i++
        if (this.peek()?.kind === 'string') { this.i++; return }
        this.additive()
        const unit = this.word()
        if (!unit || !INTERVAL_UNITS.has(unit)) this.fail('expected an interval unit')
        this.i++
        return
      }
      if ((w === 'date' || w === 'timestamp') && next?.kind === 'string') { this.i += 2; return }
      if (RESERVED.has(w)) this.fail('unexpected keyword')
    }
    const name = this.nameChain()
    if (this.isOp('.') && this.isOp('*', 1)) { this.i += 2; return } // t.*
    if (!this.isOp('(')) return // a column or alias reference
    if (name.length > 1) refuse(`qualified function names such as ${show(name.map((p) => p.value).join('.'))} are not allowed`)
    this.functions.push({ parts: name, position: 'expression' })
    this.args()
    if (this.isOp('(')) this.args() // parametric aggregate: quantile(0.5)(x)
    if (this.acceptWord('filter')) { this.expectOp('('); this.expectWord('where'); this.expr(); this.expectOp(')') }
    if ((this.isWord('respect') || this.isWord('ignore')) && this.isWord('nulls', 1)) this.i += 2
    if (this.acceptWord('over')) {
      if (this.isOp('(')) this.windowSpec()
      else this.identifier()
    }
  }

  private args(): void {
    this.expectOp('(')
    if (this.acceptOp(')')) return
    if (!this.acceptWord('distinct')) this.acceptWord('all')
    do {
      if (this.startsQuery()) this.q.subqueries.push(this.union())
      else { this.expr(); this.optionalAliasInExpr() }
    } while (this.acceptOp(','))
    this.expectOp(')')
  }

  private caseExpr(): void {
    this.i++
    if (!this.isWord('when')) this.expr()
    if (!this.isWord('when')) this.fail('expected WHEN')
    while (this.acceptWord('when')) { this.expr(); this.expectWord('then'); this.expr() }
    if (this.acceptWord('else')) this.expr()
    this.expectWord('end')
  }

  private windowSpec(): void {
    this.expectOp('(')
    if (this.acceptWord('partition')) { this.expectWord('by'); this.exprList() }
    if (this.acceptWord('order')) { this.expectWord('by'); this.orderList() }
    if (this.acceptWord('rows') || this.acceptWord('range')) {
      if (this.acceptWord('between')) { this.frameBound(); this.expectWord('and'); this.frameBound() }
      else this.frameBound()
    }
    this.expectOp(')')
  }

  private frameBound(): void {
    if (this.acceptWord('unbounded')) { if (!this.acceptWord('preceding')) this.expectWord('following'); return }
    if (this.acceptWord('current')) { this.expectWord('row'); return }
    this.additive()
    if (!this.acceptWord('preceding')) this.expectWord('following')
  }

  private type(): void {
    const tok = this.peek()
    if (tok?.kind !== 'word' && tok?.kind !== 'qident') this.fail('expected a type name')
    this.i++
    if (this.acceptOp('(')) {
      do {
        const a = this.peek()
        if (a?.kind === 'number' || a?.kind === 'string') this.i++
        else this.type()
      } while (this.acceptOp(','))
      this.expectOp(')')
    }
  }
}

/** Resolve table references against CTE scopes and collect the facts. */
function resolve(q: ChQuery, scope: CteScope, out: StatementFacts): void {
  for (const branch of q.branches) resolve(branch, scope, out)
  const names = q.ctes.map((c) => foldPart(c.name, 'clickhouse'))
  assertUniqueCtes(names)
  // A CTE sees the ones defined before it; ClickHouse's WITH binds to its own
  // SELECT only (not to the other branches of a UNION).
  q.ctes.forEach((c, i) => {
    out.cteNames.push(c.name)
    resolve(c.query, scope.with(names.slice(0, i)), out)
  })
  const inner = scope.with(names)
  for (const parts of q.tables) {
    if (parts.length === 1 && inner.has(foldPart(parts[0], 'clickhouse'))) continue
    out.relations.push({ parts } satisfies RelationRef)
  }
  for (const sub of q.subqueries) resolve(sub, inner, out)
}

export function analyseClickHouse(sql: string): StatementFacts {
  const tokens = checkTokens(lex(sql, 'clickhouse'), 'clickhouse')
  const parser = new ChParser(tokens)
  const root = parser.statement()
  const facts: StatementFacts = { relations: [], functions: parser.functions, cteNames: [] }
  resolve(root, CteScope.root(), facts)
  return facts
}
