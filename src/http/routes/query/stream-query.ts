import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, security } from '../../openapi'
import { QueryRequestSchema } from './schema'
import { AppError, errorBody } from '../../errors'
import { toAppError } from '../../error-mapping'

const route = createRoute({
  method: 'post', path: '/api/v1/query/stream', operationId: 'streamQuery', tags: ['Query'], security,
  summary: 'Ask a question and receive the answer as Server-Sent Events',
  description: 'Events in order: `plan`, `sql`, `columns`, `rows` (batches of arrays), `summary`, then `done` or `error` (the error envelope). ' +
    'Each event has an id; `: keep-alive` comments every 15 s. Closing the connection cancels the query in the database.',
  middleware: [requireScope('query:run')] as const,
  request: { body: jsonBody(QueryRequestSchema.omit({ async: true, webhook_url: true, format: true })) },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
    ...errorResponses(404, 413, 415, 422, 503),
  },
})

export function registerStreamQuery(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json')
    const { runner } = c.get('services')
    const principal = c.get('principal')!
    // Resolution errors (unknown connection, conversation) answer with a status;
    // everything after the stream opens is reported as an `error` event.
    const run = await runner.prepare({
      principal, question: body.question, connectionId: body.connection_id, conversationId: body.conversation_id, maxRows: body.max_rows,
    })
    const requestId = c.get('requestId')
    c.header('X-Nexatron-Query-Id', run.id)
    c.header('Cache-Control', 'no-cache')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (s) => {
      const abort = new AbortController()
      s.onAbort(() => abort.abort(new AppError('query_cancelled', 'the client disconnected')))
      c.req.raw.signal.addEventListener('abort', () => abort.abort(new AppError('query_cancelled', 'the client disconnected')), { once: true })
      let seq = 0
      // Comments keep proxies from closing a connection while the database works.
      const keepAlive = setInterval(() => { void s.write(': keep-alive\n\n').catch(() => {}) }, c.get('services').config.query.sseKeepAliveMs)
      try {
        for await (const ev of runner.execute(run, abort.signal)) {
          if (s.aborted || s.closed) break
          const { type, ...data } = ev
          // Writes wait for the client: a slow reader stops us pulling rows.
          await s.writeSSE({ event: type, id: String(++seq), data: JSON.stringify(type === 'rows' ? ev.rows : data) })
        }
      } catch (err) {
        if (!s.aborted && !s.closed) {
          const appErr = toAppError(err) ?? new AppError('internal_error', 'internal error')
          await s.writeSSE({ event: 'error', id: String(++seq), data: JSON.stringify(errorBody(appErr, requestId)) })
        }
      } finally {
        clearInterval(keepAlive)
        abort.abort()
      }
    }) as never
  })
}
