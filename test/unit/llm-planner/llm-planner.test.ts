// The LLM planner end to end through the real SDK and the scripted server.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLlmPlanner, type LlmPlannerOptions } from '../../../src/planner/llm/llm-planner'
import { PlanningError, type Plan, type Turn } from '../../../src/planner/planner'
import { estimateTokens } from '../../../src/planner/retrieval'
import { reply, startFakeOpenAIServer, type ChatRequestBody, type FakeOpenAIServer } from '../../support/fake-openai-server'
import { answer, ctx, hugeCatalog, retailCatalog, signal } from './fixtures'

let llm: FakeOpenAIServer
beforeAll(async () => { llm = await startFakeOpenAIServer() })
afterAll(async () => { await llm.close() })
beforeEach(() => llm.reset())

const API_KEY = 'sk-test-planner-KEY-987654321'
const planner = (over: Partial<LlmPlannerOptions> = {}) =>
  createLlmPlanner({ apiKey: API_KEY, baseURL: llm.url, model: 'fake-model', timeoutMs: 2_000, maxRetries: 1, retryBaseDelayMs: 10, ...over })

async function planningError(p: Promise<unknown>): Promise<PlanningError> {
  try { await p } catch (err) {
    if (err instanceof PlanningError) return err
    throw err
  }
  throw new Error('expected a PlanningError')
}

/** Text of all messages of a recorded request. */
const textOf = (body: ChatRequestBody) => body.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n')
/** The JSON inside the first <data> block of the user message. */
function dataOf(body: ChatRequestBody): Record<string, any> {
  const user = body.messages.find((m) => m.role === 'user')!.content as string
  const m = /<data>\n([\s\S]*?)\n<\/data>/.exec(user)
  return JSON.parse(m![1])
}

const SALES_BY_REGION = answer({ metrics: ['total_sales'], group_by: [{ name: 'store__region', grain: null, date_part: null }] })

describe('LLM planner: valid answers', () => {
  it('turns a structured-output answer into a semantic plan with usage', async () => {
    llm.enqueue(reply.json(answer({
      metrics: ['total_sales'],
      group_by: [{ name: 'store__region', grain: null, date_part: null }, { name: 'metric_time', grain: 'month', date_part: null }],
      filters: [{ field: 'store__state', op: 'in', value: ['California', 'Texas'] }],
      time_constraint: { start: '2024-01-01', end: '2024-03-31' },
      order_by: [{ field: 'total_sales', descending: true }],
      limit: 5,
    }), { usage: { prompt_tokens: 1234, completion_tokens: 56 } }))
    const plan = await planner().plan('top 5 regions by sales monthly in California or Texas in Q1 2024', retailCatalog(), [], ctx(), signal())
    expect(plan).toMatchObject({
      kind: 'semantic',
      planner: 'llm',
      confidence: 0.9,
      query: {
        metrics: ['total_sales'],
        group_by: ['store__region', { name: 'metric_time', grain: 'month' }],
        filters: [{ field: 'store__state', op: 'in', value: ['California', 'Texas'] }],
        time_constraint: { start: '2024-01-01', end: '2024-03-31' },
        order_by: ['-total_sales'],
        limit: 5,
      },
      usage: { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290, model: 'fake-model' },
    })
    expect(plan.kind === 'semantic' && 'where' in plan.query).toBe(false)
  })

  it('asks for strict json_schema output restricted to the catalog names shown', async () => {
    llm.enqueue(reply.json(SALES_BY_REGION))
    await planner().plan('sales by region', retailCatalog(), [], ctx(), signal())
    const body = llm.requests[0].body
    expect(body.response_format?.type).toBe('json_schema')
    expect(body.response_format?.json_schema?.strict).toBe(true)
    const defs = (body.response_format!.json_schema!.schema as any).$defs
    expect(defs.metric_name.enum).toContain('total_sales')
    expect(defs.dimension_name.enum).toContain('store__region')
    expect((body.response_format!.json_schema!.schema as any).properties.kind.enum).toEqual(['semantic', 'cannot_answer'])
    expect(body.temperature).toBe(0)
    expect(body.max_completion_tokens).toBe(1200)
  })

  it('reads JSON from prose and a ```json fence when the server ignores json_schema', async () => {
    llm.enqueue(reply.fencedJson(SALES_BY_REGION))
    const plan = await planner().plan('sales by region', retailCatalog(), [], ctx(), signal())
    expect(plan.kind === 'semantic' && plan.query.group_by).toEqual(['store__region'])
  })

  it('uses a tool call in tool mode and reads its arguments', async () => {
    llm.enqueue(reply.toolCall(SALES_BY_REGION))
    const plan = await planner({ structuredOutput: 'tool' }).plan('sales by region', retailCatalog(), [], ctx(), signal())
    expect(plan.kind).toBe('semantic')
    const body = llm.requests[0].body
    expect(body.tools?.[0].function.name).toBe('submit_plan')
    expect(body.response_format).toBeUndefined()
  })

  it('normalises names the model wrote in another case or with a grain suffix', async () => {
    llm.enqueue(reply.json(answer({
      metrics: ['Total_Sales'],
      group_by: ['metric_time__quarter'],
      order_by: ['-metric_time__quarter'],
      filters: [{ field: 'order__is_online', op: '=', value: 'true' }],
    })))
    const plan = await planner().plan('quarterly online sales', retailCatalog(), [], ctx(), signal())
    expect(plan.kind === 'semantic' && plan.query).toEqual({
      metrics: ['total_sales'],
      group_by: [{ name: 'metric_time', grain: 'quarter' }],
      filters: [{ field: 'order__is_online', op: '=', value: true }],
      order_by: ['-metric_time__quarter'],
    })
  })

  it('calls ctx.validate with the plan before returning it', async () => {
    llm.enqueue(reply.json(SALES_BY_REGION))
    const validate = vi.fn()
    const plan = await planner().plan('sales by region', retailCatalog(), [], ctx({ validate }), signal())
    expect(validate).toHaveBeenCalledTimes(1)
    expect(validate.mock.calls[0][0]).toMatchObject({ kind: 'semantic', query: plan.kind === 'semantic' ? plan.query : {} })
  })

  it('gives the model today in the tenant time zone for relative dates', async () => {
    llm.enqueue(reply.json(SALES_BY_REGION))
    await planner().plan('sales last month', retailCatalog(), [], ctx({ now: new Date('2024-03-01T03:00:00Z'), timezone: 'America/Los_Angeles' }), signal())
    const data = dataOf(llm.requests[0].body)
    expect(data.today).toBe('2024-02-29')
    expect(data.weekday).toBe('Thursday')
    expect(data.timezone).toBe('America/Los_Angeles')
  })
})

describe('LLM planner: repair round', () => {
  it('repairs invalid JSON once, sending the error back', async () => {
    llm.enqueue(reply.text('{"kind": "semantic", "query": {"metrics": ["total_sales"'), reply.json(SALES_BY_REGION))
    const plan = await planner().plan('sales by region', retailCatalog(), [], ctx(), signal())
    expect(plan.kind).toBe('semantic')
    expect(llm.requests).toHaveLength(2)
    const second = llm.requests[1].body.messages
    expect(second[second.length - 2]).toMatchObject({ role: 'assistant' })
    expect(second[second.length - 1].role).toBe('user')
    expect(second[second.length - 1].content).toContain('not valid JSON')
    expect(plan.reasons.join(' ')).toContain('repaired once')
    expect(plan.usage!.total_tokens).toBe(240)
  })

  it('repairs unknown names with suggestions from the catalog', async () => {
    llm.enqueue(reply.json(answer({ metrics: ['total_sale'], group_by: [{ name: 'region', grain: null, date_part: null }] })), reply.json(SALES_BY_REGION))
    await planner().plan('sales by region', retailCatalog(), [], ctx(), signal())
    const repair = llm.requests[1].body.messages.at(-1)!.content as string
    expect(repair).toContain('unknown metric \\"total_sale\\"')
    expect(repair).toContain('\\"total_sales\\"')
    expect(repair).toContain('store__region')
  })

  it('fails with llm_invalid_plan and the summed usage when the repaired answer is still invalid', async () => {
    llm.enqueue(
      reply.json(answer({ metrics: ['profit'] }), { usage: { prompt_tokens: 1000, completion_tokens: 10 } }),
      reply.json(answer({ metrics: ['margin'] }), { usage: { prompt_tokens: 1100, completion_tokens: 12 } }),
    )
    const err = await planningError(planner().plan('profit by region', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_invalid_plan')
    expect(err.message).toContain('unknown metric "margin"')
    expect(err.details[0]).toMatchObject({ path: 'query.metrics.0' })
    expect(err.usage).toEqual({ prompt_tokens: 2100, completion_tokens: 22, total_tokens: 2122, model: 'fake-model' })
    expect(llm.requests).toHaveLength(2)
  })

  it('treats a truncated answer (finish_reason length) as invalid and repairs it', async () => {
    llm.enqueue(reply.truncated(SALES_BY_REGION), reply.json(SALES_BY_REGION))
    const plan = await planner().plan('sales by region', retailCatalog(), [], ctx(), signal())
    expect(plan.kind).toBe('semantic')
    expect(llm.requests[1].body.messages.at(-1)!.content).toContain('cut off')
  })

  it('treats complete JSON with finish_reason length as truncated too', async () => {
    llm.enqueue(reply.json(SALES_BY_REGION, { finishReason: 'length' }), reply.truncated(SALES_BY_REGION))
    const err = await planningError(planner().plan('sales by region', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_invalid_plan')
    expect(err.message).toContain('cut off')
  })

  it('feeds a compile error from ctx.validate back once, then returns the repaired plan', async () => {
    llm.enqueue(reply.json(answer({ metrics: ['store_headcount'], group_by: [{ name: 'store__state', grain: null, date_part: null }] })), reply.json(SALES_BY_REGION))
    const validate = vi.fn((plan: Plan) => {
      if (plan.kind === 'semantic' && plan.query.metrics.includes('store_headcount')) throw new Error('fan-out join: store_headcount cannot be joined to orders')
    })
    const plan = await planner().plan('sales by region', retailCatalog(), [], ctx({ validate }), signal())
    expect(plan.kind === 'semantic' && plan.query.metrics).toEqual(['total_sales'])
    expect(validate).toHaveBeenCalledTimes(2)
    expect(llm.requests[1].body.messages.at(-1)!.content).toContain('fan-out join: store_headcount')
  })

  it('answers 422 llm_invalid_plan when the compile check fails twice', async () => {
    llm.enqueue(reply.json(SALES_BY_REGION), reply.json(SALES_BY_REGION))
    const validate = () => { throw new Error('unsupported: region needs a join path') }
    const err = await planningError(planner().plan('sales by region', retailCatalog(), [], ctx({ validate }), signal()))
    expect(err.code).toBe('llm_invalid_plan')
    expect(err.message).toContain('region needs a join path')
  })

  it('rejects a group-by the metric cannot reach before compiling', async () => {
    llm.enqueue(reply.json(answer({ metrics: ['store_headcount'], group_by: [{ name: 'product__category', grain: null, date_part: null }] })), reply.json(answer({ metrics: ['store_headcount'] })))
    const plan = await planner().plan('staff by category', retailCatalog(), [], ctx(), signal())
    expect(llm.requests[1].body.messages.at(-1)!.content).toContain('cannot be grouped or filtered by')
    expect(plan.kind === 'semantic' && plan.query.group_by).toBeUndefined()
  })

  it.each([
    ['an invalid date', { metrics: ['total_sales'], time_constraint: { start: '2024-02-30', end: null } }, 'not an ISO date'],
    ['start after end', { metrics: ['total_sales'], time_constraint: { start: '2024-05-01', end: '2024-01-01' } }, 'start is after end'],
    ['a grain on a categorical dimension', { metrics: ['total_sales'], group_by: [{ name: 'store__region', grain: 'month', date_part: null }] }, 'not a time dimension'],
    ['a grain finer than available', { metrics: ['total_sales'], group_by: [{ name: 'metric_time', grain: 'hour', date_part: null }] }, 'not \\"hour\\"'],
    ['"in" without a list', { metrics: ['total_sales'], filters: [{ field: 'store__state', op: 'in', value: [] }] }, 'non-empty list'],
    ['a text value on a metric', { metrics: ['total_sales'], filters: [{ field: 'total_sales', op: '>', value: 'lots' }] }, 'not a number'],
    ['order by a field not in the query', { metrics: ['total_sales'], order_by: [{ field: 'customers', descending: true }] }, 'neither a metric of this query'],
    ['a zero limit', { metrics: ['total_sales'], limit: 0 }, 'limit must be between'],
    ['no metric', { metrics: [] }, 'at least one metric'],
    ['a where template', { metrics: ['total_sales'], where: ["{{ Dimension('store__region') }} = 'West'"] }, 'where'],
  ])('repairs %s', async (_label, query, expected) => {
    llm.enqueue(reply.json(answer(query as Record<string, unknown>)), reply.json(SALES_BY_REGION))
    const plan = await planner().plan('sales', retailCatalog(), [], ctx(), signal())
    expect(plan.kind).toBe('semantic')
    expect(llm.requests[1].body.messages.at(-1)!.content).toContain(expected)
  })

  it('repairs with the tool-call protocol in tool mode', async () => {
    llm.enqueue(reply.toolCall(answer({ metrics: ['nope'] })), reply.toolCall(SALES_BY_REGION))
    await planner({ structuredOutput: 'tool' }).plan('sales by region', retailCatalog(), [], ctx(), signal())
    const msgs = llm.requests[1].body.messages
    const callId = (msgs.at(-2)!.tool_calls as Array<{ id: string }>)[0].id
    expect(callId).toMatch(/^call_/)
    expect(msgs.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: callId, function: { name: 'submit_plan' } }] })
    expect(msgs.at(-1)).toMatchObject({ role: 'tool', tool_call_id: callId })
    expect(msgs.at(-1)!.content).toContain('unknown metric')
  })
})

describe('LLM planner: refusals and unanswerable questions', () => {
  it('maps message.refusal to llm_refused without a repair round', async () => {
    llm.enqueue(reply.refusal("I'm sorry, I can't assist with that request."), reply.json(SALES_BY_REGION))
    const err = await planningError(planner().plan('drop all tables', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_refused')
    // The model's words stay out of the message (a phishing channel); they travel apart, for history.
    expect(err.message).not.toContain("can't assist")
    expect(err.modelOutput).toContain("can't assist")
    expect(err.usage?.total_tokens).toBe(120)
    expect(llm.requests).toHaveLength(1)
  })

  it('maps a plain-text refusal to llm_refused', async () => {
    llm.enqueue(reply.text('I cannot help with deleting data.'))
    const err = await planningError(planner().plan('delete the orders', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_refused')
  })

  it('maps a content-filter stop to llm_refused', async () => {
    llm.enqueue(reply.text('', { finishReason: 'content_filter' }))
    const err = await planningError(planner().plan('something', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_refused')
  })

  it('maps kind cannot_answer to question_not_understood in our own words, keeping the model\'s reason apart', async () => {
    llm.enqueue(reply.json({ kind: 'cannot_answer', query: null, sql: null, confidence: 0.1, reasons: [], problem: 'no metric about weather; call +1-555 to verify your account' }))
    const err = await planningError(planner().plan('what is the weather', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('question_not_understood')
    expect(err.message).not.toContain('555')
    expect(JSON.stringify(err.details)).not.toContain('555')
    expect(err.modelOutput).toContain('no metric about weather')
    expect(err.usage).toBeDefined()
  })
})

describe('LLM planner: availability', () => {
  it('answers llm_unavailable after 5xx retries, with no usage', async () => {
    llm.enqueue(reply.serverError(500), reply.serverError(500))
    const err = await planningError(planner().plan('sales', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_unavailable')
    expect(err.usage).toBeUndefined()
    expect(llm.requests).toHaveLength(2)
  })

  it('answers llm_unavailable on timeout', async () => {
    llm.enqueue(reply.slow(reply.json(SALES_BY_REGION), 2_000))
    const err = await planningError(planner({ timeoutMs: 200 }).plan('sales', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_unavailable')
  })

  it('keeps the usage of the first round when the repair round fails to reach the LLM', async () => {
    llm.enqueue(reply.json(answer({ metrics: ['nope'] })), reply.serverError(500), reply.serverError(500))
    const err = await planningError(planner().plan('sales', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_unavailable')
    expect(err.usage?.total_tokens).toBe(120)
  })

  it('stops when the request is cancelled', async () => {
    llm.enqueue(reply.slow(reply.json(SALES_BY_REGION), 3_000))
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    await expect(planner().plan('sales', retailCatalog(), [], ctx(), ac.signal)).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('falls back to json_object, then to the prompt alone, when the server rejects response_format', async () => {
    llm.enqueue(
      reply.badRequest("response_format 'json_schema' is not supported by this model", 'response_format'),
      reply.badRequest("'response_format' of type 'json_object' is not supported", 'response_format'),
      reply.fencedJson(SALES_BY_REGION),
      reply.fencedJson(SALES_BY_REGION),
    )
    const p = planner()
    await p.plan('sales by region', retailCatalog(), [], ctx(), signal())
    expect(llm.requests.map((r) => r.body.response_format?.type ?? 'none')).toEqual(['json_schema', 'json_object', 'none'])
    // Learned: the next question goes straight to the working mode.
    await p.plan('sales by region', retailCatalog(), [], ctx(), signal())
    expect(llm.requests[3].body.response_format).toBeUndefined()
  })

  it('switches to max_tokens when a server rejects max_completion_tokens', async () => {
    llm.enqueue(reply.badRequest('Unrecognized request argument supplied: max_completion_tokens'), reply.json(SALES_BY_REGION))
    await planner().plan('sales by region', retailCatalog(), [], ctx(), signal())
    expect(llm.requests[1].body.max_tokens).toBe(1200)
    expect(llm.requests[1].body.max_completion_tokens).toBeUndefined()
  })

  it('answers llm_unavailable for a 400 it cannot adapt to', async () => {
    llm.enqueue(reply.badRequest("This model's maximum context length is 4096 tokens", 'messages', 'context_length_exceeded'))
    const err = await planningError(planner().plan('sales', retailCatalog(), [], ctx(), signal()))
    expect(err.code).toBe('llm_unavailable')
    expect(err.message).toContain('context_length_exceeded')
    expect(llm.requests).toHaveLength(1)
  })
})

describe('LLM planner: input checks', () => {
  it('refuses an empty question or an empty catalog without calling the LLM', async () => {
    expect((await planningError(planner().plan('   ', retailCatalog(), [], ctx(), signal()))).code).toBe('question_not_understood')
    expect((await planningError(planner().plan('sales', { metrics: [], dimensions: [] }, [], ctx(), signal()))).message).toContain('no metrics')
    expect((await planningError(planner().plan('x'.repeat(5_000), retailCatalog(), [], ctx(), signal()))).message).toContain('too long')
    expect(llm.requests).toHaveLength(0)
  })

  it('rejects a prompt budget too small to be useful', () => {
    expect(() => planner({ promptBudgetTokens: 500 })).toThrow(/at least 2000/)
  })
})

describe('LLM planner: prompt budget and follow-ups', () => {
  const budgetOf = (body: ChatRequestBody) => estimateTokens(textOf(body)) + estimateTokens(JSON.stringify(body.response_format ?? {}))

  it('keeps the request within promptBudgetTokens for a 2,000-item catalog, as for a small one', async () => {
    const budget = 6_000
    llm.enqueue(reply.json(SALES_BY_REGION), reply.json(SALES_BY_REGION))
    const p = planner({ promptBudgetTokens: budget })
    await p.plan('total sales by region in California', retailCatalog(), [], ctx(), signal())
    await p.plan('total sales by region in California', hugeCatalog(1_200, 800), [], ctx(), signal())
    const [small, big] = llm.requests.map((r) => r.body)
    expect(budgetOf(small)).toBeLessThanOrEqual(budget)
    expect(budgetOf(big)).toBeLessThanOrEqual(budget)
    expect(budgetOf(big)).toBeGreaterThan(budget * 0.8) // it used the room it had
    const catalog = dataOf(big).catalog
    expect(catalog.metrics.map((m: { name: string }) => m.name)).toContain('total_sales')
    expect(catalog.omitted.metrics).toBeGreaterThan(1_000)
  })

  it('validates names against the whole catalog, not only the excerpt shown', async () => {
    const big = hugeCatalog()
    const far = big.metrics[1_100].name
    llm.enqueue(reply.json(answer({ metrics: [far] })))
    const plan = await planner({ promptBudgetTokens: 3_000 }).plan('sales', big, [], ctx(), signal())
    expect(plan.kind === 'semantic' && plan.query.metrics).toEqual([far])
  })

  it('sends the conversation for follow-ups and keeps its names in the catalog excerpt', async () => {
    const big = hugeCatalog()
    const previousMetric = big.metrics[900].name
    const reachable = big.metrics[900].dimensions[1]
    const history: Turn[] = [
      { question: `${big.metrics[900].label} last month`, plan: { kind: 'semantic', planner: 'offline', confidence: 0.9, reasons: [], query: { metrics: [previousMetric], time_constraint: { start: '2024-04-01', end: '2024-04-30' } } } },
    ]
    llm.enqueue(reply.json(answer({ metrics: [previousMetric], group_by: [{ name: reachable, grain: null, date_part: null }], time_constraint: { start: '2024-04-01', end: '2024-04-30' } })))
    const plan = await planner({ promptBudgetTokens: 4_000 }).plan('and by region?', big, history, ctx(), signal())
    const data = dataOf(llm.requests[0].body)
    expect(data.conversation).toEqual([{ question: history[0].question, plan: { kind: 'semantic', query: history[0].plan.kind === 'semantic' ? history[0].plan.query : null } }])
    expect(data.catalog.metrics.map((m: { name: string }) => m.name)).toContain(previousMetric)
    expect(data.question).toBe('and by region?')
    expect(plan.kind === 'semantic' && plan.query.group_by).toEqual([reachable])
  })

  it('drops the oldest turns of a long conversation to stay within budget', async () => {
    const turn = (i: number): Turn => ({ question: `question ${i} ` + 'padding '.repeat(50), plan: { kind: 'semantic', planner: 'llm', confidence: 1, reasons: [], query: { metrics: ['total_sales'], filters: [{ field: 'store__state', op: 'in', value: Array.from({ length: 100 }, (_, k) => `State ${i}-${k}`) }] } } })
    const history = Array.from({ length: 6 }, (_, i) => turn(i))
    llm.enqueue(reply.json(SALES_BY_REGION))
    await planner({ promptBudgetTokens: 3_000 }).plan('and by region?', retailCatalog(), history, ctx(), signal())
    const data = dataOf(llm.requests[0].body)
    expect(data.conversation.length).toBeLessThan(6)
    expect(data.conversation.at(-1).question).toContain('question 5')
    expect(budgetOf(llm.requests[0].body)).toBeLessThanOrEqual(3_000)
  })
})
