// SCIM attributes mapped onto the user attributes access policies read
// (NEXATRON_SCIM_ATTRIBUTES). The identity provider is then the source of a
// user's region or cost center: a mapped attribute is set from the resource on
// create and replace (absent from a PUT: removed) and by PATCH operations on
// its path; attributes that no mapping names stay as admins set them.
import { ScimError } from './scim-error'
import { obj } from './scim-input'
import { SCHEMAS } from './scim-resources'
import type { AttributeScalar, AttributeValue, Attributes } from '../../semantic/access'

export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'

/** One mapping: the Nexatron attribute and where in the SCIM resource it is read. */
export interface ScimAttributeSource {
  attribute: string
  /** The schema URN (core User or an extension). */
  schema: string
  /** The attribute path under the schema, lower-cased, sub-attributes dotted ("manager.value"). */
  path: string
}

export type ScimAttributeMap = ScimAttributeSource[]

const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
const SOURCE_PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/

/**
 * Parses `{"region": "urn:...:enterprise:2.0:User:division", "title": "title"}`:
 * a source is `<schema URN>:<attribute>[.<sub-attribute>]`, or a bare core
 * User attribute. Throws with the offending key (read at startup).
 */
export function parseScimAttributeMap(json: string | undefined): ScimAttributeMap {
  if (json === undefined || json.trim() === '') return []
  let raw: unknown
  try { raw = JSON.parse(json) } catch { throw new Error('NEXATRON_SCIM_ATTRIBUTES: not JSON (an object of attribute name → SCIM attribute path)') }
  if (!obj(raw)) throw new Error('NEXATRON_SCIM_ATTRIBUTES: must be an object of attribute name → SCIM attribute path')
  return Object.entries(raw).map(([attribute, source]) => {
    if (!ATTRIBUTE.test(attribute)) throw new Error(`NEXATRON_SCIM_ATTRIBUTES: "${attribute}" is not an attribute name (letters, digits and _, at most 64)`)
    if (typeof source !== 'string') throw new Error(`NEXATRON_SCIM_ATTRIBUTES.${attribute}: must be a SCIM attribute path string`)
    const { schema, path } = splitSource(source)
    if (!SOURCE_PATH.test(path)) throw new Error(`NEXATRON_SCIM_ATTRIBUTES.${attribute}: "${source}" is not a SCIM attribute path (e.g. ${ENTERPRISE_USER}:division)`)
    return { attribute, schema, path: path.toLowerCase() }
  })
}

/** `urn:...:User:division` → schema + path; a bare name is a core User attribute. */
function splitSource(source: string): { schema: string; path: string } {
  const s = source.trim()
  if (!s.toLowerCase().startsWith('urn:')) return { schema: SCHEMAS.user, path: s }
  const cut = s.lastIndexOf(':')
  return { schema: s.slice(0, cut), path: s.slice(cut + 1) }
}

/** Reads `key` of an object case-insensitively (SCIM attribute names are case-insensitive). */
function pick(o: Record<string, unknown>, key: string): unknown {
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase())
  return k === undefined ? undefined : o[k]
}

/** A SCIM value as an attribute value: scalars, lists of scalars, and a complex value's `value` (manager). */
function toAttributeValue(v: unknown, where: string): AttributeValue | null {
  if (v === null || v === undefined || v === '') return null
  if (typeof v === 'string') {
    if (v.length > 200) throw new ScimError(400, `${where} is longer than 200 characters`, 'invalidValue')
    return v
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'boolean') return v
  if (obj(v) && 'value' in v) return toAttributeValue(v.value, where)
  if (Array.isArray(v)) {
    if (v.length > 100) throw new ScimError(400, `${where} has more than 100 values`, 'invalidValue')
    const list = v.map((x) => toAttributeValue(x, where)).filter((x): x is AttributeValue => x !== null)
    if (list.some(Array.isArray)) throw new ScimError(400, `${where} must be a value or a list of values`, 'invalidValue')
    return list as AttributeScalar[]
  }
  throw new ScimError(400, `${where} must be a string, number, boolean or a list of them`, 'invalidValue')
}

function readPath(container: unknown, path: string): unknown {
  let cur: unknown = container
  for (const part of path.split('.')) {
    if (!obj(cur)) return undefined
    cur = pick(cur, part)
  }
  return cur
}

/**
 * The mapped attributes of a full User resource (POST, PUT): every mapping
 * gets a value, null where the resource has none (PUT replaces, so a value
 * the provider dropped is removed).
 */
export function attributesFromResource(body: unknown, map: ScimAttributeMap): Record<string, AttributeValue | null> {
  const out: Record<string, AttributeValue | null> = {}
  if (!obj(body)) return out
  for (const m of map) {
    const container = m.schema.toLowerCase() === SCHEMAS.user.toLowerCase() ? body : pick(body, m.schema)
    // Some providers flatten the extension: "urn:...:User:department" as a top-level key.
    const flat = pick(body, `${m.schema}:${m.path}`)
    out[m.attribute] = toAttributeValue(flat !== undefined ? flat : readPath(container, m.path), `${m.schema}:${m.path}`)
  }
  return out
}

/**
 * The mapped attributes one PATCH operation changes. `path` is the op's path
 * (undefined: `value` is a partial resource); `remove` clears. Only what the
 * operation names is returned, so other attributes stay as they are.
 */
export function attributesFromPatch(path: string | undefined, value: unknown, remove: boolean, map: ScimAttributeMap): Record<string, AttributeValue | null> {
  const out: Record<string, AttributeValue | null> = {}
  for (const m of map) {
    const full = `${m.schema}:${m.path}`.toLowerCase()
    const isCore = m.schema.toLowerCase() === SCHEMAS.user.toLowerCase()
    const where = `${m.schema}:${m.path}`
    if (path === undefined) {
      if (!obj(value)) continue
      // Partial resource: nested under the schema, flattened as "urn:...:attr", or (core) a bare key.
      const flat = pick(value, `${m.schema}:${m.path}`)
      if (flat !== undefined) { out[m.attribute] = remove ? null : toAttributeValue(flat, where); continue }
      const container = isCore ? value : pick(value, m.schema)
      const v = readPath(container, m.path)
      if (v !== undefined) out[m.attribute] = remove ? null : toAttributeValue(v, where)
      continue
    }
    const p = path.trim().toLowerCase()
    const [head] = m.path.split('.')
    if (p === full || (isCore && p === m.path)) {
      out[m.attribute] = remove ? null : toAttributeValue(value, where)
    } else if (m.path.includes('.') && (p === `${m.schema}:${head}`.toLowerCase() || (isCore && p === head))) {
      // The complex attribute as a whole ("manager": {"value": ...}).
      out[m.attribute] = remove ? null : toAttributeValue(readPath({ [head]: value }, m.path) ?? value, where)
    } else if (p === m.schema.toLowerCase()) {
      // The extension object as a whole: {"division": "West", ...}.
      const v = readPath(value, m.path)
      if (remove) out[m.attribute] = null
      else if (v !== undefined) out[m.attribute] = toAttributeValue(v, where)
    }
  }
  return out
}

/** `current` with the mapped changes applied (null removes); null when nothing changes. */
export function mergeAttributes(current: Attributes, changes: Record<string, AttributeValue | null>): Attributes | null {
  const next: Attributes = { ...current }
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete next[k]
    else next[k] = v
  }
  return JSON.stringify(sortKeys(next)) === JSON.stringify(sortKeys(current)) ? null : next
}

const sortKeys = (a: Attributes) => Object.fromEntries(Object.entries(a).sort(([x], [y]) => x.localeCompare(y)))
