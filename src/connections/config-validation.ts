// Type-specific connection config, validated by each connector's own zod
// schemas; errors come back as 422s naming the field.
import type { z } from 'zod'
import { connectionConfigSchemas } from '../../connectors/registry'
import type { ConnectionType } from '../../connectors/connector'
import { AppError, clip } from '../http/errors'

export function validateConnectionConfig(type: ConnectionType, config: unknown, credentials: unknown) {
  if (type === 'pglite') return validatePglite(config, credentials)
  const schemas = connectionConfigSchemas[type] as { config: z.ZodType; credentials: z.ZodType } | undefined
  if (!schemas) throw new AppError('invalid_config', `unsupported connection type ${type}`, [{ path: 'type', issue: 'unsupported' }])
  return parseWith(schemas, config, credentials)
}

function parseWith(schemas: { config: z.ZodType; credentials: z.ZodType }, config: unknown, credentials: unknown) {
  const details: Array<{ path: string; issue: string; message: string }> = []
  const parse = (schema: z.ZodType, value: unknown, prefix: string) => {
    const r = schema.safeParse(value)
    if (r.success) return r.data as Record<string, unknown>
    for (const i of r.error.issues) {
      const path = clip([prefix, ...i.path.map(String)].join('.'), 200)
      if (i.code === 'unrecognized_keys') {
        // zod's message lists every key: name a few, count the rest.
        const keys = i.keys.map((k) => clip(k))
        const named = keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')
        details.push({ path, issue: i.code, message: keys.length > 5 ? `${keys.length} unknown fields, such as ${named}` : `unknown field${keys.length > 1 ? 's' : ''} ${named}` })
        continue
      }
      // Never echo credential values back.
      details.push({ path, issue: i.code, message: clip(prefix === 'credentials' ? i.message.replace(/received .*/i, '') : i.message, 300) })
    }
    return {}
  }
  const c = parse(schemas.config, config, 'config')
  const k = parse(schemas.credentials, credentials, 'credentials')
  if (details.length) throw new AppError('invalid_config', `${details[0].path}: ${details[0].message}`, details)
  return { config: c, credentials: k }
}

/**
 * An embedded database lives in the server's own memory or disk. Through the
 * API a tenant may only point at the demo warehouse: an arbitrary data
 * directory could be the metadata store, and each in-memory instance costs
 * hundreds of megabytes.
 */
function validatePglite(config: unknown, _credentials: unknown) {
  const c = (config ?? {}) as Record<string, unknown>
  if (c.demo === true && Object.keys(c).length === 1) return { config: { demo: true }, credentials: {} }
  throw new AppError('invalid_config', 'config: embedded (pglite) connections can only be the demo warehouse: {"demo": true}',
    [{ path: 'config', issue: 'not_allowed' }])
}
