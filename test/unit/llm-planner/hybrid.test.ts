import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHybridPlanner, createPlannerFromConfig } from '../../../src/planner/hybrid'
import { PlanningError, type Plan, type Planner } from '../../../src/planner/planner'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fake-openai-server'
import { answer, ctx, retailCatalog, signal } from './fixtures'

const offlinePlan = (confidence: number): Plan => ({ kind: 'semantic', planner: 'offline', confidence, reasons: ['offline'], query: { metrics: ['order_count'] } })
const fakePlanner = (impl: () => Promise<Plan>): Planner & { plan: ReturnType<typeof vi.fn> } => ({ plan: vi.fn(impl) })
const llmPlan: Plan = { kind: 'semantic', planner: 'llm', confidence: 0.8, reasons: ['llm'], query: { metrics: ['total_sales'] }, usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, model: 'm' } }
const run = (p: Planner, validate?: (plan: Plan) => void) => p.plan('q', retailCatalog(), [], ctx({ validate }), signal())

describe('hybrid planner', () => {
  it('uses a confident offline plan without calling the LLM', async () => {
    const llm = fakePlanner(async () => llmPlan)
    const plan = await run(createHybridPlanner({ offline: fakePlanner(async () => offlinePlan(0.9)), llm, minConfidence: 0.75 }))
    expect(plan.planner).toBe('offline')
    expect(llm.plan).not.toHaveBeenCalled()
  })

  it('asks the LLM when the offline plan is below the threshold', async () => {
    const llm = fakePlanner(async () => llmPlan)
    const plan = await run(createHybridPlanner({ offline: fakePlanner(async () => offlinePlan(0.5)), llm, minConfidence: 0.75 }))
    expect(plan.planner).toBe('llm')
    expect(plan.reasons.at(-1)).toContain('offline confidence 0.50 below 0.75')
  })

  it('asks the LLM when the offline planner did not understand the question', async () => {
    const offline = fakePlanner(async () => { throw new PlanningError('question_not_understood', 'no metric found') })
    const plan = await run(createHybridPlanner({ offline, llm: fakePlanner(async () => llmPlan) }))
    expect(plan.planner).toBe('llm')
  })

  it('asks the LLM when a confident offline plan does not compile', async () => {
    const validate = (p: Plan) => { if (p.planner === 'offline') throw new Error('fan-out join') }
    const plan = await run(createHybridPlanner({ offline: fakePlanner(async () => offlinePlan(0.95)), llm: fakePlanner(async () => llmPlan) }), validate)
    expect(plan.planner).toBe('llm')
    expect(plan.reasons.at(-1)).toContain('fan-out join')
  })

  it('keeps an unsure offline plan when the LLM is unavailable, with the LLM usage', async () => {
    const llm = fakePlanner(async () => { throw new PlanningError('llm_unavailable', 'down', [], { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1, model: 'm' }) })
    const plan = await run(createHybridPlanner({ offline: fakePlanner(async () => offlinePlan(0.4)), llm }))
    expect(plan.planner).toBe('offline')
    expect(plan.reasons.at(-1)).toContain('llm_unavailable')
    expect(plan.usage?.total_tokens).toBe(1)
  })

  it('passes an LLM refusal through even when an unsure offline plan exists', async () => {
    const llm = fakePlanner(async () => { throw new PlanningError('llm_refused', 'no') })
    await expect(run(createHybridPlanner({ offline: fakePlanner(async () => offlinePlan(0.4)), llm }))).rejects.toMatchObject({ code: 'llm_refused' })
  })

  it('reports llm_unavailable with the offline details when neither planner can answer', async () => {
    const offline = fakePlanner(async () => { throw new PlanningError('question_not_understood', 'no metric found', [{ issue: 'unknown word "zorp"', suggestions: ['orders'] }]) })
    const llm = fakePlanner(async () => { throw new PlanningError('llm_unavailable', 'The LLM server could not be reached.') })
    const err = (await run(createHybridPlanner({ offline, llm })).catch((e: unknown) => e)) as PlanningError
    expect(err.code).toBe('llm_unavailable')
    expect(err.message).toContain('offline planner did not understand')
    expect(err.details[0].suggestions).toEqual(['orders'])
  })

  it('propagates unexpected offline errors', async () => {
    const offline = fakePlanner(async () => { throw new TypeError('bug') })
    await expect(run(createHybridPlanner({ offline, llm: fakePlanner(async () => llmPlan) }))).rejects.toThrow('bug')
  })
})

describe('createPlannerFromConfig', () => {
  let llm: FakeOpenAIServer
  beforeAll(async () => { llm = await startFakeOpenAIServer() })
  afterAll(async () => { await llm.close() })
  beforeEach(() => llm.reset())
  const openai = () => ({ apiKey: 'sk-x', baseURL: llm.url, model: 'fake-model', maxRetries: 0 })

  it('answers with the offline planner in offline mode when it is confident', async () => {
    const offline = fakePlanner(async () => offlinePlan(0.9))
    const plan = await createPlannerFromConfig({ mode: 'offline', offline }).plan('q', retailCatalog(), [], ctx(), signal())
    expect(plan.confidence).toBe(0.9)
    expect(offline.plan).toHaveBeenCalledOnce()
  })

  it('asks back instead of answering below the threshold in offline mode (no LLM to fall back on)', async () => {
    const offline = fakePlanner(async () => offlinePlan(0.47))
    const planner = createPlannerFromConfig({ mode: 'offline', offline, minConfidence: 0.75 })
    const err = await planner.plan('q', retailCatalog(), [], ctx(), signal()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PlanningError)
    expect((err as PlanningError).code).toBe('ambiguous_question')
    const d = (err as PlanningError).details[0] as { candidates?: Array<{ id: string; phrase: string; plan: unknown }> }
    expect(d.candidates?.[0]).toMatchObject({ phrase: 'Order count (order_count)', plan: { metrics: ['order_count'] } })
  })

  it('refuses below the threshold in offline mode when words were left unexplained', async () => {
    const offline = fakePlanner(async () => ({ ...offlinePlan(0.6), reasons: ['offline', 'ignored "net"'] }))
    const err = await createPlannerFromConfig({ mode: 'offline', offline }).plan('q', retailCatalog(), [], ctx(), signal()).catch((e: unknown) => e)
    expect((err as PlanningError).code).toBe('question_not_understood')
    expect((err as PlanningError).message).toMatch(/"net"/)
  })

  it('refuses llm or hybrid mode without an API key and model', () => {
    const offline = fakePlanner(async () => offlinePlan(1))
    expect(() => createPlannerFromConfig({ mode: 'llm', offline })).toThrow(/OPENAI_API_KEY/)
    expect(() => createPlannerFromConfig({ mode: 'hybrid', offline, openai: { apiKey: 'k', model: '' } })).toThrow(/NEXATRON_LLM_MODEL/)
  })

  it('builds a working LLM planner in llm mode', async () => {
    llm.enqueue(reply.json(answer({ metrics: ['total_sales'] })))
    const p = createPlannerFromConfig({ mode: 'llm', offline: fakePlanner(async () => offlinePlan(1)), openai: openai() })
    expect((await run(p)).planner).toBe('llm')
  })

  it('builds a hybrid planner that reaches the LLM when offline is unsure', async () => {
    llm.enqueue(reply.json(answer({ metrics: ['total_sales'] })))
    const p = createPlannerFromConfig({ mode: 'hybrid', offline: fakePlanner(async () => offlinePlan(0.2)), openai: openai(), minConfidence: 0.6 })
    expect((await run(p)).planner).toBe('llm')
    expect(llm.requests).toHaveLength(1)
  })
})
