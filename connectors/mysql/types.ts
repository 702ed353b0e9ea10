// MySQL/MariaDB result types → the project's JSON conventions. The driver is
// told to hand every value over as raw bytes (typeCast → field.buffer());
// the column definition (type code, length, flags, charset) decides the rest.
import type { Column, ColumnType } from '../connector'
import { column, finiteOrNull, isoDate, isoTimestamp } from '../shared/values'

/** Subset of mysql2's FieldPacket we rely on. */
export interface MysqlField {
  name: string
  columnType?: number
  columnLength?: number
  flags: number | string[]
  characterSet?: number
  decimals?: number
  extendedTypeName?: string
  extendedFormat?: string
}

const T = {
  DECIMAL: 0, TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, NULL: 6, TIMESTAMP: 7, LONGLONG: 8, INT24: 9,
  DATE: 10, TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14, VARCHAR: 15, BIT: 16, JSON: 245, NEWDECIMAL: 246,
  ENUM: 247, SET: 248, TINY_BLOB: 249, MEDIUM_BLOB: 250, LONG_BLOB: 251, BLOB: 252, VAR_STRING: 253, STRING: 254, GEOMETRY: 255,
} as const
const UNSIGNED_FLAG = 32
const BINARY_CHARSET = 63

type Raw = Buffer | null
export interface MysqlColumnCodec { column: Column; parse: (raw: Raw) => unknown }

const text = (b: Buffer) => b.toString('utf8')
const codec = (name: string, type: ColumnType, dbType: string, parse: (b: Buffer) => unknown): MysqlColumnCodec =>
  ({ column: column(name, type, dbType), parse: (raw) => (raw === null ? null : parse(raw)) })

function flagsOf(f: MysqlField): number {
  return typeof f.flags === 'number' ? f.flags : 0
}

/** BIT(n) bytes, big-endian, to a number (n ≤ 53) or a decimal string. */
function bitValue(b: Buffer, asString: boolean): number | string {
  let v = 0n
  for (const byte of b) v = (v << 8n) | BigInt(byte)
  return asString ? v.toString() : Number(v)
}

export function mysqlCodec(f: MysqlField): MysqlColumnCodec {
  const type = f.columnType ?? -1
  const unsigned = (flagsOf(f) & UNSIGNED_FLAG) !== 0
  const len = f.columnLength ?? 0
  const binary = f.characterSet === BINARY_CHARSET
  const n = f.name
  switch (type) {
    case T.TINY:
      // BOOLEAN is TINYINT(1) in MySQL: the display width is the only marker.
      if (len === 1) return codec(n, 'boolean', 'tinyint(1)', (b) => text(b) !== '0')
      return codec(n, 'integer', unsigned ? 'tinyint unsigned' : 'tinyint', (b) => Number(text(b)))
    case T.SHORT:
    case T.INT24:
    case T.LONG:
    case T.YEAR: {
      const name = type === T.SHORT ? 'smallint' : type === T.INT24 ? 'mediumint' : type === T.YEAR ? 'year' : 'int'
      return codec(n, 'integer', unsigned ? `${name} unsigned` : name, (b) => Number(text(b)))
    }
    case T.LONGLONG:
      return codec(n, 'bigint', unsigned ? 'bigint unsigned' : 'bigint', text)
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return codec(n, 'decimal', 'decimal', text)
    case T.FLOAT:
    case T.DOUBLE:
      return codec(n, 'float', type === T.FLOAT ? 'float' : 'double', (b) => finiteOrNull(text(b)))
    case T.DATE:
    case T.NEWDATE:
      // Zero dates ('0000-00-00') are not dates: null.
      return codec(n, 'date', 'date', (b) => { const s = text(b); return s.startsWith('0000-00-00') ? null : isoDate(s) })
    case T.DATETIME:
    case T.TIMESTAMP:
      return codec(n, 'timestamp', type === T.TIMESTAMP ? 'timestamp' : 'datetime',
        (b) => { const s = text(b); return s.startsWith('0000-00-00') ? null : isoTimestamp(s) })
    case T.TIME:
      return codec(n, 'string', 'time', text)
    case T.BIT:
      if (len === 1) return codec(n, 'boolean', 'bit(1)', (b) => b.some((x) => x !== 0))
      return len <= 53
        ? codec(n, 'integer', `bit(${len})`, (b) => bitValue(b, false))
        : codec(n, 'bigint', `bit(${len})`, (b) => bitValue(b, true))
    case T.JSON:
      return codec(n, 'json', 'json', (b) => JSON.parse(text(b)))
    case T.NULL:
      return codec(n, 'unknown', 'null', text)
    case T.GEOMETRY:
      return codec(n, 'binary', 'geometry', (b) => b.toString('base64'))
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB:
    case T.VAR_STRING:
    case T.STRING:
    case T.VARCHAR:
    case T.ENUM:
    case T.SET: {
      // MariaDB marks JSON columns (a LONGTEXT alias) with an extended format.
      if (f.extendedFormat === 'json') return codec(n, 'json', 'json', (b) => { try { return JSON.parse(text(b)) } catch { return text(b) } })
      if (binary) {
        const name = type === T.VAR_STRING ? 'varbinary' : type === T.STRING ? 'binary' : 'blob'
        return codec(n, 'binary', name, (b) => b.toString('base64'))
      }
      const name = f.extendedTypeName ?? (type === T.VAR_STRING || type === T.VARCHAR ? 'varchar'
        : type === T.STRING ? 'char' : type === T.ENUM ? 'enum' : type === T.SET ? 'set' : 'text')
      return codec(n, 'string', name, text)
    }
    default:
      return codec(n, 'unknown', `type ${type}`, text)
  }
}

/**
 * Normalized type from information_schema.COLUMNS (`DATA_TYPE`, `COLUMN_TYPE`).
 * Mirrors mysqlCodec so introspection and results agree.
 */
export function mysqlCatalogType(dataType: string, columnType: string): ColumnType {
  const d = dataType.toLowerCase()
  const full = columnType.toLowerCase()
  switch (d) {
    case 'tinyint':
      return /^tinyint\(1\)/.test(full) ? 'boolean' : 'integer'
    case 'bit': {
      const m = /^bit\((\d+)\)/.exec(full)
      const bits = m ? Number(m[1]) : 1
      return bits === 1 ? 'boolean' : bits <= 53 ? 'integer' : 'bigint'
    }
    case 'smallint': case 'mediumint': case 'int': case 'integer': case 'year':
      return 'integer'
    case 'bigint':
      return 'bigint'
    case 'decimal': case 'numeric': case 'dec': case 'fixed':
      return 'decimal'
    case 'float': case 'double': case 'real': case 'double precision':
      return 'float'
    case 'date':
      return 'date'
    case 'datetime': case 'timestamp':
      return 'timestamp'
    case 'json':
      return 'json'
    case 'binary': case 'varbinary': case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob':
    case 'geometry': case 'point': case 'linestring': case 'polygon': case 'multipoint': case 'multilinestring':
    case 'multipolygon': case 'geometrycollection':
      return 'binary'
    case 'char': case 'varchar': case 'tinytext': case 'text': case 'mediumtext': case 'longtext': case 'enum': case 'set':
    case 'time': case 'uuid': case 'inet4': case 'inet6':
      return 'string'
    default:
      return 'unknown'
  }
}
