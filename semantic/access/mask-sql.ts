// Masked values of a dimension, per engine. `hash` gives a stable hex digest
// (so masked values still group and count, without showing the value);
// `partial` keeps the first character and the domain of an email
// (`j***@example.com`) and the last four characters of anything else
// (`***1234`, `***` when there are four or fewer); `null` gives NULL.
// NULL stays NULL under every method.
import type { DialectName } from '../types'
import type { Dialect } from '../dialects/dialect'
import type { MaskMethod } from './types'

interface MaskSql {
  text(expr: string): string
  hash(text: string): string
  /** `s` is the value as text; each function returns an SQL expression. */
  partial(s: string): string
  nullText: string
}

const ansiPartial = (pos: string, cat: (...xs: string[]) => string, sub: (s: string, from: string) => string, len: string) => (s: string) =>
  `CASE WHEN ${s} IS NULL THEN NULL WHEN ${pos} > 1 THEN ${cat(`LEFT(${s}, 1)`, "'***'", sub(s, pos))} `
  + `WHEN ${len} > 4 THEN ${cat("'***'", `RIGHT(${s}, 4)`)} ELSE '***' END`
const pipes = (...xs: string[]) => xs.join(' || ')

const MASKS: Record<DialectName, MaskSql> = {
  postgres: {
    text: (e) => `CAST(${e} AS TEXT)`,
    hash: (s) => `ENCODE(SHA256(CONVERT_TO(${s}, 'UTF8')), 'hex')`,
    partial: (s) => ansiPartial(`POSITION('@' IN ${s})`, pipes, (x, p) => `SUBSTRING(${x} FROM ${p})`, `LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS TEXT)',
  },
  redshift: {
    text: (e) => `CAST(${e} AS VARCHAR)`,
    hash: (s) => `SHA2(${s}, 256)`,
    partial: (s) => ansiPartial(`POSITION('@' IN ${s})`, pipes, (x, p) => `SUBSTRING(${x}, ${p})`, `LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS VARCHAR)',
  },
  mysql: {
    text: (e) => `CAST(${e} AS CHAR)`,
    hash: (s) => `SHA2(${s}, 256)`,
    partial: (s) => ansiPartial(`LOCATE('@', ${s})`, (...xs) => `CONCAT(${xs.join(', ')})`, (x, p) => `SUBSTRING(${x}, ${p})`, `CHAR_LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS CHAR)',
  },
  bigquery: {
    text: (e) => `CAST(${e} AS STRING)`,
    hash: (s) => `TO_HEX(SHA256(${s}))`,
    partial: (s) => ansiPartial(`STRPOS(${s}, '@')`, (...xs) => `CONCAT(${xs.join(', ')})`, (x, p) => `SUBSTR(${x}, ${p})`, `LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS STRING)',
  },
  snowflake: {
    text: (e) => `CAST(${e} AS VARCHAR)`,
    hash: (s) => `SHA2(${s}, 256)`,
    partial: (s) => ansiPartial(`POSITION('@', ${s})`, pipes, (x, p) => `SUBSTR(${x}, ${p})`, `LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS VARCHAR)',
  },
  mssql: {
    text: (e) => `CAST(${e} AS NVARCHAR(4000))`,
    hash: (s) => `LOWER(CONVERT(VARCHAR(64), HASHBYTES('SHA2_256', ${s}), 2))`,
    partial: (s) => ansiPartial(`CHARINDEX('@', ${s})`, (...xs) => xs.join(' + '), (x, p) => `SUBSTRING(${x}, ${p}, 4000)`, `LEN(${s})`)(s),
    nullText: 'CAST(NULL AS NVARCHAR(4000))',
  },
  clickhouse: {
    text: (e) => `toString(${e})`,
    hash: (s) => `lower(hex(SHA256(${s})))`,
    // No LEFT/RIGHT on old servers: substring with explicit lengths.
    partial: (s) => `multiIf(position(${s}, '@') > 1, concat(substring(${s}, 1, 1), '***', substring(${s}, position(${s}, '@'), length(${s}))), `
      + `length(${s}) > 4, concat('***', substring(${s}, length(${s}) - 3, 4)), '***')`,
    nullText: 'CAST(NULL AS Nullable(String))',
  },
}

/** The masked value of a dimension expression on this engine. */
export function maskedExpression(dialect: Dialect, method: MaskMethod, expr: string): string {
  const m = MASKS[dialect.name]
  if (method === 'null') return m.nullText
  const text = m.text(expr)
  return method === 'hash' ? m.hash(text) : m.partial(text)
}
