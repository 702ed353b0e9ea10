// OpenTelemetry tracing: when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-only
// endpoint) is set, registers a tracer provider that batches spans to the
// collector over OTLP/HTTP (JSON), an AsyncLocalStorage context manager (so a
// request's span is the parent of everything its handler awaits) and the W3C
// `traceparent` propagator (a caller's trace is continued). When unset,
// nothing here is loaded: the SDK is imported on demand, so an untraced server
// starts and idles as if it were not installed (@opentelemetry/api alone is a
// no-op without a provider; see spans.ts).
//
// The provider is process-wide (the API keeps one global), while a process may
// build several service containers (tests, the CLI): the first start
// registers it, later ones share it, and the last stop unregisters it.
import type { TracingConfig } from './tracing-config'

export interface Tracing {
  /** Sends the spans still buffered (tests read them; shutdown must not lose them). */
  flush(): Promise<void>
  /** Flushes, and unregisters the provider once no container uses it any more. */
  stop(): Promise<void>
}

interface Registered { url: string; users: number; flush(): Promise<void>; shutdown(): Promise<void> }
let registered: Promise<Registered> | undefined

async function register(cfg: TracingConfig): Promise<Registered> {
  const [api, { TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
  ])
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': cfg.serviceName, 'service.version': process.env.npm_package_version ?? '0.1.0' }),
    // Batches (at most every 2 s) keep the exporter off the request path.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: cfg.url, headers: cfg.headers }), scheduledDelayMillis: 2000 })],
  })
  const contextManager = new AsyncLocalStorageContextManager().enable()
  api.context.setGlobalContextManager(contextManager)
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  api.trace.setGlobalTracerProvider(provider)
  return {
    url: cfg.url, users: 0,
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown()
      api.trace.disable()
      api.propagation.disable()
      api.context.disable()
    },
  }
}

/** Starts tracing for one service container; undefined when no endpoint is configured (then nothing is imported). */
export async function startTracing(cfg: TracingConfig | undefined): Promise<Tracing | undefined> {
  if (!cfg) return undefined
  registered ??= register(cfg)
  const reg = await registered
  // One provider per process: a second container naming another collector still reports to the first.
  reg.users++
  let stopped = false
  return {
    flush: () => reg.flush(),
    async stop() {
      if (stopped) return
      stopped = true
      if (--reg.users > 0) { await reg.flush(); return }
      registered = undefined
      await reg.shutdown()
    },
  }
}
