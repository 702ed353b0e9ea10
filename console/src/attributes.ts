// Attributes (what access policies read about a user or API key) in the
// console: shown as "region: West, South · partner_id: 42" and edited as
// JSON. Checked here with the API's rules so a typo is named before saving;
// the API checks again.

export type AttributeScalar = string | number | boolean
export type Attributes = Record<string, AttributeScalar | AttributeScalar[]>

/** The API's rule for attribute names (src/http/routes/semantic/access-schema.ts). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
const MAX_STRING = 200
const MAX_LIST = 100

const scalarText = (v: AttributeScalar) => String(v)

/** Compact, sorted by name; empty when there are none. */
export function formatAttributes(a: Attributes | null | undefined): string {
  if (!a) return ''
  return Object.keys(a).sort().map((k) => {
    const v = a[k]
    return `${k}: ${Array.isArray(v) ? v.map(scalarText).join(', ') : scalarText(v)}`
  }).join(' · ')
}

const isScalar = (v: unknown): v is AttributeScalar =>
  (typeof v === 'string' && v.length <= MAX_STRING) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean'

/** Parses the editor's JSON: the attributes, or an error naming the bad part. */
export function parseAttributes(text: string): { attributes: Attributes } | { error: string } {
  const src = text.trim() === '' ? '{}' : text
  let raw: unknown
  try { raw = JSON.parse(src) } catch { return { error: 'Attributes must be JSON, e.g. {"region": ["West"], "partner_id": 42}' } }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { error: 'Attributes must be a JSON object, e.g. {"region": ["West"]}' }
  for (const [k, v] of Object.entries(raw)) {
    if (!NAME.test(k)) return { error: `"${k}" is not an attribute name (letters, digits and _, at most 64)` }
    if (Array.isArray(v)) {
      if (v.length > MAX_LIST) return { error: `${k} has more than ${MAX_LIST} values` }
      if (!v.every(isScalar)) return { error: `${k} must be a list of strings (at most ${MAX_STRING} characters), numbers or booleans` }
    } else if (!isScalar(v)) {
      return { error: `${k} must be a string (at most ${MAX_STRING} characters), number, boolean or a list of them` }
    }
  }
  return { attributes: raw as Attributes }
}

/** Pretty JSON for the editor. */
export const attributesJson = (a: Attributes | null | undefined) => JSON.stringify(a ?? {}, null, 2)
