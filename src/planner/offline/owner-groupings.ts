// "cash collected by payment method", "pt revenue by member gender": an entity's word right
// before a word naming one of that entity's columns is the column's owner ("the payment's
// method"), not a second breakdown by every payment. When the entity is a grouping read on
// its own and the next word names a column the entity owns (`payment__pay_mthd`), the two are
// one grouping: the owner is absorbed and the column read through it. With no such column
// the pair stays as it was (and is doubted as two side-by-side groupings).
import type { Draft } from './interpret'
import { nameStems } from './normalize'

export function mergeOwnerGroupings(draft: Draft, supports: (dimName: string) => boolean): string[] {
  const notes: string[] = []
  const gs = draft.groups.filter((g) => !g.absorbed).sort((a, b) => a.at - b.at)
  for (let i = 1; i < gs.length; i++) {
    const owner = gs[i - 1]
    const column = gs[i]
    if (column.at !== owner.at + 1) continue
    // the owner word names an entity: read as the entity itself, or as a column on it ("trainer" → `trainer__trn_nm`)
    const word = nameStems(owner.text).join('_')
    const entities = new Set(owner.hits.flatMap((h) => (h.target.kind !== 'dimension' ? [] : h.target.dim.type === 'entity' ? [h.target.name.split('__').pop()!] : h.target.name.split('__').slice(0, -1))))
    if (!entities.has(word)) continue
    const entity = word
    const owned = column.hits.filter((h) => {
      if (h.target.kind !== 'dimension' || h.target.dim.type === 'entity' || !supports(h.target.name)) return false
      const path = h.target.name.split('__')
      return path.length >= 2 && path[path.length - 2] === entity
    })
    if (owned.length === 0) continue
    owner.absorbed = true
    const best = Math.max(...column.hits.map((h) => h.quality))
    column.hits = [...owned.map((h) => ({ ...h, quality: Math.max(h.quality, best) })), ...column.hits.filter((h) => !owned.includes(h))]
    notes.push(`"${owner.text} ${column.text}": the ${entity}'s ${column.text}, one grouping`)
  }
  return notes
}
