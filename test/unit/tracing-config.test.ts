// The OTEL_* settings: tracing is off unless an endpoint is set, the generic
// endpoint gets /v1/traces appended (the specification's rule), the
// traces-only one is used as is, and headers are parsed or refused by name.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config'

const tracing = (env: Record<string, string>) => loadConfig({ NEXATRON_DEMO: 'false', ...env }).tracing

describe('tracing configuration', () => {
  it('is off without an OTLP endpoint', () => {
    expect(tracing({})).toBeUndefined()
    expect(tracing({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_HEADERS: 'a=b' })).toBeUndefined()
  })

  it('appends /v1/traces to the generic endpoint and keeps the traces endpoint as it is', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({ url: 'http://collector:4318/v1/traces', headers: {}, serviceName: 'nexatron' })
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/base' })?.url).toBe('http://collector:4318/base/v1/traces')
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/ingest' })?.url).toBe('https://b/ingest')
  })

  it('parses percent-encoded headers and the service name', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dcr%2Ct, x-tenant = acme ,', OTEL_SERVICE_NAME: 'nx-eu' }))
      .toEqual({ url: 'http://c:4318/v1/traces', headers: { 'api-key': 's=cr,t', 'x-tenant': 'acme' }, serviceName: 'nx-eu' })
  })

  it('refuses a malformed header list or endpoint, naming the variable', () => {
    expect(() => tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/)
    expect(() => tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'k=%zz' })).toThrow(ConfigError)
    expect(() => tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/)
  })
})
