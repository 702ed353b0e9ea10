// The OpenTelemetry exporter settings, read from the standard OTEL_* variables
// (so an operator's usual collector configuration works unchanged). Kept apart
// from tracing.ts so that reading the configuration never loads the SDK.
import { ConfigError } from '../config-error'

export interface TracingConfig {
  /** The OTLP/HTTP traces URL spans are POSTed to. */
  url: string
  /** Extra request headers for the collector (an API key, a tenant header). */
  headers: Record<string, string>
  /** The `service.name` resource attribute. */
  serviceName: string
}

interface OtelEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string
  OTEL_EXPORTER_OTLP_HEADERS?: string
  OTEL_SERVICE_NAME: string
}

/** `k1=v1,k2=v2` with percent-encoded values, as the OpenTelemetry specification writes them. */
function parseHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (text ?? '').split(',')) {
    if (!part.trim()) continue
    const eq = part.indexOf('=')
    const name = eq > 0 ? part.slice(0, eq).trim() : ''
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new ConfigError('OTEL_EXPORTER_OTLP_HEADERS: expected comma-separated name=value pairs')
    }
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      throw new ConfigError(`OTEL_EXPORTER_OTLP_HEADERS: the value of "${name}" is not valid percent-encoding`)
    }
  }
  return out
}

/**
 * The traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, or the generic
 * OTEL_EXPORTER_OTLP_ENDPOINT with `/v1/traces` appended (the specification's
 * rule). Neither set: tracing is off.
 */
export function tracingConfig(e: OtelEnv): TracingConfig | undefined {
  const base = e.OTEL_EXPORTER_OTLP_ENDPOINT
  const url = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined)
  if (!url) return undefined
  return { url, headers: parseHeaders(e.OTEL_EXPORTER_OTLP_HEADERS), serviceName: e.OTEL_SERVICE_NAME }
}
