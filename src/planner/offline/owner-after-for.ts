// "gross volume, country by country, for merchants", "room revenue by country for guests": a plural noun
// after "for" (or "of", "among") that names the entity owning a column the question groups by says whose
// column it is (the merchants' country, the guests' country), not a second metric counting that entity nor
// a second breakdown by every guest. Read word by word, the noun adds the entity's count (`merchant_count`)
// or its key to the plan. Where a grouping can be read on a column of that entity (and, for a count, another
// metric is asked for), the noun is the grouping's owner: it leaves the plan and the grouping keeps only the
// owner's columns.
import type { Draft, Mention } from './interpret'
import type { Item } from './segment'
import { nameStems } from './normalize'

const OWNER_MARKERS = new Set(['for', 'of', 'among'])

/** Reads a plural owner noun after "for" as the owner of a grouping; returns the note, if it did. */
export function ownerAfterFor(draft: Draft, items: Item[]): string | undefined {
  const owners: Array<{ mention: Mention; drop: () => void }> = [
    ...(draft.metrics.length >= 2 ? draft.metrics.map((m) => ({ mention: m, drop: () => { draft.metrics = draft.metrics.filter((x) => x !== m) } })) : []),
    ...draft.groups.filter((g) => !g.absorbed && g.hits[0]?.target.kind === 'dimension' && g.hits[0].target.dim.type === 'entity')
      .map((g) => ({ mention: g as Mention, drop: () => { g.absorbed = true } })),
  ]
  for (const { mention: m, drop } of owners) {
    const before = items[m.at - 1]
    if (before?.kind !== 'word' || !OWNER_MARKERS.has(before.text.toLowerCase()) || !/s$/i.test(m.text)) continue
    const entity = nameStems(m.text).join('_')
    for (const g of draft.groups) {
      if (g.absorbed || (g as Mention) === m) continue
      const owned = g.hits.filter((h) => {
        if (h.target.kind !== 'dimension' || h.target.dim.type === 'entity') return false
        const path = h.target.name.split('__')
        return path.length >= 2 && path[path.length - 2] === entity
      })
      if (owned.length === 0) continue
      drop()
      // the owner named, the other entities' columns of the same name are no longer readings
      const best = Math.max(...g.hits.map((h) => h.quality))
      g.hits = owned.map((h) => ({ ...h, quality: Math.max(h.quality, best) }))
      return `"${before.text} ${m.text}" says whose ${g.text} it is (${owned[0].target.name}), not a count of ${m.text} or a breakdown by them`
    }
  }
  return undefined
}
