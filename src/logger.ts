import pino, { type DestinationStream, type Logger } from 'pino'
import { traceLogFields } from './ops/spans'

export type { Logger }

// Structured JSON logs. Credentials and tokens are redacted wherever they appear.
// A line written while a traced request is active carries its trace_id and
// span_id (tracing on: see ops/tracing.ts), so logs and traces join up.
// `destination`: where lines go (default stdout; tests read them).
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'nexatron' },
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.credentials', '*.api_key', '*.token', '*.refresh_token', '*.access_token', 'params'],
      censor: '[redacted]',
    },
    mixin: traceLogFields,
  }, destination)
}
