// Per-type zod schemas for the Connections API: `connectionConfigSchemas[type]`
// has `config` (stored in clear, returned by GET) and `credentials` (write-only,
// stored encrypted). Each engine's fields are documented on its schema and in
// connectors/README.md. Objects are strict: unknown fields are errors.
import type { z } from 'zod'
import { bigqueryConfigSchema, bigqueryCredentialsSchema } from './bigquery/config'
import { clickhouseConfigSchema, clickhouseCredentialsSchema } from './clickhouse/config'
import type { ConnectionType } from './connector'
import { mssqlConfigSchema, mssqlCredentialsSchema } from './mssql/config'
import { mysqlConfigSchema, mysqlCredentialsSchema } from './mysql/config'
import { pgliteConfigSchema, pgliteCredentialsSchema } from './pglite/config'
import { postgresConfigSchema, postgresCredentialsSchema } from './postgres/config'
import { redshiftConfigSchema, redshiftCredentialsSchema } from './redshift/config'
import { snowflakeConfigSchema, snowflakeCredentialsSchema } from './snowflake/config'

export interface ConnectionSchemas {
  config: z.ZodType<Record<string, unknown>>
  credentials: z.ZodType<Record<string, unknown>>
}

export const connectionConfigSchemas: Record<ConnectionType, ConnectionSchemas> = {
  postgres: { config: postgresConfigSchema, credentials: postgresCredentialsSchema },
  redshift: { config: redshiftConfigSchema, credentials: redshiftCredentialsSchema },
  mysql: { config: mysqlConfigSchema, credentials: mysqlCredentialsSchema },
  clickhouse: { config: clickhouseConfigSchema, credentials: clickhouseCredentialsSchema },
  pglite: { config: pgliteConfigSchema, credentials: pgliteCredentialsSchema },
  snowflake: { config: snowflakeConfigSchema, credentials: snowflakeCredentialsSchema },
  bigquery: { config: bigqueryConfigSchema, credentials: bigqueryCredentialsSchema },
  mssql: { config: mssqlConfigSchema, credentials: mssqlCredentialsSchema },
}

/** One problem, located for the API's error `details` (`path` like `config.port`). */
export interface ConfigIssue {
  path: string
  issue: string
  message: string
}

export type ConfigValidation =
  | { ok: true; config: Record<string, unknown>; credentials: Record<string, unknown> }
  | { ok: false; issues: ConfigIssue[] }

/**
 * Validates a connection body's `config` and `credentials` for `type`, with
 * defaults applied on success. Issues name fields, never echo values (which
 * may be secrets).
 */
export function validateConnectionConfig(type: ConnectionType, input: { config?: unknown; credentials?: unknown }): ConfigValidation {
  const schemas = connectionConfigSchemas[type]
  const config = schemas.config.safeParse(input.config ?? {})
  const credentials = schemas.credentials.safeParse(input.credentials ?? {})
  if (config.success && credentials.success) return { ok: true, config: config.data, credentials: credentials.data }
  const issues: ConfigIssue[] = []
  const collect = (prefix: string, error: z.ZodError) => {
    for (const i of error.issues) {
      const path = [prefix, ...i.path.map(String)].join('.')
      issues.push({ path, issue: i.code, message: i.message })
      // Unknown keys are one issue listing them: report each by its own path.
      if (i.code === 'unrecognized_keys') {
        issues.pop()
        for (const k of (i as { keys: string[] }).keys) issues.push({ path: `${path}.${k}`, issue: 'unrecognized_key', message: `unknown field "${k}"` })
      }
    }
  }
  if (!config.success) collect('config', config.error)
  if (!credentials.success) collect('credentials', credentials.error)
  return { ok: false, issues }
}
