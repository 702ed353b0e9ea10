import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { stream } from 'hono/streaming'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { QueryRequestSchema, QueryResultSchema, QueuedSchema } from './schema'
import { rowsToObjects, type ResultColumn } from '../../../query/result-columns'
import { csvLine } from '../../../query/csv'
import type { Plan } from '../../../planner/planner'

const route = createRoute({
  method: 'post', path: '/api/v1/query', operationId: 'runQuery', tags: ['Query'], security,
  summary: 'Ask a question and wait for the answer (or queue it with async / webhook_url)',
  middleware: [requireScope('query:run')] as const,
  request: { body: jsonBody(QueryRequestSchema) },
  responses: {
    200: {
      description: 'The answer (JSON, or CSV when format is csv)',
      content: { 'application/json': { schema: QueryResultSchema }, 'text/csv': { schema: { type: 'string' } } },
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
    const run = await runner.prepare({
      principal, question: body.question, connectionId: body.connection_id, conversationId: body.conversation_id,
      maxRows: body.max_rows, async: body.async, webhookUrl: body.webhook_url,
    })
    if (body.async || body.webhook_url) {
      jobs.notify()
      return c.json({ id: run.id, status: 'queued' as const }, 202)
    }
    const events = runner.execute(run, c.req.raw.signal)
    if (body.format === 'csv') {
      // Pull the first event before committing to 200, so planning and
      // compile errors still get their proper status and envelope.
      const first = await events.next()
      c.header('Content-Type', 'text/csv; charset=utf-8')
      c.header('X-Nexatron-Query-Id', run.id)
      return stream(c, async (s) => {
        const onEvent = async (ev: Awaited<ReturnType<typeof events.next>>['value']) => {
          if (!ev || typeof ev !== 'object') return
          if (ev.type === 'columns') await s.write(csvLine(ev.columns.map((col: { name: string }) => col.name)))
          if (ev.type === 'rows') await s.write(ev.rows.map(csvLine).join(''))
        }
        try {
          if (!first.done) await onEvent(first.value)
          for await (const ev of events) await onEvent(ev)
        } catch {
          // Headers are gone; the error is in history. End the body early.
        }
      }, async () => { /* errors already recorded */ }) as never
    }
    let plan: Plan | null = null
    let sql: string | null = null
    let explanation: string | null = null
    let columns: ResultColumn[] = []
    const rows: unknown[][] = []
    let summary: string | null = null
    let done: { row_count: number; truncated: boolean; execution_time_ms: number } | undefined
    for await (const ev of events) {
      if (ev.type === 'plan') { plan = ev.plan; explanation = ev.explanation }
      else if (ev.type === 'sql') sql = ev.sql
      else if (ev.type === 'columns') columns = ev.columns
      else if (ev.type === 'rows') for (const r of ev.rows) rows.push(r)
      else if (ev.type === 'summary') summary = ev.summary
      else if (ev.type === 'done') done = ev
    }
    return c.json({
      id: run.id, question: body.question, status: 'succeeded', data: rowsToObjects(columns, rows), columns, summary, explanation, sql, plan,
      conversation_id: run.conversationId, connection_id: run.connection.id,
      row_count: done?.row_count ?? rows.length, truncated: done?.truncated ?? false,
      execution_time_ms: done?.execution_time_ms ?? 0, created_at: run.record.createdAt.toISOString(),
    }, 200)
  })
}
