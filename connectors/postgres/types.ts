// Postgres-family type mapping, shared by postgres, redshift and pglite.
// Every driver is told to hand us the server's text form untouched; this
// module turns text into the project's JSON conventions by type OID, so the
// three connectors return identical values for identical queries.
import type { Column, ColumnType } from '../connector'
import { base64, column, finiteOrNull, isoDate, isoTimestamp, jsonSafe } from '../shared/values'

type Parse = (text: string) => unknown

interface TypeDef { name: string; type: ColumnType; parse: Parse }

const str: Parse = (t) => t
const int: Parse = (t) => Number(t)
const bool: Parse = (t) => t === 't' || t === 'true'
const json: Parse = (t) => JSON.parse(t)

/** Built-in scalar types by OID (stable across Postgres versions and Redshift). */
const SCALARS: Record<number, TypeDef> = {
  16: { name: 'boolean', type: 'boolean', parse: bool },
  17: { name: 'bytea', type: 'binary', parse: base64 },
  18: { name: 'char', type: 'string', parse: str },
  19: { name: 'name', type: 'string', parse: str },
  20: { name: 'bigint', type: 'bigint', parse: str },
  21: { name: 'smallint', type: 'integer', parse: int },
  23: { name: 'integer', type: 'integer', parse: int },
  25: { name: 'text', type: 'string', parse: str },
  26: { name: 'oid', type: 'integer', parse: int },
  114: { name: 'json', type: 'json', parse: json },
  142: { name: 'xml', type: 'string', parse: str },
  700: { name: 'real', type: 'float', parse: finiteOrNull },
  701: { name: 'double precision', type: 'float', parse: finiteOrNull },
  790: { name: 'money', type: 'string', parse: str },
  869: { name: 'inet', type: 'string', parse: str },
  650: { name: 'cidr', type: 'string', parse: str },
  829: { name: 'macaddr', type: 'string', parse: str },
  1042: { name: 'character', type: 'string', parse: str },
  1043: { name: 'character varying', type: 'string', parse: str },
  1082: { name: 'date', type: 'date', parse: isoDate },
  1083: { name: 'time without time zone', type: 'string', parse: str },
  1114: { name: 'timestamp without time zone', type: 'timestamp', parse: isoTimestamp },
  1184: { name: 'timestamp with time zone', type: 'timestamp', parse: isoTimestamp },
  1186: { name: 'interval', type: 'string', parse: str },
  1266: { name: 'time with time zone', type: 'string', parse: str },
  1560: { name: 'bit', type: 'string', parse: str },
  1562: { name: 'bit varying', type: 'string', parse: str },
  1700: { name: 'numeric', type: 'decimal', parse: str },
  2950: { name: 'uuid', type: 'string', parse: str },
  3802: { name: 'jsonb', type: 'json', parse: json },
  3614: { name: 'tsvector', type: 'string', parse: str },
  // Redshift-only types; these OIDs are unused by Postgres' built-in catalog.
  4000: { name: 'super', type: 'json', parse: (t) => { try { return JSON.parse(t) } catch { return t } } },
  6551: { name: 'varbyte', type: 'binary', parse: (t) => base64(Buffer.from(t, 'hex')) },
}

/** Built-in array types: OID → element OID. */
const ARRAYS: Record<number, number> = {
  1000: 16, 1001: 17, 1002: 18, 1003: 19, 1016: 20, 1005: 21, 1007: 23, 1009: 25, 1028: 26, 199: 114,
  1021: 700, 1022: 701, 1014: 1042, 1015: 1043, 1182: 1082, 1183: 1083, 1115: 1114, 1185: 1184,
  1187: 1186, 1231: 1700, 2951: 2950, 3807: 3802, 1041: 869, 651: 650,
}

/** All OIDs this module parses itself (drivers must not parse them first). */
export const KNOWN_OIDS: readonly number[] = [...Object.keys(SCALARS), ...Object.keys(ARRAYS)].map(Number)

const UNKNOWN: TypeDef = { name: 'unknown', type: 'unknown', parse: str }

/** Column metadata for a result column. Unknown OIDs (enums, extensions) travel as text. */
export function pgColumn(name: string, oid: number): Column {
  const scalar = SCALARS[oid]
  if (scalar) return column(name, scalar.type, scalar.name)
  const elem = ARRAYS[oid]
  if (elem !== undefined) return column(name, 'json', `${SCALARS[elem].name}[]`)
  return column(name, 'string')
}

/**
 * The converter node-postgres calls as it builds each row. It calls one only
 * for a non-NULL value and always with the server's text, so the converter is
 * the type's own parse with no checks around it: this runs for every value of
 * every streamed row. (pgParser keeps the checks, for drivers that may hand
 * over NULLs or values they parsed themselves.)
 */
export function pgTextParser(oid: number): Parse {
  const scalar = SCALARS[oid]
  if (scalar) return scalar.parse
  const elem = ARRAYS[oid]
  if (elem !== undefined) {
    const parse = SCALARS[elem].parse
    return (t) => parseArray(t, parse)
  }
  return str
}

/** The text → JSON value converter for one column. */
export function pgParser(oid: number): (value: unknown) => unknown {
  const scalar = SCALARS[oid]
  if (scalar) {
    const parse = scalar.parse
    return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? parse(v) : v)
  }
  const elem = ARRAYS[oid]
  if (elem !== undefined) {
    const parse = SCALARS[elem].parse
    // Arrays of types whose text holds commas/braces use quotes; the parser handles both.
    return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? parseArray(v, parse) : v)
  }
  // Unknown types travel as text; a driver that already parsed them (PGlite
  // parses arrays of custom types) gets its value made JSON-safe.
  return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : jsonSafe(v))
}

/**
 * Normalized type of a catalog type, from its OID, or from its name and
 * category when the OID is not a built-in (domains are resolved to their base
 * type by the caller; `typcategory` 'A' = array, 'E' = enum).
 */
export function pgCatalogType(oid: number, typname: string, typcategory: string): ColumnType {
  if (SCALARS[oid]) return SCALARS[oid].type
  if (ARRAYS[oid] !== undefined || typcategory === 'A') return 'json'
  return pgTypeFromName(typname, typcategory)
}

/**
 * Normalized type from a Postgres/Redshift type name as `format_type` or
 * `information_schema` spell it (`character varying(20)`, `numeric(12,2)`, `int4`).
 */
export function pgTypeFromName(typeName: string, typcategory = ''): ColumnType {
  const n = typeName.toLowerCase().replace(/\(.*\)/, '').replace(/\[\]$/, '[]').trim()
  if (n.endsWith('[]') || n === 'array') return 'json'
  switch (n) {
    case 'smallint': case 'integer': case 'int': case 'int2': case 'int4': case 'oid': case 'smallserial': case 'serial':
      return 'integer'
    case 'bigint': case 'int8': case 'bigserial':
      return 'bigint'
    case 'numeric': case 'decimal':
      return 'decimal'
    case 'real': case 'double precision': case 'float4': case 'float8': case 'float':
      return 'float'
    case 'boolean': case 'bool':
      return 'boolean'
    case 'date':
      return 'date'
    case 'timestamp': case 'timestamp without time zone': case 'timestamp with time zone': case 'timestamptz':
      return 'timestamp'
    case 'json': case 'jsonb': case 'super':
      return 'json'
    case 'bytea': case 'varbyte': case 'binary varying': case 'varbinary':
      return 'binary'
    case 'text': case 'character varying': case 'varchar': case 'character': case 'char': case 'bpchar': case 'name':
    case 'uuid': case 'citext': case 'time without time zone': case 'time with time zone': case 'time': case 'timetz':
    case 'interval': case 'money': case 'inet': case 'cidr': case 'macaddr': case 'xml':
      return 'string'
  }
  if (typcategory === 'E' || typcategory === 'S') return 'string'
  if (typcategory === 'N') return 'decimal'
  return 'unknown'
}

/**
 * Parses Postgres' array text form (`{1,2}`, `{{"a b",NULL}}`, `[0:1]={x,y}`)
 * into nested JS arrays, converting elements with `parse`.
 */
export function parseArray(text: string, parse: Parse): unknown {
  let i = 0
  if (text[0] === '[') {
    // Explicit bounds prefix, e.g. `[0:2]={...}`: skip to the `=`.
    const eq = text.indexOf('=')
    i = eq >= 0 ? eq + 1 : 0
  }
  const parseLevel = (): unknown[] => {
    if (text[i] !== '{') throw new Error('malformed array literal')
    i++
    const out: unknown[] = []
    if (text[i] === '}') { i++; return out }
    for (;;) {
      if (text[i] === '{') {
        out.push(parseLevel())
      } else if (text[i] === '"') {
        i++
        let s = ''
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++
          s += text[i++]
        }
        i++
        out.push(parse(s))
      } else {
        let j = i
        while (j < text.length && text[j] !== ',' && text[j] !== '}') j++
        const raw = text.slice(i, j).trim()
        i = j
        out.push(raw === 'NULL' ? null : parse(raw))
      }
      // Elements are separated by commas (box[] uses ';', not supported here).
      if (text[i] === ',') { i++; continue }
      if (text[i] === '}') { i++; return out }
      throw new Error('malformed array literal')
    }
  }
  try {
    return parseLevel()
  } catch {
    // Not an array form we understand (custom delimiters): keep the text.
    return text
  }
}
