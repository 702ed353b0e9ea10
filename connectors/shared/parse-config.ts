// Validates a stored connection against its engine's zod schemas. The
// Connections API validates on write (with field-level 422s); this second
// check guards connectors built from older or hand-edited records.
import type { z } from 'zod'
import { ConnectorError, type ConnectionType, type ConnectorConfig } from '../connector'

export function parseConnection<C extends z.ZodType, K extends z.ZodType>(
  type: ConnectionType,
  cfg: ConnectorConfig,
  schemas: { config: C; credentials: K },
): { config: z.output<C>; credentials: z.output<K> } {
  if (cfg.type !== type) throw new ConnectorError('invalid_config', type, `expected a ${type} connection, got ${cfg.type}`)
  const config = schemas.config.safeParse(cfg.config ?? {})
  const credentials = schemas.credentials.safeParse(cfg.credentials ?? {})
  const problems: string[] = []
  // Only paths and issue messages: never the submitted values (they may be secrets).
  if (!config.success) for (const i of config.error.issues) problems.push(`config.${i.path.join('.') || '(root)'}: ${i.message}`)
  if (!credentials.success) for (const i of credentials.error.issues) problems.push(`credentials.${i.path.join('.') || '(root)'}: ${i.message}`)
  if (!config.success || !credentials.success) {
    throw new ConnectorError('invalid_config', type, `invalid ${type} connection settings: ${problems.join('; ')}`)
  }
  return { config: config.data, credentials: credentials.data }
}
