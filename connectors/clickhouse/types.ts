// ClickHouse types and values. Results travel as TabSeparatedWithNamesAndTypes
// (streamable on every server version, unlike JSONCompactEachRow): the first
// two lines name the columns and their ClickHouse types, then one line per row.
import type { Column, ColumnType } from '../connector'
import { column, finiteOrNull, isoDate, isoTimestamp } from '../shared/values'

/** `LowCardinality(Nullable(String))` → `String`; reports whether NULL is allowed. */
export function unwrapType(t: string): { inner: string; nullable: boolean } {
  let inner = t.trim()
  let nullable = false
  for (;;) {
    const m = /^(Nullable|LowCardinality|SimpleAggregateFunction\([^,]+,)\s*\(?(.*)\)$/.exec(inner)
    if (!m) break
    if (m[1] === 'Nullable') nullable = true
    inner = m[1].startsWith('SimpleAggregateFunction') ? m[2].trim() : m[2].trim()
  }
  return { inner, nullable }
}

export function chColumnType(t: string): ColumnType {
  const { inner } = unwrapType(t)
  const base = inner.replace(/\(.*$/s, '')
  switch (base) {
    case 'Int8': case 'Int16': case 'Int32': case 'UInt8': case 'UInt16': case 'UInt32':
      return 'integer'
    case 'Int64': case 'UInt64': case 'Int128': case 'UInt128': case 'Int256': case 'UInt256':
      return 'bigint'
    case 'Float32': case 'Float64': case 'BFloat16':
      return 'float'
    case 'Decimal': case 'Decimal32': case 'Decimal64': case 'Decimal128': case 'Decimal256':
      return 'decimal'
    case 'Bool': case 'Boolean':
      return 'boolean'
    case 'Date': case 'Date32':
      return 'date'
    case 'DateTime': case 'DateTime64':
      return 'timestamp'
    case 'Array': case 'Tuple': case 'Map': case 'Nested': case 'JSON': case 'Object':
      return 'json'
    case 'String': case 'FixedString': case 'UUID': case 'Enum8': case 'Enum16': case 'Enum': case 'IPv4': case 'IPv6':
      return 'string'
    case 'Nothing':
      return 'unknown'
    default:
      return 'unknown'
  }
}

/** TSV escapes: `\t \n \r \b \f \0 \\ \'`; any other `\x` stands for `x`. */
export function unescapeTsv(s: string): string {
  if (!s.includes('\\')) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c !== '\\' || i === s.length - 1) { out += c; continue }
    const n = s[++i]
    out += n === 't' ? '\t' : n === 'n' ? '\n' : n === 'r' ? '\r' : n === 'b' ? '\b' : n === 'f' ? '\f' : n === '0' ? '\0' : n
  }
  return out
}

/**
 * Parses ClickHouse's quoted text form of composite values (`[1,2]`,
 * `('a',NULL)`, `{'k':[1]}`) into JSON: arrays and tuples become arrays, maps
 * objects; integers beyond 2^53 stay strings; nan/inf become null.
 */
export function parseChLiteral(text: string): unknown {
  let i = 0
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++ }
  const value = (): unknown => {
    ws()
    const c = text[i]
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')'
      i++
      const out: unknown[] = []
      ws()
      if (text[i] === close) { i++; return out }
      for (;;) {
        out.push(value())
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === close) { i++; return out }
        throw new Error('bad literal')
      }
    }
    if (c === '{') {
      i++
      const out: Record<string, unknown> = {}
      ws()
      if (text[i] === '}') { i++; return out }
      for (;;) {
        const k = value()
        ws()
        if (text[i] !== ':') throw new Error('bad literal')
        i++
        out[String(k)] = value()
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === '}') { i++; return out }
        throw new Error('bad literal')
      }
    }
    if (c === "'") {
      i++
      let s = ''
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\') {
          const n = text[++i]
          s += n === 't' ? '\t' : n === 'n' ? '\n' : n === 'r' ? '\r' : n === 'b' ? '\b' : n === 'f' ? '\f' : n === '0' ? '\0' : n
          i++
        } else s += text[i++]
      }
      i++
      return s
    }
    let j = i
    while (j < text.length && !/[,\])}:\s]/.test(text[j])) j++
    const raw = text.slice(i, j)
    i = j
    if (raw === 'NULL') return null
    if (raw === 'true') return true
    if (raw === 'false') return false
    if (/^-?\d+$/.test(raw)) { const n = Number(raw); return Number.isSafeInteger(n) ? n : raw }
    const n = Number(raw)
    if (raw !== '' && !Number.isNaN(n)) return Number.isFinite(n) ? n : null
    if (/^-?(nan|inf)$/i.test(raw)) return null
    throw new Error('bad literal')
  }
  try {
    const v = value()
    ws()
    return i === text.length ? v : text
  } catch {
    return text
  }
}

export interface ChColumnCodec { column: Column; parse: (field: string) => unknown }

export function chCodec(name: string, dbType: string): ChColumnCodec {
  const type = chColumnType(dbType)
  const col = column(name, type, dbType)
  const scalar = (fn: (s: string) => unknown) => ({ column: col, parse: (f: string) => (f === '\\N' ? null : fn(unescapeTsv(f))) })
  switch (type) {
    case 'integer': return scalar(Number)
    case 'float': return scalar(finiteOrNull)
    case 'boolean': return scalar((s) => s === 'true' || s === '1')
    case 'date': return scalar(isoDate)
    case 'timestamp': return scalar(isoTimestamp)
    // Composite values are written in quoted form, not TSV-escaped.
    case 'json': return { column: col, parse: (f) => (f === '\\N' ? null : parseChLiteral(f)) }
    default: return scalar((s) => s)
  }
}

/** A line that is a server exception written into the middle of a result (HTTP 200 already sent). */
export function exceptionLine(line: string, columnCount: number): boolean {
  if (!/^Code: \d+[.,] (?:e\.displayText\(\) = )?DB::Exception: /.test(line)) return false
  if (columnCount !== 1) return !line.includes('\t')
  return /(, e\.what\(\) = DB::Exception|\(version [\d.]+.*\))$/.test(line)
}
