// "severe incidents" over `sev_cd` ("Severity: 1 = minor, 2 = moderate, 3 = major"): the planner read
// "severe" as a cut of the column's name and, with no "by" before it, took the column as a breakdown.
// Two guesses are stacked there: that the word names the column at all, and that naming it asks for a
// breakdown. A word standing before its noun without a grouping word more often says what kind of
// thing is meant (one of the column's values, unnamed), so the plan is asked back, not answered.
// A breakdown asked for ("by sev", "top 5 ..."), or named by the layer's own word ("severity incidents"), stays.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { codeLegend } from './code-legend'
import type { GroupMention, Mention } from './interpret/draft'
import { nameStems } from './normalize'
import type { Item } from './segment'

export function guessedBareGrouping(groups: GroupMention[], items: Item[]): string | undefined {
  for (const g of groups) {
    if (g.marked || g.absorbed || g.grain) continue
    const it = items[g.at]
    if (it?.kind !== 'match' || it.corrected.length === 0) continue
    return `"${g.text}" was read as a cut of ${g.hits[0]?.target.name ?? 'a column'} and taken as a breakdown no "by" asks for; it may rather name one of its values`
  }
  return undefined
}

/**
 * "applications at the branch" read as the applications by `lo__brnch_nm` ("Branch name."), with no "by": the
 * word also opens a legend meaning of a column the plan's metrics reach (`chnl_cd`: "BR = branch walk-in"), so
 * the analyst as likely means the rows with that code. A breakdown no grouping word asks for is then a guess
 * between a column and a value, and the plan is asked back.
 */
export function legendWordGrouping(groups: GroupMention[], query: SemanticQuery, idx: CatalogIndex): string | undefined {
  for (const g of groups) {
    if (g.marked || g.absorbed || g.grain) continue
    const field = g.hits[0]?.target.name
    const said = nameStems(g.text)
    if (!field || said.length === 0) continue
    for (const d of idx.dimensions.values()) {
      if (d.name === field || d.name.split('__').pop() === field.split('__').pop()) continue
      if (!query.metrics.every((m) => idx.metrics.get(m)?.dimensions.includes(d.name))) continue
      const meaning = codeLegend(d.description).find(([, text]) => nameStems(text).slice(0, said.length).join(' ') === said.join(' '))
      if (meaning) return `"${g.text}" was taken as a breakdown by ${field} that no "by" asks for, and it opens the meaning of ${d.name} = ${meaning[0]} ("${meaning[1]}"): it may name those rows`
    }
  }
  return undefined
}

/** Little words that make a value out of a place noun ("In store", "at home", "on site"). */
const VALUE_PREPOSITIONS = new Set(['in', 'at', 'on', 'by', 'via', 'from', 'off'])

/**
 * "store sales ytd" read as the sales by store, with no "by" and "store" right before the metric: the layer's channel has the value "In store", a
 * preposition and the same noun, so "store sales" as likely names the sales made in stores. A breakdown no
 * grouping word asks for is then a guess between a column and a value of another column the plan's metrics
 * reach, and the plan is asked back.
 */
export function valueNounGrouping(groups: GroupMention[], metrics: Mention[], query: SemanticQuery, idx: CatalogIndex): string | undefined {
  for (const g of groups) {
    if (g.marked || g.absorbed || g.grain) continue
    // only the noun written as the metric's modifier ("store sales"); "stores with sales over 1m" lists the stores
    if (!metrics.some((m) => m.at === g.at + 1)) continue
    const field = g.hits[0]?.target.name
    const said = nameStems(g.text)
    if (!field || said.length === 0) continue
    for (const d of idx.dimensions.values()) {
      if (d.name === field || d.type !== 'categorical') continue
      if (!query.metrics.every((m) => idx.metrics.get(m)?.dimensions.includes(d.name))) continue
      const value = (d.sample_values ?? []).find((v) => {
        if (typeof v !== 'string') return false
        const words = v.toLowerCase().split(/\s+/)
        const stems = nameStems(v)
        return stems.length > said.length && stems.slice(-said.length).join(' ') === said.join(' ') && words.slice(0, words.length - said.length).every((w) => VALUE_PREPOSITIONS.has(w))
      })
      if (value !== undefined) return `"${g.text}" was taken as a breakdown by ${field} that no "by" asks for, and ${d.name} has the value "${String(value)}": it may name those rows`
    }
  }
  return undefined
}
