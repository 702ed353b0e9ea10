// The LLM planner: question → semantic query through an OpenAI-compatible
// model, grounded in the catalog. One request, at most one repair round with
// the error, then a plan or a PlanningError:
//   llm_unavailable  (503) the model could not be reached / kept failing
//   llm_refused      (422) the model declined (refusal, content filter)
//   llm_invalid_plan (422) still no valid plan after the repair round
//   question_not_understood (422) the model says the catalog cannot answer
// Raw SQL plans exist only when the connection allows them, and even then
// they go through ctx.validate (the runner's guard) like every plan.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import type { Catalog } from '../../../semantic/types'
import { PlanningError, type LlmUsage, type Plan, type Planner, type PlannerContext, type Turn } from '../planner'
import { createChatClient, abortError, LlmRequestRejectedError, LlmResponseTooLargeError, type ChatClient, type ChatClientOptions, type ChatParams } from './chat-client'
import { groundAnswer, InvalidAnswerError, parseAnswer, type Issue } from './ground-answer'
import { buildPrompt, repairMessage } from './prompt'
import { PLAN_TOOL_NAME, readCompletion, type CompletionReading } from './read-completion'

/** How the answer's structure is requested from the server. */
export type StructuredOutputMode = 'json_schema' | 'tool' | 'json_object' | 'none'

export interface LlmPlannerOptions extends ChatClientOptions {
  /** Upper bound of the first request (rules, catalog excerpt, conversation, question, schema), in estimated tokens (default 8 000). */
  promptBudgetTokens?: number
  /** Completion token cap (default 1 200). */
  maxOutputTokens?: number
  /** Sampling temperature (default 0); null sends none (some reasoning models reject it). */
  temperature?: number | null
  /** Default 'json_schema'. Falls back on its own to json_object, then prompt-only, when the server rejects it. */
  structuredOutput?: StructuredOutputMode
  /** Conversation turns sent for follow-ups (default 6). */
  maxHistoryTurns?: number
  /** Longest question accepted (default 2 000 characters). */
  maxQuestionChars?: number
  /** Largest `limit` a plan may carry (default 100 000). */
  maxLimit?: number
  /** A ready transport (tests, shared clients); otherwise one is built from the options. */
  client?: ChatClient
}

export const LLM_PLANNER_DEFAULTS = {
  promptBudgetTokens: 8_000,
  maxOutputTokens: 1_200,
  temperature: 0,
  structuredOutput: 'json_schema' as StructuredOutputMode,
  maxQuestionChars: 2_000,
} as const

const MIN_BUDGET = 2_000

/** Request features a server may reject; learned once per planner, then not sent again. */
interface Compat {
  mode: StructuredOutputMode
  tokensParam: 'max_completion_tokens' | 'max_tokens'
  temperature: boolean
}

class UsageMeter {
  prompt = 0
  completion = 0
  total = 0
  model: string
  calls = 0
  constructor(model: string) { this.model = model }
  add(u: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | undefined | null, model?: string) {
    this.calls++
    if (model) this.model = model
    if (!u) return
    const p = u.prompt_tokens ?? 0
    const c = u.completion_tokens ?? 0
    this.prompt += p
    this.completion += c
    this.total += u.total_tokens ?? p + c
  }
  get(): LlmUsage | undefined {
    if (!this.calls) return undefined
    return { prompt_tokens: this.prompt, completion_tokens: this.completion, total_tokens: this.total, model: this.model }
  }
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s
}

/** Same error, with the usage so far attached (PlanningError's fields are readonly). */
function withUsage(err: PlanningError, usage: LlmUsage | undefined): PlanningError {
  if (!usage || err.usage) return err
  return new PlanningError(err.code, err.message, err.details, usage, err.modelOutput)
}

export function createLlmPlanner(options: LlmPlannerOptions): Planner {
  const budget = options.promptBudgetTokens ?? LLM_PLANNER_DEFAULTS.promptBudgetTokens
  if (budget < MIN_BUDGET) throw new Error(`LLM planner: promptBudgetTokens must be at least ${MIN_BUDGET}`)
  const maxOutputTokens = options.maxOutputTokens ?? LLM_PLANNER_DEFAULTS.maxOutputTokens
  const temperature = options.temperature === undefined ? LLM_PLANNER_DEFAULTS.temperature : options.temperature
  const maxQuestionChars = options.maxQuestionChars ?? LLM_PLANNER_DEFAULTS.maxQuestionChars
  const client = options.client ?? createChatClient(options)
  const compat: Compat = {
    mode: options.structuredOutput ?? LLM_PLANNER_DEFAULTS.structuredOutput,
    tokensParam: 'max_completion_tokens',
    temperature: temperature !== null,
  }

  function params(messages: ChatCompletionMessageParam[], schema: Record<string, unknown>): ChatParams {
    const p: ChatParams = { messages }
    if (compat.tokensParam === 'max_completion_tokens') p.max_completion_tokens = maxOutputTokens
    else p.max_tokens = maxOutputTokens
    if (compat.temperature && temperature !== null) p.temperature = temperature
    if (compat.mode === 'json_schema') {
      p.response_format = { type: 'json_schema', json_schema: { name: 'semantic_plan', description: 'A plan for the question over the semantic layer', strict: true, schema } }
    } else if (compat.mode === 'tool') {
      p.tools = [{ type: 'function', function: { name: PLAN_TOOL_NAME, description: 'Submit the plan for the question.', parameters: schema, strict: true } }]
      p.tool_choice = { type: 'function', function: { name: PLAN_TOOL_NAME } }
    } else if (compat.mode === 'json_object') {
      p.response_format = { type: 'json_object' }
    }
    return p
  }

  /** Adapts to a server that rejected a request feature; false when nothing is left to adapt. */
  function adapt(err: LlmRequestRejectedError): boolean {
    const about = `${err.param ?? ''} ${err.message}`.toLowerCase()
    if (compat.tokensParam === 'max_completion_tokens' && about.includes('max_completion_tokens')) { compat.tokensParam = 'max_tokens'; return true }
    if (compat.temperature && about.includes('temperature')) { compat.temperature = false; return true }
    if (compat.mode === 'tool' && /tool/.test(about)) { compat.mode = 'json_object'; return true }
    if (compat.mode === 'json_schema' && /response_format|json_schema|structured output|strict/.test(about)) { compat.mode = 'json_object'; return true }
    if (compat.mode === 'json_object' && /response_format|json_object/.test(about)) { compat.mode = 'none'; return true }
    return false
  }

  async function call(messages: ChatCompletionMessageParam[], schema: Record<string, unknown>, meter: UsageMeter, signal: AbortSignal): Promise<CompletionReading> {
    for (let adaptations = 0; ; adaptations++) {
      try {
        const completion = await client.complete(params(messages, schema), signal)
        meter.add(completion.usage, completion.model)
        return readCompletion(completion)
      } catch (err) {
        if (err instanceof LlmRequestRejectedError) {
          if (adaptations < 4 && adapt(err)) continue
          const label = err.code ? `${err.status} ${err.code}` : String(err.status)
          throw new PlanningError('llm_unavailable', `The LLM provider rejected the request (${label}): ${err.message}`)
        }
        if (err instanceof LlmResponseTooLargeError) {
          // Counts as an unusable answer: the model gets its repair round.
          return { type: 'invalid', error: `${err.message}; answer with one short JSON object`, raw: '' }
        }
        throw err
      }
    }
  }

  /** The assistant turn echoed back before the repair message (tool answers need the tool-call protocol). */
  function repairTurns(reading: CompletionReading, error: string): ChatCompletionMessageParam[] {
    const raw = reading.type === 'refusal' ? reading.text : clip(reading.raw, 4_000)
    const toolCallId = reading.type === 'refusal' ? undefined : reading.toolCallId
    if (toolCallId) {
      return [
        { role: 'assistant', content: null, tool_calls: [{ id: toolCallId, type: 'function', function: { name: PLAN_TOOL_NAME, arguments: raw } }] },
        { role: 'tool', tool_call_id: toolCallId, content: repairMessage(error) },
      ]
    }
    return [
      { role: 'assistant', content: raw || '(no answer)' },
      { role: 'user', content: repairMessage(error) },
    ]
  }

  return {
    async plan(question: string, catalog: Catalog, history: Turn[], ctx: PlannerContext, signal: AbortSignal): Promise<Plan> {
      if (signal.aborted) throw abortError(signal)
      const q = question.trim()
      if (!q) throw new PlanningError('question_not_understood', 'The question is empty.', [{ path: 'question', issue: 'empty' }])
      if (q.length > maxQuestionChars) {
        throw new PlanningError('question_not_understood', `The question is too long for the LLM planner (${q.length} characters; at most ${maxQuestionChars}).`, [{ path: 'question', issue: 'too_long' }])
      }
      if (!catalog.metrics.length) {
        throw new PlanningError('question_not_understood', 'The semantic layer of this connection has no metrics yet; define or import metrics first.', [{ issue: 'empty_catalog' }])
      }

      const prompt = buildPrompt(q, catalog, history, ctx, { budgetTokens: budget, maxHistoryTurns: options.maxHistoryTurns, sendsSchema: compat.mode === 'json_schema' || compat.mode === 'tool' })
      const meter = new UsageMeter(client.model)
      let messages = prompt.messages
      let lastError = ''
      let lastDetails: Issue[] = []
      let repairedAfter: string | undefined

      for (let round = 0; round < 2; round++) {
        let reading: CompletionReading
        try {
          reading = await call(messages, prompt.schema, meter, signal)
        } catch (err) {
          if (err instanceof PlanningError) throw withUsage(err, meter.get())
          throw err
        }
        if (reading.type === 'refusal') {
          // Our own words for the client; the model's text only goes to history (admins).
          throw new PlanningError('llm_refused', 'The LLM declined to plan this question. Ask about the metrics and dimensions of this connection, or rephrase the question.', [{ issue: 'refused' }], meter.get(), reading.text)
        }
        try {
          if (reading.type === 'invalid') throw new InvalidAnswerError(reading.error)
          const answer = parseAnswer(reading.value)
          const body = groundAnswer(answer, catalog, { allowRawSql: ctx.allowRawSql, maxLimit: options.maxLimit })
          const plan: Plan = repairedAfter ? { ...body, reasons: [...body.reasons, `plan repaired once after: ${clip(repairedAfter, 200)}`] } : body
          if (signal.aborted) throw abortError(signal)
          if (ctx.validate) {
            try {
              await ctx.validate(plan)
            } catch (err) {
              if (signal.aborted) throw abortError(signal)
              const what = plan.kind === 'sql' ? 'the SQL was rejected' : 'the plan was rejected by the compiler'
              const message = err instanceof Error ? err.message : String(err)
              const details = (err as { details?: Issue[] }).details
              throw new InvalidAnswerError(`${what}: ${clip(message, 1_000)}`, Array.isArray(details) && details.length ? details : [{ issue: clip(message, 300) }])
            }
          }
          const usage = meter.get()
          return usage ? { ...plan, usage } : plan
        } catch (err) {
          if (err instanceof PlanningError) throw withUsage(err, meter.get())
          if (!(err instanceof InvalidAnswerError)) throw err
          lastError = err.message
          lastDetails = err.details
          if (round === 0) {
            repairedAfter = err.message
            messages = [...prompt.messages, ...repairTurns(reading, err.message)]
          }
        }
      }
      throw new PlanningError(
        'llm_invalid_plan',
        `The LLM did not produce a valid plan, even after one repair round: ${clip(lastError, 600)}`,
        lastDetails.length ? lastDetails : [{ issue: clip(lastError, 300) }],
        meter.get(),
      )
    },
  }
}
