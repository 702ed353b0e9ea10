import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { stream } from 'hono/streaming'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { cacheHeader, QueryRequestSchema, QueryResultSchema, QueuedSchema } from './schema'
import { csvLine } from '../../../query/csv'
import { streamJsonAnswer } from './json-answer'
import { answerHead } from './answer-head'
import { AppError } from '../../errors'
import { asked } from './asked'
import { startSpan } from '../../../ops/spans'

const route = createRoute({
  method: 'post', path: '/api/v1/query', operationId: 'runQuery', tags: ['Query'], security,
  summary: 'Ask a question and wait for the answer (or queue it with async / webhook_url)',
  middleware: [requireScope('query:run')] as const,
  request: { body: jsonBody(QueryRequestSchema) },
  responses: {
    200: {
      description: 'The answer (JSON, or CSV when format is csv). CSV comes as an attachment named `<query-id>.csv`; text cells that a spreadsheet '
        + "would run as a formula (starting with = + - @, tab or CR) are prefixed with ' and quoted, numbers are written as they are.",
      content: { 'application/json': { schema: QueryResultSchema }, 'text/csv': { schema: { type: 'string' } } },
      headers: cacheHeader,
    },
    202: jsonResponse(QueuedSchema, 'Queued as an async job'),
    ...errorResponses(404, 413, 415, 422, 503),
  },
})

export function registerRunQuery(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json')
    const { runner, jobs } = c.get('services')
    const principal = c.get('principal')!
    if (body.webhook_url) await jobs.assertWebhookAllowed(body.webhook_url)
    const { question, semantic } = asked(body)
    if (semantic && (body.async || body.webhook_url)) throw new AppError('validation_error', 'a chosen interpretation or plan runs synchronously', [{ path: body.plan ? 'plan' : 'interpretation', issue: 'not_with_async' }])
    const run = await runner.prepare({
      principal, question, semantic, connectionId: body.connection_id, conversationId: body.conversation_id,
      maxRows: body.max_rows, async: body.async, webhookUrl: body.webhook_url,
    })
    c.set('runId', run.id)
    if (body.async || body.webhook_url) {
      jobs.notify()
      return c.json({ id: run.id, status: 'queued' as const }, 202)
    }
    const events = runner.execute(run, c.req.raw.signal)
    if (body.format === 'csv') {
      // Pull the events up to the SQL before committing to 200, so planning and
      // compile errors still get their proper status and envelope.
      const head = await answerHead(events)
      c.header('Content-Type', 'text/csv; charset=utf-8')
      c.header('X-Nexatron-Query-Id', run.id)
      if (head.cache) c.header('X-Nexatron-Cache', head.cache)
      // A download, never rendered inline; run ids are [A-Za-z0-9_] only.
      c.header('Content-Disposition', `attachment; filename="${run.id}.csv"`)
      return stream(c, async (s) => {
        const onEvent = async (ev: Awaited<ReturnType<typeof events.next>>['value']) => {
          if (!ev || typeof ev !== 'object') return
          if (ev.type === 'columns') await s.write(csvLine(ev.columns.map((col: { name: string }) => col.name)))
          if (ev.type === 'rows') await s.write(ev.rows.map(csvLine).join(''))
        }
        const streamSpan = startSpan('stream', { attributes: { 'nexatron.format': 'csv' } })
        try {
          for (const ev of head.early) await onEvent(ev)
          if (!head.ended) for await (const ev of events) await onEvent(ev)
        } catch {
          // Headers are gone; the error is in history. End the body early.
        }
        streamSpan.end()
      }, async () => { /* errors already recorded */ }) as never
    }
    return streamJsonAnswer(c, run, question, events, c.get('requestId'))
  })
}
