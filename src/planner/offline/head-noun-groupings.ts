// "enrollments by level" where a registration reaches the student's level (`stu_lvl_cd`, described
// "Level: UG = ...") and the course's level (`crs_lvl`): the one word is the head noun of both
// column names, and a description that happens to open with the word only makes one of them look
// better named. Each column whose name ends in the word (written out or abbreviated) is a reading.
// "enrollments by year" where the only column named "year" is a categorical class year (`cls_yr`):
// a bare grain word is as likely the calendar year of the metric's time, so that is a reading too.
import type { SemanticQuery } from '../../../semantic/types'
import { abbreviates } from './catalog-abbreviations'
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret'
import { GRAIN_NOUNS } from './lexicon'
import { nameStems, stem } from './normalize'
import { ownsWords } from './resolve'

/** Last name words that only say how a column is stored ("cd" of `stu_lvl_cd`), not what it is. */
const STORAGE_WORDS = new Set(['cd', 'code', 'nm', 'name', 'typ', 'flg', 'flag', 'id', 'ind', 'key', 'num', 'no'])

const leaf = (name: string) => name.slice(name.lastIndexOf('__') + 2)

/** The head noun of a column name: its last word that is not a storage word ("lvl" of `stu_lvl_cd`). */
export function columnHeadNoun(column: string): string | undefined {
  const words = nameStems(column)
  while (words.length > 1 && STORAGE_WORDS.has(words[words.length - 1])) words.pop()
  return words.length > 1 || !STORAGE_WORDS.has(words[0] ?? '') ? words[words.length - 1] : undefined
}

/** Whether a question word is the head noun of a column's name, written out or abbreviated. */
export function headNounOf(column: string, word: string): boolean {
  const head = columnHeadNoun(column)
  if (!head) return false
  const w = stem(word.toLowerCase())
  return head === w || abbreviates(head, w)
}

/** Words of the metrics' names that can say a column is theirs ("claim" of `claim_count`). */
function metricWords(metrics: string[]): Set<string> {
  return new Set(metrics.flatMap((m) => nameStems(m)).filter((w) => w.length >= 3 && !['count', 'total', 'sum', 'average', 'rate', 'amount', 'number', 'percent'].includes(w)))
}

/**
 * The entities whose rows the metrics count: a model's own entity lists its foreign keys under
 * itself (`reservation__guest`) and again on their own (`guest`); an entity reached through
 * another (`guest__club`) is not also listed alone.
 */
function ownEntities(idx: CatalogIndex, metrics: string[]): Set<string> {
  const out = new Set<string>()
  for (const m of metrics) {
    const dims = new Set(idx.metrics.get(m)?.dimensions ?? [])
    for (const d of dims) {
      const [owner, key, ...rest] = d.split('__')
      if (key && rest.length === 0 && idx.dimensions.get(d)?.type === 'entity' && dims.has(key)) out.add(owner)
    }
  }
  return out
}

/** Dimension names every metric of the plan can use. */
function shared(idx: CatalogIndex, metrics: string[]): string[] {
  let out: string[] | undefined
  for (const m of metrics) {
    const dims = idx.metrics.get(m)?.dimensions ?? []
    out = out ? out.filter((d) => dims.includes(d)) : [...dims]
  }
  return out ?? []
}

export function headNounGroupReadings(draft: Draft, query: SemanticQuery, idx: CatalogIndex, question: string): Array<{ query: SemanticQuery; why: string }> {
  const said = new Set(nameStems(question))
  const groups = (query.group_by ?? []).filter((g): g is string => typeof g === 'string')
  const out: Array<{ query: SemanticQuery; why: string }> = []
  for (const g of draft.groups) {
    const words = g.text.toLowerCase().split(/\s+/)
    if (g.absorbed || words.length !== 1) continue
    const picked = g.hits.map((h) => h.target.name).find((n) => groups.includes(n))
    const dim = picked ? idx.dimensions.get(picked) : undefined
    if (!picked || dim?.type !== 'categorical') continue
    const swap = (other: string) => ({ ...query, group_by: (query.group_by ?? []).map((x) => (x === picked ? other : x)) })
    const grain = GRAIN_NOUNS[words[0]]
    if (grain && grain !== 'hour' && idx.timeDimensions.length && shared(idx, query.metrics).includes('metric_time')) {
      out.push({ query: swap(`metric_time__${grain}`), why: `group by metric_time__${grain} instead of ${picked} ("${g.text}" is also a period)` })
      continue
    }
    // "claims by status" over `claim__claim_status`: the metric's own column is the natural reading
    // "no show rate by source": the metric's own row's column (`reservation__resv_src_cd`) is the natural reading
    if (ownEntities(idx, query.metrics).has(picked.split('__')[0]) && picked.split('__').length === 2) continue
    // "claims by adjuster region": the question names the entity the column hangs on
    if (picked.split('__').slice(0, -1).some((e) => nameStems(e).some((w) => said.has(w)))) continue
    if (!headNounOf(leaf(picked), words[0]) || ownsWords(dim, leaf(picked).toLowerCase().split('_'), metricWords(query.metrics))) continue
    const seen = new Set([leaf(picked)])
    for (const other of shared(idx, query.metrics)) {
      const d = idx.dimensions.get(other)
      if (d?.type !== 'categorical' || seen.has(leaf(other)) || groups.includes(other) || !headNounOf(leaf(other), words[0])) continue
      seen.add(leaf(other))
      out.push({ query: swap(other), why: `group by ${other} instead of ${picked} (both columns are named "${g.text}")` })
    }
  }
  return out
}
