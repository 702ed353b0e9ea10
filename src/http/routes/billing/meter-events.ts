import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, security } from '../../openapi'
import { MeterEventSchema, MeterEventsQuery } from './schema'
import { lineStream, ndjsonLine } from '../../line-stream'

const tags = ['Billing']

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

export function registerMeterEventsRoute(app: OpenAPIHono<AppEnv>) {
  app.openapi(eventsRoute, async (c) => {
    const { since } = c.req.valid('query')
    const events = c.get('services').billing.meterEvents(c.get('principal')!.tenantId, since)
    const body = lineStream(events, ndjsonLine)
    return c.body(body, 200, { 'Content-Type': 'application/x-ndjson' }) as never
  })
}
