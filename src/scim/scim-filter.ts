// The SCIM filter subset we support (RFC 7644 §3.4.2.2): comparisons joined
// by `and`, e.g. `userName eq "ann@example.com"`, `active eq true`,
// `externalId sw "00u"`, `emails pr`. `or`, `not`, parentheses and value
// paths other than `emails[type eq "work"].value` answer 400 invalidFilter,
// which tells the client plainly what it cannot do here.
import { ScimError } from './scim-error'

export type FilterOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr'
export interface Comparison { attr: string; op: FilterOp; value: string | boolean | number | null }

const OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr'])
const bad = (why: string) => new ScimError(400, `unsupported or malformed filter: ${why}`, 'invalidFilter')

/** Tokens: quoted strings (JSON escapes), words, and the brackets of a value path. */
function tokenize(s: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < s.length) {
    const ch = s[i]
    if (/\s/.test(ch)) { i++; continue }
    if (ch === '"') {
      let j = i + 1
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1
      if (j >= s.length) throw bad('unterminated string')
      out.push(s.slice(i, j + 1))
      i = j + 1
      continue
    }
    if (ch === '(' || ch === ')') throw bad('parentheses are not supported')
    let j = i
    // A value path `emails[type eq "work"]` stays one token.
    let depth = 0
    while (j < s.length && (depth > 0 || !/\s/.test(s[j]))) {
      if (s[j] === '[') depth++
      else if (s[j] === ']') depth--
      else if (s[j] === '"' && depth > 0) { j++; while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1 }
      j++
    }
    out.push(s.slice(i, j))
    i = j
  }
  return out
}

function literal(tok: string): Comparison['value'] {
  if (tok.startsWith('"')) {
    try { return JSON.parse(tok) as string } catch { throw bad('invalid string literal') }
  }
  if (tok === 'true') return true
  if (tok === 'false') return false
  if (tok === 'null') return null
  if (/^-?\d+(\.\d+)?$/.test(tok)) return Number(tok)
  throw bad(`unexpected value ${tok.slice(0, 40)}`)
}

const ATTR = /^[A-Za-z][A-Za-z0-9_$-]*(\.[A-Za-z][A-Za-z0-9_$-]*)?$/
// Clients filter emails of the work type; we hold one email, so it is the same attribute.
const WORK_EMAIL = /^emails\[\s*type\s+eq\s+"work"\s*\]\.value$/i

export function parseFilter(filter: string): Comparison[] {
  if (filter.length > 1000) throw bad('too long')
  const toks = tokenize(filter)
  const out: Comparison[] = []
  let i = 0
  while (i < toks.length) {
    let attr = toks[i++]
    if (WORK_EMAIL.test(attr)) attr = 'emails.value'
    if (!ATTR.test(attr)) throw bad(`unsupported attribute ${attr.slice(0, 60)}`)
    const op = toks[i++]?.toLowerCase()
    if (!op || !OPS.has(op)) throw bad(`expected an operator after ${attr}`)
    if (op === 'pr') out.push({ attr, op, value: null })
    else {
      const v = toks[i++]
      if (v === undefined) throw bad(`expected a value after ${attr} ${op}`)
      out.push({ attr, op: op as FilterOp, value: literal(v) })
    }
    if (i < toks.length) {
      const join = toks[i++].toLowerCase()
      if (join === 'or' || join === 'not') throw bad(`"${join}" is not supported; combine comparisons with "and"`)
      if (join !== 'and' || i >= toks.length) throw bad('comparisons must be joined by "and"')
    }
  }
  if (!out.length) throw bad('empty filter')
  return out
}
