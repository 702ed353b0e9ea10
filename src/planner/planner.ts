// The planner seam: a question becomes a plan grounded in the catalog.
import type { Catalog, SemanticQuery } from '../../semantic/types'

/** One earlier turn of a conversation, oldest first. */
export interface Turn {
  question: string
  plan: Plan
}

export interface PlannerContext {
  /** IANA time zone of the tenant (relative dates resolve in it). Default UTC. */
  timezone: string
  /** The clock; tests pin it. */
  now: Date
  /** Whether the connection allows raw SQL written by an LLM (still guarded). */
  allowRawSql: boolean
  /** SQL dialect of the connection (for raw SQL plans). */
  dialect: string
  /**
   * Checks a plan against the catalog and the compiler (unknown names, fan-out,
   * invalid filters). Throws an Error whose message says what is wrong; the LLM
   * planner feeds that message back for its single repair round.
   */
  validate?: (plan: Plan) => void | Promise<void>
}

export interface LlmUsage { prompt_tokens: number; completion_tokens: number; total_tokens: number; model: string }

export type Plan =
  | {
      kind: 'semantic'
      query: SemanticQuery
      /** 0..1: how sure the planner is that it understood the whole question. */
      confidence: number
      /** Human-readable reasons: what each part of the question was grounded to. */
      reasons: string[]
      planner: 'offline' | 'llm'
      usage?: LlmUsage
      /** Other plausible readings (offline planner); with any, the plan is not confident and a clarification offers them all. */
      alternatives?: Array<{ query: SemanticQuery; why: string }>
    }
  | {
      kind: 'sql'
      sql: string
      confidence: number
      reasons: string[]
      planner: 'llm'
      usage?: LlmUsage
    }

export interface Planner {
  plan(question: string, catalog: Catalog, history: Turn[], ctx: PlannerContext, signal: AbortSignal): Promise<Plan>
}

/**
 * Thrown when the question cannot be grounded. Maps to 422
 * `question_not_understood` with `details` naming what was not understood and
 * close names as suggestions, or to 422 `ambiguous_question` (offline-only
 * mode below the confidence threshold) with `details[0].candidates`.
 */
export class PlanningError extends Error {
  constructor(
    readonly code: 'question_not_understood' | 'ambiguous_question' | 'llm_invalid_plan' | 'llm_unavailable' | 'llm_refused',
    message: string,
    readonly details: Array<{ path?: string; issue: string; suggestions?: string[] }> = [],
    readonly usage?: LlmUsage,
    /**
     * The model's own words (a refusal), kept out of `message`: they go to the
     * history record for admins only, never to the client (a model can be
     * steered into writing phishing text).
     */
    readonly modelOutput?: string,
  ) {
    super(message)
    this.name = 'PlanningError'
  }
}
