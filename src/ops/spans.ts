// Spans for the steps of a request (auth, plan, compile, guard, execute,
// stream, history), written against @opentelemetry/api only. Without a tracer
// provider (OTEL_EXPORTER_OTLP_ENDPOINT unset, see tracing.ts) the API hands
// out non-recording spans: these helpers then cost a function call, and
// domain code needs no "is tracing on" branches.
import { context, ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api'

export type { Span, Context }

const tracer = () => trace.getTracer('nexatron')

/** Marks a span failed with the error's name and code (never its message: it may quote a database's text). */
export function failSpan(span: Span, err: unknown): void {
  const e = err as { name?: unknown; code?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : undefined
  span.setStatus({ code: SpanStatusCode.ERROR, message: code })
  span.setAttribute('error.type', code ?? (typeof e?.name === 'string' ? e.name : 'Error'))
}

/**
 * Runs `fn` inside a span named `name`, active for everything `fn` awaits
 * (so its own spans nest under it), child of `parent` (default: the active
 * context). Ends the span when `fn` settles; a throw marks it failed.
 */
export async function withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, opts: { attributes?: Attributes; parent?: Context } = {}): Promise<T> {
  const span = tracer().startSpan(name, { attributes: opts.attributes }, opts.parent ?? context.active())
  try {
    return await context.with(trace.setSpan(opts.parent ?? context.active(), span), () => fn(span))
  } catch (err) {
    failSpan(span, err)
    throw err
  } finally {
    span.end()
  }
}

/** The synchronous form of withSpan (compile and guard are pure CPU work). */
export function withSpanSync<T>(name: string, fn: (span: Span) => T, opts: { attributes?: Attributes; parent?: Context } = {}): T {
  const span = tracer().startSpan(name, { attributes: opts.attributes }, opts.parent ?? context.active())
  try {
    return context.with(trace.setSpan(opts.parent ?? context.active(), span), () => fn(span))
  } catch (err) {
    failSpan(span, err)
    throw err
  } finally {
    span.end()
  }
}

/**
 * Starts a span the caller ends itself: for work that spans the yields of a
 * generator (a statement's rows), where no callback can enclose it.
 */
export function startSpan(name: string, opts: { attributes?: Attributes; parent?: Context } = {}): Span {
  return tracer().startSpan(name, { attributes: opts.attributes }, opts.parent ?? context.active())
}

/** The context of a new trace: work of its own (an async job) that must not join whichever request woke it. */
export const NEW_TRACE: Context = ROOT_CONTEXT

/** The active context, to parent later spans on (a generator captures it on its first step). */
export function activeContext(): Context {
  return context.active()
}

/** The trace id of the active span, or undefined when nothing is being traced. */
export function currentTraceId(ctx: Context = context.active()): string | undefined {
  const sc = trace.getSpan(ctx)?.spanContext()
  return sc && trace.isSpanContextValid(sc) ? sc.traceId : undefined
}

/** The active span's ids as log fields (`trace_id`, `span_id`), or nothing when nothing is being traced. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const sc = trace.getSpan(context.active())?.spanContext()
  return sc && trace.isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {}
}

// OpenTelemetry's `db.system` names for our connection types (semantic conventions' well-known values).
const DB_SYSTEMS: Record<string, string> = {
  postgres: 'postgresql', pglite: 'postgresql', redshift: 'redshift', mysql: 'mysql', mssql: 'mssql',
  clickhouse: 'clickhouse', snowflake: 'snowflake', bigquery: 'bigquery',
}

/** The `db.system` attribute of a connection type. */
export function dbSystemOf(connectionType: string): string {
  return DB_SYSTEMS[connectionType] ?? 'other_sql'
}
