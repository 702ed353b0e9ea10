// What a question request asks: its words, or a confirmed interpretation of
// an earlier ambiguous question (a candidate id from an `ambiguous_question`
// answer), which runs as its structured plan. An interpretation may come
// without the question's words: then its own phrase ("Total sales
// (total_sales), by customer") is what history and the conversation record
// as asked, so the choice is remembered there and follow-ups build on it.
import { AppError } from '../../errors'
import { decodeInterpretation, describeQuery } from '../../../planner/offline/confidence-gate'
import type { SemanticQuery } from '../../../../semantic'

export interface Asked { question: string; semantic?: SemanticQuery }

export function asked(body: { question?: string; interpretation?: string }): Asked {
  if (body.interpretation === undefined) {
    if (body.question === undefined) throw new AppError('validation_error', 'question: is required (or interpretation)', [{ path: 'question', issue: 'required' }])
    return { question: body.question }
  }
  const semantic = decodeInterpretation(body.interpretation)
  if (!semantic) throw new AppError('validation_error', 'interpretation is not a candidate id from an ambiguous_question answer', [{ path: 'interpretation', issue: 'invalid' }])
  return { question: body.question ?? describeQuery(semantic), semantic }
}
