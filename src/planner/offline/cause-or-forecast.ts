// Questions a metric cannot answer however well its words match: "why did no-shows go up in May"
// asks for a cause, "what will net sales be next month" for a forecast. Read as plain metric
// questions they come back as a confident table of what happened, which answers neither; the
// planner refuses them instead. Stated in English only: a wh-word asking for a reason, and the
// future modal "will" (or "going to") about a quantity.
import { PlanningError } from '../planner'
import type { CatalogIndex } from './catalog-index'
import { tokenize } from './normalize'

/** "why did ...", "how come ...", "what caused/drove ...", "explain why ...": a question after a cause. */
const CAUSE = /^(?:(?:so|and|but|ok|okay|hey|please|can you tell me|tell me|explain|any idea|do you know)[\s,]+)*(?:why\b|how\s+come\b|what\s+(?:caused|causes|drove|drives|is\s+driving|was\s+driving|explains|explained)\b)/i
/**
 * "what will X be", "how many covers will we serve", "how much is X going to be": the future modal after a
 * question word about a quantity asks for a forecast ("will you show ..." is a request, not the future).
 */
const FORECAST = /\b(?:what|how\s+much|how\s+many|which)\b[^?.]*?\b(?:will(?!\s+(?:you|u)\b)|going\s+to\s+be)\b/i
/**
 * "will visits go up next month", "is churn going to rise": a yes/no question opening with the future modal
 * asks about the future just as much; read without it, it came back as a confident table of the period
 * named. "will you show ..." is a request, and "going to" needs the question to open with is/are.
 */
const FUTURE_YES_NO = /^(?:(?:so|and|but|ok|okay|hey|please)[\s,]+)*(?:will(?!\s+(?:you|u)\b)\b|(?:is|are)\b[^?.]*?\bgoing\s+to\b)/i

/** The refusal for a question after a cause or a forecast, or undefined. Names of the layer that use the words win. */
export function causeOrForecast(text: string, idx: CatalogIndex): PlanningError | undefined {
  const named = (word: string) => idx.terms.has(word) || tokenize(word).some((t) => idx.terms.has(t.stem))
  if (CAUSE.test(text.trim()) && !named('why')) {
    return new PlanningError('question_not_understood', 'The question asks why something happened; the data can show what happened (ask for the metric by period or by a dimension), not its cause', [
      { issue: 'a question about a cause' },
    ])
  }
  if ((FORECAST.test(text) || FUTURE_YES_NO.test(text.trim())) && !named('will')) {
    return new PlanningError('question_not_understood', 'The question asks for a forecast; the data holds what happened, not what will happen', [
      { issue: 'a question about the future' },
    ])
  }
  return undefined
}
