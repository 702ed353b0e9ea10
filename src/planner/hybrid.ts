// Hybrid planning and planner selection. The offline planner is instant and
// free, so it always goes first; the LLM is asked only when the offline plan
// is unsure, does not compile, or the question was not understood at all. When
// the LLM is down (or cannot produce a valid plan) an unsure offline plan is
// still better than an error, so it is returned with a reason saying why.
import type { Catalog } from '../../semantic/types'
import { PlanningError, type Plan, type Planner, type PlannerContext, type Turn } from './planner'
import { createLlmPlanner, type LlmPlannerOptions } from './llm/llm-planner'
import { gateConfidence } from './offline/confidence-gate'

export interface HybridPlannerOptions {
  offline: Planner
  llm: Planner
  /** Offline plans at or above this confidence are used without the LLM (default 0.75). */
  minConfidence?: number
}

export const DEFAULT_MIN_CONFIDENCE = 0.75

export function createHybridPlanner(options: HybridPlannerOptions): Planner {
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new Error('hybrid planner: minConfidence must be between 0 and 1')
  return {
    async plan(question: string, catalog: Catalog, history: Turn[], ctx: PlannerContext, signal: AbortSignal): Promise<Plan> {
      let offlinePlan: Plan | undefined
      let offlineError: PlanningError | undefined
      let why: string
      try {
        offlinePlan = await options.offline.plan(question, catalog, history, ctx, signal)
        why = `offline confidence ${offlinePlan.confidence.toFixed(2)} below ${minConfidence}`
      } catch (err) {
        if (!(err instanceof PlanningError) || err.code !== 'question_not_understood') throw err
        offlineError = err
        why = 'offline planner did not understand the question'
      }

      if (offlinePlan && offlinePlan.confidence >= minConfidence) {
        // A confident plan that does not compile is not worth returning when the LLM could do better.
        let compiles = true
        if (ctx.validate) {
          try { await ctx.validate(offlinePlan) } catch (err) {
            if (signal.aborted) throw err
            compiles = false
            why = `offline plan rejected: ${err instanceof Error ? err.message : String(err)}`
          }
        }
        if (compiles) return offlinePlan
      }

      try {
        const plan = await options.llm.plan(question, catalog, history, ctx, signal)
        return { ...plan, reasons: [...plan.reasons, `LLM used: ${why}`] }
      } catch (err) {
        if (signal.aborted || !(err instanceof PlanningError)) throw err
        const recoverable = err.code === 'llm_unavailable' || err.code === 'llm_invalid_plan'
        if (recoverable && offlinePlan) {
          // two readings are never settled by a guess, not even when the LLM is down: ask back
          if (offlinePlan.kind === 'semantic' && offlinePlan.alternatives?.length) gateConfidence(offlinePlan, minConfidence)
          return {
            ...offlinePlan,
            ...(err.usage ? { usage: err.usage } : {}),
            reasons: [...offlinePlan.reasons, `LLM not used (${err.code}: ${err.message}); offline plan kept`],
          }
        }
        if (err.code === 'llm_unavailable' && offlineError) {
          throw new PlanningError('llm_unavailable', `${err.message} The offline planner did not understand the question either: ${offlineError.message}`, offlineError.details, err.usage)
        }
        throw err
      }
    },
  }
}

export type PlannerMode = 'offline' | 'llm' | 'hybrid'

export interface PlannerConfig {
  mode: PlannerMode
  /** The offline planner (always available; used by 'offline' and 'hybrid'). */
  offline: Planner
  /** Required for 'llm' and 'hybrid'. */
  openai?: LlmPlannerOptions
  /** Hybrid threshold, and in offline mode the confidence below which a plan is refused or clarified (default 0.75). */
  minConfidence?: number
}

/** The planner for NEXATRON_PLANNER; config errors are thrown at startup, not per question. */
export function createPlannerFromConfig(config: PlannerConfig): Planner {
  if (config.mode === 'offline') {
    // no LLM to fall back on: below the threshold, refuse or ask back instead of answering
    const minConfidence = config.minConfidence ?? DEFAULT_MIN_CONFIDENCE
    const offline = config.offline
    return { plan: async (...args) => gateConfidence(await offline.plan(...args), minConfidence) }
  }
  if (!config.openai?.apiKey || !config.openai.model) {
    throw new Error(`NEXATRON_PLANNER=${config.mode} needs an LLM: set OPENAI_API_KEY and NEXATRON_LLM_MODEL (or use NEXATRON_PLANNER=offline)`)
  }
  const llm = createLlmPlanner(config.openai)
  if (config.mode === 'llm') return llm
  if (config.mode === 'hybrid') return createHybridPlanner({ offline: config.offline, llm, minConfidence: config.minConfidence })
  throw new Error(`unknown planner mode "${String(config.mode)}" (offline, llm or hybrid)`)
}
