// Masked values of a dimension, per engine. `hash` gives a stable hex digest
// (so masked values still group and count, without showing the value), keyed
// with a secret prefix when one is given (restrict.ts: the tenant's): a bare
// SHA-256 of an email or a name is undone by hashing guesses;
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
  /** `key` || `text` as text (NULL when `text` is NULL, as the unkeyed hash). */
  keyed(key: string, text: string): string
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
    keyed: (k, s) => `(CAST(${k} AS TEXT) || ${s})`,
    hash: (s) => `ENCODE(SHA256(CONVERT_TO(${s}, 'UTF8')), 'hex')`,
    partial: (s) => ansiPartial(`POSITION('@' IN ${s})`, pipes, (x, p) => `SUBSTRING(${x} FROM ${p})`, `LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS TEXT)',
  },
  redshift: {
    text: (e) => `CAST(${e} AS VARCHAR)`,
    keyed: (k, s) => `(CAST(${k} AS VARCHAR) || ${s})`,
    hash: (s) => `SHA2(${s}, 256)`,
    partial: (s) => ansiPartial(`POSITION('@' IN ${s})`, pipes, (x, p) => `SUBSTRING(${x}, ${p})`, `LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS VARCHAR)',
  },
  mysql: {
    text: (e) => `CAST(${e} AS CHAR)`,
    keyed: (k, s) => `CONCAT(${k}, ${s})`,
    hash: (s) => `SHA2(${s}, 256)`,
    partial: (s) => ansiPartial(`LOCATE('@', ${s})`, (...xs) => `CONCAT(${xs.join(', ')})`, (x, p) => `SUBSTRING(${x}, ${p})`, `CHAR_LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS CHAR)',
  },
  bigquery: {
    text: (e) => `CAST(${e} AS STRING)`,
    keyed: (k, s) => `CONCAT(${k}, ${s})`,
    hash: (s) => `TO_HEX(SHA256(${s}))`,
    partial: (s) => ansiPartial(`STRPOS(${s}, '@')`, (...xs) => `CONCAT(${xs.join(', ')})`, (x, p) => `SUBSTR(${x}, ${p})`, `LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS STRING)',
  },
  snowflake: {
    text: (e) => `CAST(${e} AS VARCHAR)`,
    keyed: (k, s) => `(${k} || ${s})`,
    hash: (s) => `SHA2(${s}, 256)`,
    partial: (s) => ansiPartial(`POSITION('@', ${s})`, pipes, (x, p) => `SUBSTR(${x}, ${p})`, `LENGTH(${s})`)(s),
    nullText: 'CAST(NULL AS VARCHAR)',
  },
  mssql: {
    text: (e) => `CAST(${e} AS NVARCHAR(4000))`,
    keyed: (k, s) => `(CAST(${k} AS NVARCHAR(4000)) + ${s})`,
    hash: (s) => `LOWER(CONVERT(VARCHAR(64), HASHBYTES('SHA2_256', ${s}), 2))`,
    partial: (s) => ansiPartial(`CHARINDEX('@', ${s})`, (...xs) => xs.join(' + '), (x, p) => `SUBSTRING(${x}, ${p}, 4000)`, `LEN(${s})`)(s),
    nullText: 'CAST(NULL AS NVARCHAR(4000))',
  },
  clickhouse: {
    text: (e) => `toString(${e})`,
    keyed: (k, s) => `concat(${k}, ${s})`,
    hash: (s) => `lower(hex(SHA256(${s})))`,
    // No LEFT/RIGHT on old servers: substring with explicit lengths.
    partial: (s) => `multiIf(position(${s}, '@') > 1, concat(substring(${s}, 1, 1), '***', substring(${s}, position(${s}, '@'), length(${s}))), `
      + `length(${s}) > 4, concat('***', substring(${s}, length(${s}) - 3, 4)), '***')`,
    nullText: 'CAST(NULL AS Nullable(String))',
  },
}

/** The masked value of a dimension expression on this engine. */
/** `key`: the hash's secret as an SQL literal, when it has one. */
export function maskedExpression(dialect: Dialect, method: MaskMethod, expr: string, key?: string): string {
  const m = MASKS[dialect.name]
  if (method === 'null') return m.nullText
  const text = m.text(expr)
  if (method === 'partial') return m.partial(text)
  return m.hash(key === undefined ? text : m.keyed(key, text))
}

/** The mask keys a restricted manifest's SQL holds: to hide wherever that SQL is shown. */
export function maskKeysOf(manifest: { semantic_models: ReadonlyArray<{ dimensions: ReadonlyArray<{ mask_key?: string }> }> }): Set<string> {
  const keys = new Set<string>()
  for (const m of manifest.semantic_models) for (const d of m.dimensions) if (d.mask_key !== undefined) keys.add(d.mask_key)
  return keys
}

/** SQL text as shown to anyone (responses, history, previews): each mask key written as `<mask key>`. */
export function hideMaskKeys(sql: string, maskKeys: ReadonlySet<string>): string {
  let out = sql
  for (const k of maskKeys) out = out.replaceAll(k, '<mask key>')
  return out
}

/**
 * The shortest run of hex digits taken for a piece of a mask key. Long enough that
 * a caller cannot find a piece by trying values (16^16 of them), short enough that
 * what a cut leaves shown is a small part of the key (16 of 64 digits).
 */
const MIN_KEY_PIECE = 16

const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)

/**
 * A database's error text as shown to anyone: the statement it quotes may be cut
 * anywhere (MariaDB's "near '...'" shows 80 characters), so besides every whole
 * key, any run of 16 or more hex digits that is a piece of one is written as
 * `<mask key>`. Not for SQL shown whole (hideMaskKeys): there a caller's own
 * values would tell them which pieces are the key's. One pass over the text.
 */
export function hideMaskKeyPieces(text: string, maskKeys: ReadonlySet<string>): string {
  if (maskKeys.size === 0) return text
  const out = hideMaskKeys(text, maskKeys)
  const keys = [...maskKeys].map((k) => k.toLowerCase())
  let shown = ''
  let from = 0
  let runStart = 0
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && isHex(out.charCodeAt(i))) continue
    if (i - runStart >= MIN_KEY_PIECE) {
      const run = out.slice(runStart, i).toLowerCase()
      if (keys.some((k) => k.includes(run))) {
        shown += `${out.slice(from, runStart)}<mask key>`
        from = i
      }
    }
    runStart = i + 1
  }
  return shown + out.slice(from)
}
