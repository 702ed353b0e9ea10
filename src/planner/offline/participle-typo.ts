// "installment count on schedule" where `pmt_stat_cd` has "SCH = scheduled (not yet due)": the typo corrector read
// "schedule" as a misspelt "scheduled" and filtered the installments not yet due. A verb's bare form one letter
// short of the participle is as often a word of its own ("on schedule" is on time, "release", "complete"): read
// as the participle's code it is a guess, so the plan is a doubt. (Read as a metric word, "charge offs" for the
// "charged off" amount, the correction stays: a metric name is no narrower than the question.)
import type { SemanticQuery } from '../../../semantic/types'
import type { Item } from './segment'

export function participleTypoDoubt(items: Item[], query: SemanticQuery): string | undefined {
  for (const it of items) {
    if (it.kind !== 'match' || it.corrected.length === 0) continue
    const fix = it.corrected.find((c) => { const [from, to] = c.split('→'); return !!to && (to === `${from}d` || to === `${from}ed`) })
    if (!fix) continue
    const h = it.hits[0]
    if (h?.target.kind !== 'value') continue
    const { name, value } = h.target
    if (!(query.filters ?? []).some((f) => f.field === name && f.value === value)) continue
    return `"${fix.split('→')[0]}" read as "${fix.split('→')[1]}" for ${name} = ${String(value)}: the bare word may be a word of its own`
  }
  return undefined
}
