import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, security } from '../../openapi'
import { cacheHeader, QueryRequestSchema } from './schema'
import { AppError, errorBody } from '../../errors'
import { toAppError } from '../../../error-mapping'
import type { RunEvent } from '../../../query/query-runner'
import { asked } from './asked'
import { answerHead } from './answer-head'
import { startSpan } from '../../../ops/spans'

/** How often the keep-alive comment goes out, as the configuration says (NEXATRON_SSE_KEEPALIVE_MS). */
function keepAliveText(ms: number): string {
  const seconds = ms / 1000
  return `every ${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s (NEXATRON_SSE_KEEPALIVE_MS on this server)`
}

const streamRoute = (keepAliveMs: number) => createRoute({
  method: 'post', path: '/api/v1/query/stream', operationId: 'streamQuery', tags: ['Query'], security,
  summary: 'Ask a question and receive the answer as Server-Sent Events',
  description: 'Events in order: `plan`, `sql`, `columns`, `rows` (batches of arrays), `summary`, then `done` or `error` (the error envelope). ' +
    `Each event has an id; \`: keep-alive\` comments ${keepAliveText(keepAliveMs)}. ` + 'Closing the connection cancels the query in the database. ' +
    'A question refused before the stream opens (planning, compiling, the SQL guard) answers with the same status and JSON error as POST /query (e.g. 422); later failures are `error` events. ' +
    'The `sql` event carries `sql`, `params` and `sql_inline` (display only); `done` carries `chart` (a Vega-Lite spec or null, as in POST /query). ' +
    'Both carry `cache` (`hit`, `miss` or `off`, as in POST /query), also sent as the `X-Nexatron-Cache` header.',
  middleware: [requireScope('query:run')] as const,
  request: { body: jsonBody(QueryRequestSchema.omit({ async: true, webhook_url: true, format: true })) },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } }, headers: cacheHeader },
    ...errorResponses(404, 413, 415, 422, 503),
  },
})

/** `keepAliveMs`: the configured interval (config.query.sseKeepAliveMs), which the handler uses and the docs state. */
export function registerStreamQuery(app: OpenAPIHono<AppEnv>, keepAliveMs: number) {
  app.openapi(streamRoute(keepAliveMs), async (c) => {
    const body = c.req.valid('json')
    const { runner } = c.get('services')
    const principal = c.get('principal')!
    // Resolution errors (unknown connection, conversation) answer with a status;
    // everything after the stream opens is reported as an `error` event.
    // a confirmed interpretation of an ambiguous question streams as its structured plan, like POST /query
    const { question, semantic } = asked(body)
    const run = await runner.prepare({
      principal, question, semantic, connectionId: body.connection_id, conversationId: body.conversation_id, maxRows: body.max_rows,
    })
    c.set('runId', run.id)
    const requestId = c.get('requestId')
    const abort = new AbortController()
    c.req.raw.signal.addEventListener('abort', () => abort.abort(new AppError('query_cancelled', 'the client disconnected')), { once: true })
    const events = runner.execute(run, abort.signal)
    // Like the JSON answer: planning, compiling and the guard run before the
    // stream opens, so a question refused before any row exists answers with
    // the same status and JSON envelope as POST /query (422, not 200 + `error`).
    // Errors after this first event are reported as `error` events.
    const head = await answerHead(events).catch((err: unknown) => { abort.abort(); throw err })
    c.header('X-Nexatron-Query-Id', run.id)
    if (head.cache) c.header('X-Nexatron-Cache', head.cache)
    c.header('Cache-Control', 'no-cache')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (s) => {
      s.onAbort(() => abort.abort(new AppError('query_cancelled', 'the client disconnected')))
      let seq = 0
      // Open streams are a gauge on /metrics; the `stream` span times sending the events.
      const closeGauge = c.get('services').metrics?.sseOpened()
      const streamSpan = startSpan('stream', { attributes: { 'nexatron.format': 'sse' } })
      // Comments keep proxies from closing a connection while the database works.
      const keepAlive = setInterval(() => { void s.write(': keep-alive\n\n').catch(() => {}) }, keepAliveMs)
      const write = async (ev: RunEvent) => {
        // Writes wait for the client: a slow reader stops us pulling rows.
        if (ev.type === 'rows') {
          // The hot path, framed by hand: the same bytes writeSSE writes
          // (event, data, id lines) without splitting a batch's JSON on line
          // breaks, which JSON.stringify never emits outside escapes.
          await s.write(`event: rows\ndata: ${JSON.stringify(ev.rows)}\nid: ${++seq}\n\n`)
          return
        }
        const { type, ...data } = ev
        await s.writeSSE({ event: type, id: String(++seq), data: JSON.stringify(data) })
      }
      try {
        for (const ev of head.early) if (!s.aborted && !s.closed) await write(ev)
        if (!head.ended) {
          for await (const ev of events) {
            if (s.aborted || s.closed) break
            await write(ev)
          }
        }
      } catch (err) {
        if (!s.aborted && !s.closed) {
          const appErr = toAppError(err) ?? new AppError('internal_error', 'internal error')
          await s.writeSSE({ event: 'error', id: String(++seq), data: JSON.stringify(errorBody(appErr, requestId)) })
        }
      } finally {
        closeGauge?.()
        streamSpan.end()
        clearInterval(keepAlive)
        abort.abort()
        // a client that left early: let the generator run its cleanup
        await events.return(undefined).catch(() => {})
      }
    }) as never
  })
}
