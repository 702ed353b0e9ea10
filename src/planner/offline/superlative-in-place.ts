// "outstanding balance for borrowers in the top income band": a superlative after "in the" places the rows
// in the dimension's own top value (the highest band), as "in the first quarter" does; read as a ranking it
// answers which band has the most balance, another question. Both readings are English, so the plan that
// ranks is asked back, not given. A number after it ("in the top 5") makes it a ranking by the plan's metric.
import type { SemanticQuery } from '../../../semantic/types'
import { plainWords as words } from './normalize'

/** Words that place the rows ("in the top band"). */
const PLACING = new Set(['in', 'within', 'into'])
const SUPERLATIVES = new Set(['top', 'bottom', 'highest', 'lowest', 'upper', 'lower', 'best', 'worst'])

/** Why a ranking plan may misread a superlative that places rows in a dimension's own top value, or undefined. */
export function superlativeInPlace(question: string, query: SemanticQuery): string | undefined {
  if (query.limit === undefined || !query.order_by?.length) return undefined
  const said = words(question)
  for (let i = 2; i < said.length - 1; i++) {
    if (!SUPERLATIVES.has(said[i]) || said[i - 1] !== 'the' || !PLACING.has(said[i - 2])) continue
    if (/^\d/.test(said[i + 1])) continue
    return `"${said[i - 2]} the ${said[i]}" may place the rows in the highest value of the dimension itself, not rank by the metric`
  }
  return undefined
}
