// OpenTelemetry traces, end to end: the app is started with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver in this test
// (a node:http server taking POST /v1/traces as JSON), a question runs over
// the demo warehouse, and the spans the exporter sends are read back: one
// trace per request, the named steps as children of the request's span,
// db.system on `execute`, and the trace id in the log line and the audit
// record of that request.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { buildServices, type Container } from '../../src/container'
import { createApp } from '../../src/app'
import { createLogger } from '../../src/logger'
import { bootstrap } from '../../src/bootstrap'
import { createDemoWarehouse } from '../../src/demo/warehouse'
import type { PGlite } from '@electric-sql/pglite'

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface OtlpSpan {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number
  attributes?: Array<{ key: string; value: OtlpValue }>
}
interface Received { path: string; contentType: string; serviceName?: string; spans: OtlpSpan[] }

const NOW = new Date('2026-11-23T12:00:00Z')
const received: Received[] = []
const logLines: Array<Record<string, unknown>> = []
let receiver: Server
let services: Container
let app: ReturnType<typeof createApp>
let demoDb: PGlite
let adminKey: string
let tenantId: string

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: Array<{ resource?: { attributes?: Array<{ key: string; value: OtlpValue }> }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>
      }
      for (const rs of body.resourceSpans ?? []) {
        received.push({
          path: req.url ?? '', contentType: req.headers['content-type'] ?? '',
          serviceName: rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue,
          spans: (rs.scopeSpans ?? []).flatMap((s) => s.spans ?? []),
        })
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const { port } = receiver.address() as AddressInfo
  const config = loadConfig({
    NEXATRON_DEMO: 'false', LOG_LEVEL: 'debug', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`, OTEL_SERVICE_NAME: 'nexatron-test',
  })
  const logger = createLogger('debug', { write: (line: string) => { logLines.push(JSON.parse(line) as Record<string, unknown>) } })
  demoDb = await createDemoWarehouse(NOW)
  services = await buildServices(config, { inMemory: true, logger, demoDb, now: () => NOW })
  app = createApp(services)
  const boot = await bootstrap(services, { demo: true })
  tenantId = boot.tenantId
  adminKey = (await services.apiKeys.create(tenantId, { name: 'tracing test', scopes: ['*'] })).key
})

afterAll(async () => {
  await services?.dispose()
  await demoDb?.close()
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()))
})

const ask = (question: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) => Promise.resolve(app.request('/api/v1/query', {
  method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ question, ...extra }),
}))

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes?.find((a) => a.key === key)?.value
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.boolValue ?? v?.doubleValue)
}

/** Flushes the exporter until the trace's server span has arrived (it ends with the answer's last byte). */
async function spansOf(traceId: string): Promise<OtlpSpan[]> {
  for (let i = 0; i < 100; i++) {
    await services.tracing!.flush()
    const spans = received.flatMap((r) => r.spans).filter((s) => s.traceId === traceId)
    if (spans.some((s) => s.kind === 2 && attr(s, 'http.route'))) return spans
    await sleep(50)
  }
  throw new Error(`no server span of trace ${traceId} arrived`)
}

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('exports one trace per request with auth, plan, compile, guard, execute, stream and history under the request span', async () => {
    // Spans of the start-up (sample values read for the demo) are sent first.
    await services.tracing!.flush()
    const before = received.flatMap((r) => r.spans).length
    const res = await ask('What were total sales last quarter?')
    expect(res.status).toBe(200)
    const traceId = res.headers.get('x-trace-id')!
    expect(traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1)

    const spans = await spansOf(traceId)
    // Everything this request caused is in its one trace.
    expect(received.flatMap((r) => r.spans).slice(before).filter((s) => s.traceId !== traceId)).toEqual([])
    expect(received.every((r) => r.path === '/v1/traces' && /json/.test(r.contentType) && r.serviceName === 'nexatron-test')).toBe(true)

    const roots = spans.filter((s) => !s.parentSpanId)
    expect(roots).toHaveLength(1)
    const root = roots[0]
    expect(root.name).toBe('POST /api/v1/query')
    expect(attr(root, 'http.route')).toBe('/api/v1/query')
    expect(attr(root, 'http.response.status_code')).toBe(200)
    expect(attr(root, 'nexatron.request_id')).toBe(res.headers.get('x-request-id'))

    const named = (name: string) => spans.filter((s) => s.name === name)
    for (const name of ['auth', 'plan', 'compile', 'guard', 'execute', 'stream']) {
      expect(named(name), name).toHaveLength(1)
      expect(named(name)[0].parentSpanId, `${name} is a child of the request`).toBe(root.spanId)
    }
    expect(attr(named('execute')[0], 'db.system')).toBe('postgresql')
    expect(attr(named('execute')[0], 'nexatron.rows')).toBe(1)
    expect(attr(named('plan')[0], 'nexatron.planner')).toBe('offline')
    expect(attr(named('auth')[0], 'nexatron.tenant_id')).toBe(tenantId)
    expect(attr(named('guard')[0], 'db.system')).toBe('postgresql')
    // The run's record: created (already running), then settled; every write hangs off the request's trace.
    const history = named('history')
    expect(history.map((h) => attr(h, 'nexatron.history.operation'))).toEqual(expect.arrayContaining(['create', 'update']))
    expect(history.map((h) => attr(h, 'nexatron.query.status'))).toContain('succeeded')
    const byId = new Map(spans.map((s) => [s.spanId, s]))
    for (const h of history) {
      let s: OtlpSpan | undefined = h
      while (s?.parentSpanId) s = byId.get(s.parentSpanId)
      expect(s, 'history reaches the request span').toBe(root)
    }
  })

  it('writes the trace id into the log line and the audit record of the request', async () => {
    const res = await ask('orders last month')
    expect(res.status).toBe(200)
    await res.text()
    const traceId = res.headers.get('x-trace-id')!
    const requestId = res.headers.get('x-request-id')!
    await spansOf(traceId)
    const line = logLines.find((l) => l.msg === 'request completed' && l.request_id === requestId)
    expect(line).toMatchObject({ trace_id: traceId, route: '/api/v1/query', status: 200 })
    expect(String(line!.span_id)).toMatch(/^[0-9a-f]{16}$/)

    let record: { request_id: string | null; details: Record<string, unknown> } | undefined
    for (let i = 0; i < 100 && !record; i++) {
      record = (await services.audit.list(tenantId, { action: 'query.run', limit: 20 })).data.find((r) => r.request_id === requestId)
      if (!record) await sleep(50)
    }
    expect(record?.details.trace_id).toBe(traceId)
  })

  it("continues a caller's trace from its traceparent header", async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736'
    const callerSpan = '00f067aa0ba902b7'
    const res = await ask('total sales this year', { traceparent: `00-${callerTrace}-${callerSpan}-01` })
    expect(res.status).toBe(200)
    await res.text()
    expect(res.headers.get('x-trace-id')).toBe(callerTrace)
    const root = (await spansOf(callerTrace)).find((s) => s.kind === 2)!
    expect(root.parentSpanId).toBe(callerSpan)
  })

  it('traces an async job as a trace of its own, with the run\'s spans under `job`', async () => {
    services.worker.start()
    try {
      const res = await ask('total sales by region', {}, { async: true })
      expect(res.status).toBe(202)
      const { id } = (await res.json()) as { id: string }
      for (let i = 0; i < 200 && (await services.history.getById(id))?.status !== 'succeeded'; i++) await sleep(25)
      expect((await services.history.getById(id))?.status).toBe('succeeded')
      let job: OtlpSpan | undefined
      for (let i = 0; i < 100 && !job; i++) {
        await services.tracing!.flush()
        job = received.flatMap((r) => r.spans).find((s) => s.name === 'job' && attr(s, 'nexatron.query_id') === id)
        if (!job) await sleep(50)
      }
      expect(job).toBeDefined()
      expect(job!.parentSpanId ?? '').toBe('')
      expect(job!.traceId).not.toBe(res.headers.get('x-trace-id'))
      const spans = received.flatMap((r) => r.spans).filter((s) => s.traceId === job!.traceId)
      for (const name of ['plan', 'compile', 'guard', 'execute']) {
        expect(spans.find((s) => s.name === name)?.parentSpanId, name).toBe(job!.spanId)
      }
    } finally {
      await services.worker.stop()
    }
  })

  it('marks a refused question: the plan span failed, the request span 422', async () => {
    const res = await ask('florp the wibbles of zanzibar quickly')
    expect(res.status).toBe(422)
    await res.text()
    const spans = await spansOf(res.headers.get('x-trace-id')!)
    const plan = spans.find((s) => s.name === 'plan')!
    expect(attr(plan, 'error.type')).toBe('question_not_understood')
    expect(attr(plan, 'nexatron.planner.outcome')).toBe('refused')
    expect(spans.some((s) => s.name === 'execute')).toBe(false)
    expect(attr(spans.find((s) => s.kind === 2)!, 'http.response.status_code')).toBe(422)
  })
})
