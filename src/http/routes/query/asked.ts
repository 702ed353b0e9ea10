// What a question request asks: its words, or a reading chosen earlier — a
// confirmed interpretation of an ambiguous question (a candidate id from an
// `ambiguous_question` answer) or a plan sent back as it was answered (a
// candidate's `plan`, an answer's `plan`) — which runs as its structured
// query, as POST /semantic/query would run it. A chosen reading may come
// without the question's words: then its own phrase ("Total sales
// (total_sales), by customer") is what history and the conversation record
// as asked, so the choice is remembered there and follow-ups build on it.
import { AppError } from '../../errors'
import { decodeInterpretation, describeQuery } from '../../../planner/offline/confidence-gate'
import { offsetMetric } from '../semantic/query-parts'
import type { SemanticQuery } from '../../../../semantic'

export interface Asked { question: string; semantic?: SemanticQuery }

type PlanQuery = Omit<SemanticQuery, 'offset_metrics'> & { offset_metrics?: Parameters<typeof offsetMetric>[0][] }
type PlanBody = PlanQuery | { kind: 'semantic'; query: PlanQuery }

/** A plan as sent (validated by the request schema): offset metrics checked like /semantic/query's, each listed in metrics. */
function planQuery(plan: PlanBody): SemanticQuery {
  const q = 'kind' in plan ? plan.query : plan
  const path = 'kind' in plan ? 'plan.query' : 'plan'
  const offsets = (q.offset_metrics ?? []).map((m, i) => offsetMetric(m, `${path}.offset_metrics.${i}`))
  const metrics = [...q.metrics, ...offsets.map((o) => o.alias).filter((a) => !q.metrics.includes(a))]
  return { ...q, metrics, ...(offsets.length ? { offset_metrics: offsets } : {}) } as SemanticQuery
}

export function asked(body: { question?: string; interpretation?: string; plan?: PlanBody }): Asked {
  if (body.interpretation !== undefined && body.plan !== undefined) {
    throw new AppError('validation_error', 'send interpretation or plan, not both', [{ path: 'plan', issue: 'with_interpretation' }])
  }
  if (body.plan !== undefined) {
    const semantic = planQuery(body.plan)
    return { question: body.question ?? describeQuery(semantic), semantic }
  }
  if (body.interpretation === undefined) {
    if (body.question === undefined) throw new AppError('validation_error', 'question: is required (or interpretation, or plan)', [{ path: 'question', issue: 'required' }])
    return { question: body.question }
  }
  const semantic = decodeInterpretation(body.interpretation)
  if (!semantic) throw new AppError('validation_error', 'interpretation is not a candidate id from an ambiguous_question answer', [{ path: 'interpretation', issue: 'invalid' }])
  return { question: body.question ?? describeQuery(semantic), semantic }
}
