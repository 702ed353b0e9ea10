// What a failed question means for the people reading the figures, decided
// once from its error code: usage analytics (counted in SQL over history) and
// the planner-outcome metric read the same lists, so "refused" is the same
// thing on a dashboard and in /analytics/usage.

/**
 * Failures that mean "the semantic layer could not ground this question": the
 * planner (offline or LLM) refused it, or a plan named something the layer
 * lacks. These are the gaps an admin fills with metrics, dimensions or
 * synonyms, so they are counted apart from failures of the database or the LLM.
 * (`sql_refused` is not one: the SQL guard refusing a statement is a failure.)
 */
export const REFUSAL_CODES = [
  'question_not_understood', 'unknown_metric', 'unknown_dimension', 'unknown_measure', 'llm_refused', 'llm_invalid_plan',
] as const
/** Failures that asked the person to choose between readings (422 ambiguous_question). */
export const CLARIFICATION_CODES = ['ambiguous_question'] as const

export type FailureOutcome = 'refused' | 'clarified' | 'failed'

export function failureOutcome(code: string | undefined): FailureOutcome {
  if (code && (REFUSAL_CODES as readonly string[]).includes(code)) return 'refused'
  if (code && (CLARIFICATION_CODES as readonly string[]).includes(code)) return 'clarified'
  return 'failed'
}
