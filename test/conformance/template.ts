// A small, strict evaluator for the Jinja subset the MetricFlow cases use:
// `{{ expression }}` (with `{{-`/`-}}` whitespace control) and `{# comments #}`.
// Expressions are Python-flavoured: names, 'strings' / "strings", numbers,
// True/False/None, [lists], (tuples), attribute access (`TimeGranularity.DAY`)
// and calls with positional and keyword arguments (`entity_path=['a']`).
// `{% statements %}` are refused. Like jinja2.StrictUndefined, an unknown
// name or attribute is an error, never an empty string.

export interface TemplateEnumMember {
  kind: 'enum'
  /** Enum name, e.g. `TimeGranularity`. */
  enum: string
  /** Member name as written, e.g. `DAY`. */
  member: string
  /** Lower-case value, e.g. `day`. */
  value: string
}

export interface TemplateNamespace {
  kind: 'namespace'
  name: string
  members: Record<string, TemplateValue>
}

export interface TemplateFunction {
  kind: 'function'
  name: string
  call(args: TemplateValue[], kwargs: Record<string, TemplateValue>): TemplateValue
}

export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | TemplateValue[]
  | TemplateEnumMember
  | TemplateNamespace
  | TemplateFunction

export type TemplateContext = Record<string, TemplateValue>

export class TemplateError extends Error {
  override name = 'TemplateError'
}

// ---------------------------------------------------------------- tokens

type Token =
  | { t: 'name'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'punct'; v: '(' | ')' | '[' | ']' | ',' | '=' | '.' | '-'; pos: number }
  | { t: 'end'; trim: boolean; pos: number }

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' }

/** Tokenizes one `{{ ... }}` expression starting at `start` (just after `{{`/`{{-`). */
function tokenizeExpression(src: string, start: number): { tokens: Token[]; next: number } {
  const tokens: Token[] = []
  let i = start
  for (;;) {
    if (i >= src.length) throw new TemplateError(`unclosed '{{' opened near offset ${start - 2}`)
    const ch = src[i]
    if (/\s/.test(ch)) { i++; continue }
    if (src.startsWith('-}}', i)) { tokens.push({ t: 'end', trim: true, pos: i }); return { tokens, next: i + 3 } }
    if (src.startsWith('}}', i)) { tokens.push({ t: 'end', trim: false, pos: i }); return { tokens, next: i + 2 } }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!
      tokens.push({ t: 'name', v: m[0], pos: i })
      i += m[0].length
      continue
    }
    if (/[0-9]/.test(ch)) {
      const m = /^(\d+\.\d*|\d+)([eE][-+]?\d+)?/.exec(src.slice(i))!
      tokens.push({ t: 'num', v: Number(m[0]), pos: i })
      i += m[0].length
      continue
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1
      let v = ''
      for (;;) {
        if (j >= src.length || src[j] === '\n') throw new TemplateError(`unterminated string literal at offset ${i}`)
        const c = src[j]
        if (c === ch) break
        if (c === '\\') {
          const e = src[j + 1]
          if (e === undefined || !(e in ESCAPES)) throw new TemplateError(`unsupported escape '\\${e ?? ''}' at offset ${j}`)
          v += ESCAPES[e]
          j += 2
          continue
        }
        v += c
        j++
      }
      tokens.push({ t: 'str', v, pos: i })
      i = j + 1
      continue
    }
    if ('()[],=.-'.includes(ch)) {
      tokens.push({ t: 'punct', v: ch as '(' | ')' | '[' | ']' | ',' | '=' | '.' | '-', pos: i })
      i++
      continue
    }
    throw new TemplateError(`unexpected character '${ch}' at offset ${i}`)
  }
}

// ---------------------------------------------------------------- parser

type Expr =
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'name'; name: string; pos: number }
  | { k: 'list'; items: Expr[] }
  | { k: 'attr'; obj: Expr; name: string; pos: number }
  | { k: 'call'; fn: Expr; args: Expr[]; kwargs: Array<[string, Expr]>; pos: number }
  | { k: 'neg'; arg: Expr; pos: number }

class Parser {
  private i = 0
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token { return this.tokens[this.i] }
  private take(): Token { return this.tokens[this.i++] }
  private isPunct(v: string): boolean { const t = this.peek(); return t.t === 'punct' && t.v === v }
  private expectPunct(v: string): void {
    const t = this.take()
    if (t.t !== 'punct' || t.v !== v) throw new TemplateError(`expected '${v}' at offset ${t.pos}`)
  }

  parseTop(): { expr: Expr; trimAfter: boolean } {
    const expr = this.parseExpr()
    const t = this.take()
    if (t.t !== 'end') throw new TemplateError(`unexpected token at offset ${t.pos}; only names, literals, lists, attributes and calls are supported`)
    return { expr, trimAfter: t.trim }
  }

  private parseExpr(): Expr {
    if (this.isPunct('-')) {
      const pos = this.take().pos
      return { k: 'neg', arg: this.parseExpr(), pos }
    }
    let e = this.parsePrimary()
    for (;;) {
      if (this.isPunct('.')) {
        this.take()
        const n = this.take()
        if (n.t !== 'name') throw new TemplateError(`expected an attribute name at offset ${n.pos}`)
        e = { k: 'attr', obj: e, name: n.v, pos: n.pos }
      } else if (this.isPunct('(')) {
        const pos = this.take().pos
        const args: Expr[] = []
        const kwargs: Array<[string, Expr]> = []
        while (!this.isPunct(')')) {
          const t = this.peek()
          const nextTok = this.tokens[this.i + 1]
          if (t.t === 'name' && nextTok?.t === 'punct' && nextTok.v === '=') {
            this.i += 2
            if (kwargs.some(([k]) => k === t.v)) throw new TemplateError(`keyword argument '${t.v}' repeated at offset ${t.pos}`)
            kwargs.push([t.v, this.parseExpr()])
          } else {
            if (kwargs.length > 0) throw new TemplateError(`positional argument after keyword argument at offset ${t.pos}`)
            args.push(this.parseExpr())
          }
          if (!this.isPunct(')')) this.expectPunct(',')
        }
        this.take()
        e = { k: 'call', fn: e, args, kwargs, pos }
      } else {
        return e
      }
    }
  }

  private parseSequence(close: ')' | ']'): Expr[] {
    const items: Expr[] = []
    while (!this.isPunct(close)) {
      items.push(this.parseExpr())
      if (!this.isPunct(close)) this.expectPunct(',')
    }
    this.take()
    return items
  }

  private parsePrimary(): Expr {
    const t = this.take()
    switch (t.t) {
      case 'str': return { k: 'lit', v: t.v }
      case 'num': return { k: 'lit', v: t.v }
      case 'name':
        if (t.v === 'True' || t.v === 'true') return { k: 'lit', v: true }
        if (t.v === 'False' || t.v === 'false') return { k: 'lit', v: false }
        if (t.v === 'None' || t.v === 'none') return { k: 'lit', v: null }
        return { k: 'name', name: t.v, pos: t.pos }
      case 'punct':
        if (t.v === '[') return { k: 'list', items: this.parseSequence(']') }
        if (t.v === '(') {
          // `(x)` is grouping, `(x, y)` / `()` a tuple; both evaluate like Python (tuples as lists).
          const save = this.i
          if (this.isPunct(')')) { this.take(); return { k: 'list', items: [] } }
          const first = this.parseExpr()
          if (this.isPunct(')')) { this.take(); return first }
          this.i = save
          return { k: 'list', items: this.parseSequence(')') }
        }
        throw new TemplateError(`unexpected '${t.v}' at offset ${t.pos}`)
      case 'end':
        throw new TemplateError(`empty or incomplete expression at offset ${t.pos}`)
    }
  }
}

// ---------------------------------------------------------------- evaluation

function describe(v: TemplateValue): string {
  if (v === null) return 'None'
  if (Array.isArray(v)) return 'list'
  if (typeof v === 'object') return v.kind
  return typeof v
}

function evaluate(e: Expr, ctx: TemplateContext): TemplateValue {
  switch (e.k) {
    case 'lit': return e.v
    case 'list': return e.items.map((x) => evaluate(x, ctx))
    case 'name':
      if (!Object.prototype.hasOwnProperty.call(ctx, e.name)) throw new TemplateError(`'${e.name}' is undefined (offset ${e.pos})`)
      return ctx[e.name]
    case 'neg': {
      const v = evaluate(e.arg, ctx)
      if (typeof v !== 'number') throw new TemplateError(`cannot negate a ${describe(v)} (offset ${e.pos})`)
      return -v
    }
    case 'attr': {
      const obj = evaluate(e.obj, ctx)
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || obj.kind !== 'namespace') {
        throw new TemplateError(`a ${describe(obj)} has no attribute '${e.name}' (offset ${e.pos})`)
      }
      if (!Object.prototype.hasOwnProperty.call(obj.members, e.name)) throw new TemplateError(`'${obj.name}' has no attribute '${e.name}' (offset ${e.pos})`)
      return obj.members[e.name]
    }
    case 'call': {
      const fn = evaluate(e.fn, ctx)
      if (fn === null || typeof fn !== 'object' || Array.isArray(fn) || fn.kind !== 'function') {
        throw new TemplateError(`a ${describe(fn)} is not callable (offset ${e.pos})`)
      }
      const args = e.args.map((a) => evaluate(a, ctx))
      const kwargs: Record<string, TemplateValue> = {}
      for (const [k, v] of e.kwargs) kwargs[k] = evaluate(v, ctx)
      return fn.call(args, kwargs)
    }
  }
}

/** How a value prints inside `{{ }}` (Python's str() for the scalars Jinja would print). */
function stringify(v: TemplateValue): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (v === null) return 'None'
  if (!Array.isArray(v) && v.kind === 'enum') return `${v.enum}.${v.member}`
  throw new TemplateError(`cannot print a ${describe(v)}; did you forget to call it?`)
}

/** Renders `template` with `ctx`. Errors carry a short excerpt of the failing spot. */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  let out = ''
  let i = 0
  let trimNextText = false
  const appendText = (text: string) => { out += trimNextText ? text.replace(/^\s+/, '') : text; trimNextText = false }
  while (i < template.length) {
    const open = template.indexOf('{', i)
    if (open < 0 || open === template.length - 1) { appendText(template.slice(i)); break }
    const next = template[open + 1]
    if (next !== '{' && next !== '%' && next !== '#') { appendText(template.slice(i, open + 1)); i = open + 1; continue }
    appendText(template.slice(i, open))
    if (next === '%') throw new TemplateError(`'{%' statements are not supported (offset ${open}): ${excerpt(template, open)}`)
    if (next === '#') {
      const close = template.indexOf('#}', open + 2)
      if (close < 0) throw new TemplateError(`unclosed '{#' comment at offset ${open}`)
      i = close + 2
      continue
    }
    let exprStart = open + 2
    if (template[exprStart] === '-') { out = out.replace(/\s+$/, ''); exprStart++ }
    try {
      const { tokens, next: after } = tokenizeExpression(template, exprStart)
      const { expr, trimAfter } = new Parser(tokens).parseTop()
      out += stringify(evaluate(expr, ctx))
      trimNextText = trimAfter
      i = after
    } catch (err) {
      if (err instanceof TemplateError && !err.message.includes(' in: ')) {
        throw new TemplateError(`${err.message} in: ${excerpt(template, open)}`)
      }
      throw err
    }
  }
  return out
}

function excerpt(s: string, at: number): string {
  const end = s.indexOf('}}', at)
  return s.slice(at, end < 0 ? Math.min(s.length, at + 80) : end + 2).replace(/\s+/g, ' ')
}

// ---------------------------------------------------------------- helpers to build contexts

export interface ParamSpec {
  name: string
  /** Absent: the parameter is required. */
  default?: TemplateValue
}

/**
 * Defines a template function with Python-like argument binding: positional
 * first, then keywords; unknown, repeated or missing arguments are errors.
 */
export function defineFunction(
  name: string,
  params: ParamSpec[],
  impl: (bound: Record<string, TemplateValue>) => TemplateValue,
): TemplateFunction {
  return {
    kind: 'function',
    name,
    call(args, kwargs) {
      if (args.length > params.length) throw new TemplateError(`${name}() takes ${params.length} arguments, got ${args.length}`)
      const bound: Record<string, TemplateValue> = {}
      args.forEach((a, i) => { bound[params[i].name] = a })
      for (const [k, v] of Object.entries(kwargs)) {
        if (!params.some((p) => p.name === k)) throw new TemplateError(`${name}() got an unexpected keyword argument '${k}'`)
        if (k in bound) throw new TemplateError(`${name}() got multiple values for argument '${k}'`)
        bound[k] = v
      }
      for (const p of params) {
        if (!(p.name in bound)) {
          if (!('default' in p)) throw new TemplateError(`${name}() missing required argument '${p.name}'`)
          bound[p.name] = p.default as TemplateValue
        }
      }
      return impl(bound)
    },
  }
}

/** An enum namespace such as `TimeGranularity` whose members are `NAME -> value`. */
export function defineEnum(name: string, values: readonly string[]): TemplateNamespace {
  const members: Record<string, TemplateValue> = {}
  for (const v of values) members[v.toUpperCase()] = { kind: 'enum', enum: name, member: v.toUpperCase(), value: v }
  return { kind: 'namespace', name, members }
}

// Typed accessors used by the render functions: they turn a wrong argument type into a clear error.
export function asString(v: TemplateValue, what: string): string {
  if (typeof v !== 'string') throw new TemplateError(`${what} must be a string, got ${describe(v)}`)
  return v
}
export function asOptionalString(v: TemplateValue, what: string): string | undefined {
  return v === null ? undefined : asString(v, what)
}
export function asNumber(v: TemplateValue, what: string): number {
  if (typeof v !== 'number') throw new TemplateError(`${what} must be a number, got ${describe(v)}`)
  return v
}
export function asBoolean(v: TemplateValue, what: string): boolean {
  if (typeof v !== 'boolean') throw new TemplateError(`${what} must be True or False, got ${describe(v)}`)
  return v
}
export function asStringList(v: TemplateValue, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new TemplateError(`${what} must be a list of strings, got ${describe(v)}`)
  return v as string[]
}
export function asEnum(v: TemplateValue, enumName: string, what: string): string {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v.kind !== 'enum' || v.enum !== enumName) {
    throw new TemplateError(`${what} must be a ${enumName} member, got ${describe(v)}`)
  }
  return v.value
}
