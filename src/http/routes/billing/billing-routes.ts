import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { monthOf } from '../../../billing/plans'
import { MeterEventSchema, MeterEventsQuery, PlanSchema, UsageQuery, UsageSchema } from './schema'

const tags = ['Billing']

const planRoute = createRoute({
  method: 'get', path: '/api/v1/billing/plan', operationId: 'getBillingPlan', tags, security, middleware: [requireScope(null)],
  summary: "The tenant's plan, its limits, and what this period has used",
  responses: { 200: jsonResponse(PlanSchema, 'The plan'), ...errorResponses() },
})

const usageRoute = createRoute({
  method: 'get', path: '/api/v1/billing/usage', operationId: 'getBillingUsage', tags, security, middleware: [requireScope('billing:read')],
  summary: 'Metered units (queries, rows, LLM tokens) per day of a month',
  request: { query: UsageQuery },
  responses: { 200: jsonResponse(UsageSchema, 'Usage of the month'), ...errorResponses() },
})

const eventsRoute = createRoute({
  method: 'get', path: '/api/v1/billing/meter-events', operationId: 'listMeterEvents', tags, security, middleware: [requireScope('billing:read')],
  summary: 'Meter events since an instant, as NDJSON (Stripe meter-event shape), for an external billing system',
  description: 'One event per line, oldest first, streamed. Each `identifier` is stable and unique: send it as the idempotency identifier, and replaying an export never bills twice. Queries are metered when admitted; rows and LLM tokens when the answer has been sent.',
  request: { query: MeterEventsQuery },
  responses: {
    200: { description: 'Events, one JSON object per line', content: { 'application/x-ndjson': { schema: MeterEventSchema } } },
    ...errorResponses(),
  },
})

export function registerBillingRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(planRoute, async (c) => {
    const { billing } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    const now = new Date()
    const { start, end } = monthOf(now)
    const [plan, used, capacity] = await Promise.all([billing.planOf(tenantId), billing.monthUsage(tenantId, now), billing.capacityUsed(tenantId)])
    return c.json({ name: plan.name, limits: plan.limits, usage: { ...used, ...capacity }, period_start: start.toISOString(), period_end: end.toISOString() }, 200)
  })

  app.openapi(usageRoute, async (c) => {
    const period = c.req.valid('query').period ?? monthOf(new Date()).period
    return c.json(await c.get('services').billing.usage(c.get('principal')!.tenantId, period), 200)
  })

  app.openapi(eventsRoute, async (c) => {
    const { since } = c.req.valid('query')
    const events = c.get('services').billing.meterEvents(c.get('principal')!.tenantId, since)
    const encoder = new TextEncoder()
    // Pulled as the client reads: one batch in memory whatever the export's size.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await events.next()
        if (next.done) controller.close()
        else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`))
      },
      async cancel() { await events.return(undefined) },
    })
    return c.body(body, 200, { 'Content-Type': 'application/x-ndjson' }) as never
  })
}
