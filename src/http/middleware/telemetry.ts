// One trace per request and the HTTP metrics. Starts the request's server
// span (continuing the caller's trace when a W3C `traceparent` header comes
// in) and makes it active for everything the request runs, so the domain's
// spans (auth, plan, compile, guard, execute, stream, history: src/ops/spans.ts)
// and every log line written meanwhile (trace_id, span_id) belong to it. The
// span and the duration histogram end with the answer's last byte, not when
// the handler returns: a streamed answer is timed whole.
//
// Without a tracer provider (tracing off) the span is a no-op, and without
// /metrics nothing is recorded; the response body is then passed through
// untouched unless debug logging wants the request's end.
import type { Context, MiddlewareHandler } from 'hono'
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { AppEnv } from '../app-env'
import { onResponseEnd } from './response-end'

const tracer = () => trace.getTracer('nexatron')

/** The registered route pattern this request matched (`/api/v1/queries/:id`), never the raw path (unbounded label values). */
function routePattern(c: Context<AppEnv>): string {
  return c.req.matchedRoutes.find((r) => r.method !== 'ALL')?.path ?? 'unmatched'
}

/** The error code of a 429 answer (rate_limited, quota_exceeded, too_many_*), read from its envelope. */
async function rejectionCode(c: Context<AppEnv>): Promise<string> {
  try {
    const code = ((await c.res.clone().json()) as { error?: { code?: unknown } }).error?.code
    return typeof code === 'string' ? code : 'unknown'
  } catch {
    return 'unknown'
  }
}

const headerGetter = { keys: (h: Headers) => [...h.keys()], get: (h: Headers, k: string) => h.get(k) ?? undefined }

export const telemetry = (): MiddlewareHandler<AppEnv> =>
  async function telemetryMiddleware(c, next) {
    const { metrics, logger } = c.get('services')
    const started = performance.now()
    const method = c.req.method
    const parent = propagation.extract(context.active(), c.req.raw.headers, headerGetter)
    const span = tracer().startSpan(method, {
      kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': c.req.path, 'nexatron.request_id': c.get('requestId') },
    }, parent)
    const spanCtx = trace.setSpan(parent, span)
    const traced = span.isRecording()
    // The trace to look up for this answer (only when something records it).
    if (traced) c.header('X-Trace-Id', span.spanContext().traceId)
    try {
      await context.with(spanCtx, next)
    } catch (err) {
      // The error handler answers every error; this is only reached when it throws itself.
      span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
      throw err
    }
    const route = routePattern(c)
    const status = c.res.status
    span.updateName(`${method} ${route}`)
    span.setAttributes({ 'http.route': route, 'http.response.status_code': status })
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
    if (status === 429 && metrics?.enabled) metrics.rejection(await rejectionCode(c))
    const debug = logger.isLevelEnabled('debug')
    if (!traced && !metrics?.enabled && !debug) return
    onResponseEnd(c, async () => {
      const seconds = (performance.now() - started) / 1000
      metrics?.httpRequest(route, method, status, seconds)
      // Inside the span's context: the line carries its trace_id.
      if (debug) {
        context.with(spanCtx, () => logger.debug({ request_id: c.get('requestId'), method, route, status, duration_ms: Math.round(seconds * 1000) }, 'request completed'))
      }
      span.end()
    }, () => span.end())
  }
