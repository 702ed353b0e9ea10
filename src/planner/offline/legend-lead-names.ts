// `purp_cd` described "Stated loan purpose: DC = debt consolidation, HI = home improvement, ...": a code
// column's legend opens with the column's name in words, before the colon, and analysts say it without a
// leading participle that only says how the value was got ("stated", "reported"). The lead phrase (two to
// four words, no verb after its first word) names the column, and so does the phrase without that
// participle; catalog-index adds them only where no name of the layer uses the same words.
import { codeLegend } from './code-legend'
import { nameStems } from './normalize'

const CLAUSE_WORDS = new Set(['the', 'a', 'an', 'was', 'is', 'are', 'were', 'has', 'when', 'which', 'that', 'who', 'where'])

/** The names a legend's lead phrase gives its column, as stems; none without a legend. */
export function legendLeadNames(description: string | undefined): string[][] {
  if (!description || codeLegend(description).length === 0) return []
  const lead = /^\s*([A-Za-z][A-Za-z -]*?)\s*:/.exec(description)?.[1]
  if (!lead) return []
  const words = lead.toLowerCase().split(/[\s-]+/).filter(Boolean)
  if (words.length < 2 || words.length > 4 || words.some((w) => CLAUSE_WORDS.has(w)) || words.slice(1).some((w) => /(?:ing|ed)$/.test(w))) return []
  const out: string[][] = [nameStems(words.join(' '))]
  if (/ed$/.test(words[0]) && words.length >= 3) out.push(nameStems(words.slice(1).join(' ')))
  return out.filter((s) => s.length >= 2)
}
