// BigQuery connection settings as the Connections API accepts them.
// `config` is stored in clear; `credentials` is write-only and encrypted.
import { z } from 'zod'
import { endpointUrl } from '../shared/config-fields'

/** 10 GiB: a query that would bill more fails instead of running. */
export const DEFAULT_MAXIMUM_BYTES_BILLED = 10 * 1024 ** 3

const projectId = z.string().trim().min(6).max(63).regex(/^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z0-9.-]+:[a-z][a-z0-9-]*$/, 'a Google Cloud project id such as "my-project-123"')
const datasetId = z.string().trim().min(1).max(1024).regex(/^[A-Za-z0-9_]+$/, 'letters, digits and "_" only')

export const bigqueryConfigSchema = z
  .object({
    /** Project that runs (and is billed for) the query jobs. */
    project_id: projectId,
    /** Dataset location, e.g. `US`, `EU`, `europe-west1` (jobs run there). */
    location: z.string().trim().min(2).max(64).optional(),
    /** Datasets to introspect; default: every dataset of the project the credentials can list. */
    datasets: z.array(datasetId).max(500).optional(),
    /** Per-query cap on bytes billed (integer bytes); queries over it fail before running. */
    maximum_bytes_billed: z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d*$/)]).optional(),
    /**
     * API root when it is not https://bigquery.googleapis.com (Private Service
     * Connect, a regional endpoint). The host is subject to the host policy.
     */
    api_endpoint: endpointUrl.optional(),
  })
  .strict()

/** The fields of a service-account key file that authentication needs. */
const serviceAccountKey = z
  .object({
    type: z.literal('service_account'),
    client_email: z.string().email(),
    private_key: z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }),
    project_id: z.string().optional(),
    private_key_id: z.string().optional(),
    token_uri: z.string().url().optional(),
    universe_domain: z.string().optional(),
  })
  .passthrough()

export type ServiceAccountKey = z.infer<typeof serviceAccountKey>

export const bigqueryCredentialsSchema = z
  .object({
    /** The service-account key file (JSON text or the parsed object). */
    service_account_json: z.union([z.string().min(2), z.record(z.string(), z.unknown())]).optional(),
    /** A short-lived OAuth 2.0 access token instead (it is not refreshed). */
    access_token: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.service_account_json === undefined) === (c.access_token === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of service_account_json or access_token', path: ['service_account_json'] })
      return
    }
    if (c.service_account_json !== undefined) {
      const parsed = parseServiceAccount(c.service_account_json)
      if (!parsed.ok) {
        // Messages name the missing/invalid fields, never their values.
        for (const m of parsed.problems) ctx.addIssue({ code: 'custom', message: m, path: ['service_account_json'] })
      }
    }
  })

export type BigQueryConfig = z.infer<typeof bigqueryConfigSchema>
export type BigQueryCredentials = z.infer<typeof bigqueryCredentialsSchema>

export function parseServiceAccount(value: string | Record<string, unknown>): { ok: true; key: ServiceAccountKey } | { ok: false; problems: string[] } {
  let raw: unknown = value
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value)
    } catch {
      return { ok: false, problems: ['is not valid JSON'] }
    }
  }
  const r = serviceAccountKey.safeParse(raw)
  if (r.success) return { ok: true, key: r.data }
  return { ok: false, problems: r.error.issues.map((i) => `${i.path.join('.') || 'key'}: ${i.message}`) }
}
