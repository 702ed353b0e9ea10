// The shape of a conversion metric's type_params.conversion_type_params, checked
// wherever a metric can come from (API, MetricFlow import, a stored record), so
// a malformed one is a clear model error instead of a crash in the compiler.
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isMeasureRef = (v: unknown) => isText(v) || (isObject(v) && isText(v.name))

/** What is wrong with `c` as conversion_type_params, or null when its shape is right. */
export function conversionParamsProblem(c: unknown): string | null {
  if (c === undefined || c === null) return 'a conversion metric needs type_params.conversion_type_params'
  if (!isObject(c)) return 'conversion_type_params must be a mapping'
  if (!isMeasureRef(c.base_measure)) return 'conversion_type_params.base_measure must name a measure'
  if (!isMeasureRef(c.conversion_measure)) return 'conversion_type_params.conversion_measure must name a measure'
  if (!isText(c.entity)) return 'conversion_type_params.entity must name an entity'
  if (c.calculation !== undefined && c.calculation !== 'conversions' && c.calculation !== 'conversion_rate') {
    return 'conversion_type_params.calculation must be conversions or conversion_rate'
  }
  if (c.window !== undefined && typeof c.window !== 'string') return 'conversion_type_params.window must be a time window like "7 days"'
  if (c.constant_properties !== undefined) {
    if (!Array.isArray(c.constant_properties)) return 'conversion_type_params.constant_properties must be a list'
    if (!c.constant_properties.every((p) => isObject(p) && isText(p.base_property) && isText(p.conversion_property))) {
      return 'each of conversion_type_params.constant_properties needs base_property and conversion_property'
    }
  }
  return null
}
