// Query parameters for BigQuery, typed explicitly. The client library can infer
// types from values, but it cannot type a null and leaks its `types` option into
// the job configuration; building `queryParameters` ourselves avoids both.
//
// Placeholders: positional `?` (the default) or named `@p1`, `@p2`... — the
// connector receives a positional array either way and picks the mode from the
// SQL text.

export interface QueryParameter {
  name?: string
  parameterType: { type: string }
  /** A NULL has no `value`; it is typed STRING, so compare it to other types through CAST(? AS ...). */
  parameterValue: { value?: string }
}

function typed(value: unknown, index: number): Omit<QueryParameter, 'name'> {
  if (value === null || value === undefined) return { parameterType: { type: 'STRING' }, parameterValue: {} }
  if (typeof value === 'string') return { parameterType: { type: 'STRING' }, parameterValue: { value } }
  if (typeof value === 'boolean') return { parameterType: { type: 'BOOL' }, parameterValue: { value: String(value) } }
  if (typeof value === 'bigint') return { parameterType: { type: 'INT64' }, parameterValue: { value: value.toString() } }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`parameter ${index + 1} is not a finite number`)
    return Number.isInteger(value)
      ? { parameterType: { type: 'INT64' }, parameterValue: { value: String(value) } }
      : { parameterType: { type: 'FLOAT64' }, parameterValue: { value: String(value) } }
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`parameter ${index + 1} is an invalid date`)
    return { parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: value.toISOString() } }
  }
  if (Buffer.isBuffer(value)) return { parameterType: { type: 'BYTES' }, parameterValue: { value: value.toString('base64') } }
  throw new TypeError(`parameter ${index + 1} has an unsupported type (${typeof value})`)
}

/** SQL with string literals, quoted identifiers and comments blanked out. */
function codeOnly(sql: string): string {
  return sql.replace(/--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g, ' ')
}

export function buildQueryParameters(sql: string, params: unknown[]): { parameterMode?: 'POSITIONAL' | 'NAMED'; queryParameters?: QueryParameter[] } {
  if (params.length === 0) return {}
  const named = /@p\d+\b/i.test(codeOnly(sql))
  const queryParameters = params.map((v, i) => ({ ...(named && { name: `p${i + 1}` }), ...typed(v, i) }))
  return { parameterMode: named ? 'NAMED' : 'POSITIONAL', queryParameters }
}
