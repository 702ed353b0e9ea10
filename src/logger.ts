import pino, { type Logger } from 'pino'

export type { Logger }

// Structured JSON logs. Credentials and tokens are redacted wherever they appear.
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'nexatron' },
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.credentials', '*.api_key', '*.token', '*.refresh_token', '*.access_token', 'params'],
      censor: '[redacted]',
    },
  })
}
