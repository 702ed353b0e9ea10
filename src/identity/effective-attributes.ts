// A user's attributes as access policies read them: their groups' attributes
// merged with their own. Lists are unions (a member of "Sales West" and
// "Sales East" has region [West, East]); a scalar the user holds wins over
// whatever the groups say, so an admin can pin one value on one person. A
// value only groups give stays a scalar when every group gives that same
// scalar, so equality filters keep working. A user's key reads its owner's
// (unless pinned); a service key is in no group (see api-keys.ts).
import type { AttributeScalar, AttributeValue, Attributes } from '../../semantic/access/types'

const same = (a: AttributeScalar, b: AttributeScalar) => typeof a === typeof b && a === b

function union(into: AttributeScalar[], values: AttributeScalar[]): void {
  for (const v of values) if (!into.some((x) => same(x, v))) into.push(v)
}

export function effectiveAttributes(own: Attributes, groupAttributes: readonly Attributes[]): Attributes {
  if (!groupAttributes.length) return own
  const out: Attributes = { ...own }
  const names = new Set(groupAttributes.flatMap((g) => Object.keys(g)))
  for (const name of names) {
    const mine = own[name]
    if (mine !== undefined && !Array.isArray(mine)) continue
    const values: AttributeScalar[] = Array.isArray(mine) ? [...mine] : []
    let anyList = Array.isArray(mine)
    for (const g of groupAttributes) {
      const v: AttributeValue | undefined = g[name]
      if (v === undefined) continue
      if (Array.isArray(v)) anyList = true
      union(values, Array.isArray(v) ? v : [v])
    }
    out[name] = !anyList && values.length === 1 ? values[0] : values
  }
  return out
}
