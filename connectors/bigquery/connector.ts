// BigQuery through @google-cloud/bigquery. Every query is a job inserted with
// jobs.insert (so we hold its id from the start and can cancel it), with
// maximumBytesBilled (a query that would bill more fails before running),
// jobTimeoutMs (BigQuery stops the job itself) and typed query parameters.
// Results are read page by page with getQueryResults(pageToken) only as the
// consumer pulls, so memory stays flat; `jobComplete: false` answers are
// polled. Stopping (abort, timeout, early return before the job finished)
// cancels the job with jobs.cancel. The streaming rules (batches, row cap,
// time limit, concurrency slot) are the shared ones in connectors/shared.
// Every SDK call runs inside withBigQueryOutbound: its HTTP meets the
// connection's network policy and a byte cap (outbound.ts, answer-cap.ts).
import { BigQuery, type BigQueryOptions, type Job, type QueryResultsOptions } from '@google-cloud/bigquery'
import { JWT, OAuth2Client } from 'google-auth-library'
import { ConnectorError, type Column, type Connector, type ConnectorConfig, type RowBatch, type SchemaInfo, type StreamOptions } from '../connector'
import { streamBatches, type RowSource } from '../shared/batches'
import { Gate } from '../shared/gate'
import { resolveOptions } from '../shared/options'
import { parseConnection } from '../shared/parse-config'
import { DEFAULT_MAXIMUM_BYTES_BILLED, bigqueryConfigSchema, bigqueryCredentialsSchema, parseServiceAccount, type BigQueryConfig, type BigQueryCredentials } from './config'
import { MAX_BIGQUERY_ANSWER_BYTES, assertValuesWithinCap } from './answer-cap'
import { toConnectorError } from './errors'
import { introspectBigQuery } from './introspect'
import { bigqueryPrivileges } from './privileges'
import { buildQueryParameters } from './params'
import { bigqueryAgent, installBigQueryOutbound, withBigQueryOutbound } from './outbound'
import { columnOf, convertRow, type BqField } from './values'

/** Catalog queries get at least this long, whatever the query time limit. */
const INTROSPECT_TIMEOUT_MS = 120_000

/** The OAuth scope BigQuery's own client asks for. */
const BIGQUERY_SCOPE = 'https://www.googleapis.com/auth/bigquery'

/**
 * The auth clients' HTTP (gaxios over node-fetch): through the checked agents
 * (outbound.ts), no redirects, answers capped (`follow` and `size` are
 * node-fetch's own names, which gaxios hands on for every request).
 */
const AUTH_TRANSPORT = {
  agent: bigqueryAgent, maxRedirects: 0, follow: 0, maxContentLength: MAX_BIGQUERY_ANSWER_BYTES, size: MAX_BIGQUERY_ANSWER_BYTES,
} as NonNullable<ConstructorParameters<typeof JWT>[0]>['transporterOptions']

/** Keeps INT64 as its exact decimal text instead of a (lossy) JS number. */
const KEEP_INT64_TEXT = { integerTypeCastFunction: (value: string) => value }

interface ResultsPage {
  jobComplete?: boolean | null
  schema?: { fields?: BqField[] | null } | null
  pageToken?: string | null
}

export function createBigQueryConnector(cfg: ConnectorConfig): Connector {
  const { config, credentials } = parseConnection('bigquery', cfg, { config: bigqueryConfigSchema, credentials: bigqueryCredentialsSchema })
  const options = resolveOptions(cfg.options)
  const maximumBytesBilled = String(config.maximum_bytes_billed ?? DEFAULT_MAXIMUM_BYTES_BILLED)
  installBigQueryOutbound()
  const client = new BigQuery(clientOptions(config, credentials))
  const outbound = <T>(run: () => Promise<T>): Promise<T> => withBigQueryOutbound(cfg.resolveHost, run)
  // BigQuery has no sessions to pool, but every running job holds a slot of
  // the project's concurrent-query quota: pool_max caps this connection's share.
  const gate = new Gate(options.poolMax, 'bigquery')
  let closed = false

  async function open(q: { sql: string; params: unknown[] }, o: StreamOptions): Promise<RowSource> {
    if (closed) throw new ConnectorError('invalid_config', 'bigquery', 'this connector has been closed')
    const [job] = await outbound(() => client.createQueryJob({
      query: q.sql,
      useLegacySql: false,
      ...paramsOf(q),
      maximumBytesBilled,
      jobTimeoutMs: Math.max(1000, o.timeoutMs),
      jobPrefix: 'nexatron_',
      labels: { application: 'nexatron' },
      ...(config.location && { location: config.location }),
    }))
    return pages(job)
  }

  /** Reads a job's result page by page; `max` rows per page. */
  function pages(job: Job): RowSource {
    let fields: BqField[] = []
    let columns: Column[] = []
    let pageToken: string | undefined
    let jobDone = false
    let exhausted = false
    const cancelJob = async () => {
      if (!jobDone) await outbound(() => job.cancel()).then(() => undefined, () => undefined)
    }
    return {
      columns: () => columns,
      async read(max) {
        if (exhausted) return null
        for (;;) {
          const request: QueryResultsOptions = { maxResults: max, autoPaginate: false, wrapIntegers: KEEP_INT64_TEXT, parseJSON: true, ...(pageToken && { pageToken }) }
          const [rows, , page] = (await outbound(() => job.getQueryResults(request))) as unknown as [Array<Record<string, unknown>>, unknown, ResultsPage | undefined]
          // Still running: BigQuery held the request (about 10 s) and says so; ask again.
          if (!page || page.jobComplete === false) continue
          // An answer that is no result (unparseable, or not JSON at all) must not read as an empty one.
          if (typeof page !== 'object' || (page.jobComplete !== true && !page.schema)) {
            throw new ConnectorError('query_failed', 'bigquery', 'BigQuery sent an answer that is not a query result')
          }
          if (!jobDone) {
            jobDone = true
            fields = page.schema?.fields ?? []
            columns = fields.map(columnOf)
          }
          pageToken = page.pageToken ?? undefined
          if (!pageToken) exhausted = true
          if (rows.length === 0) {
            if (exhausted) return null
            continue
          }
          const batch = rows.map((r) => convertRow(fields, r))
          assertValuesWithinCap(batch)
          return batch
        }
      },
      cancel: cancelJob,
      // A job left running (consumer gone before BigQuery finished) would keep billing.
      close: cancelJob,
    }
  }

  function stream(q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch> {
    return streamBatches({
      dialect: 'bigquery',
      options: o,
      gate,
      acquireTimeoutMs: options.acquireTimeoutMs,
      // jobTimeoutMs equals our limit; our timer cancels the job itself.
      backstopMs: 0,
      open: () => open(q, o),
      mapError: (err) => toConnectorError(err),
    })
  }

  async function collect(sql: string, timeoutMs: number): Promise<unknown[][]> {
    const out: unknown[][] = []
    for await (const b of stream({ sql, params: [] }, { signal: new AbortController().signal, maxRows: 10_000_000, timeoutMs })) out.push(...b.rows)
    return out
  }

  async function listDatasets(): Promise<string[]> {
    try {
      const [datasets] = await outbound(() => client.getDatasets({ autoPaginate: true }))
      return datasets.map((d) => d.id ?? '').filter(Boolean)
    } catch (err) {
      throw toConnectorError(err)
    }
  }

  return {
    type: 'bigquery',
    dialect: 'bigquery',
    pool: gate,
    async test() {
      const started = performance.now()
      await collect('SELECT 1', options.connectTimeoutMs + 10_000)
      return { ok: true as const, version: 'BigQuery API v2', latency_ms: Math.round(performance.now() - started) }
    },
    async introspect(opts?: { schemas?: string[] }): Promise<SchemaInfo> {
      const datasets = opts?.schemas?.length ? opts.schemas : (config.datasets ?? (await listDatasets()))
      return introspectBigQuery({ projectId: config.project_id, datasets, query: (sql) => collect(sql, Math.max(options.timeoutMs, INTROSPECT_TIMEOUT_MS)) })
    },
    stream,
    privileges: bigqueryPrivileges,
    async close() {
      closed = true
    },
  }
}

function clientOptions(config: BigQueryConfig, credentials: BigQueryCredentials): BigQueryOptions {
  const base: BigQueryOptions = {
    projectId: config.project_id,
    ...(config.location && { location: config.location }),
    ...(config.api_endpoint && { apiEndpoint: config.api_endpoint.replace(/\/+$/, '') }),
    userAgent: 'nexatron',
    // Transient 5xx/429 and dropped connections are retried once, quickly: the
    // library default (3 retries, growing delays) keeps a user who mistyped the
    // endpoint waiting for ~10 s.
    retryOptions: { autoRetry: true, maxRetries: 1, maxRetryDelay: 1, retryDelayMultiplier: 2, totalTimeout: 30 },
  }
  if (credentials.access_token) {
    const authClient = new OAuth2Client({ transporterOptions: AUTH_TRANSPORT })
    authClient.setCredentials({ access_token: credentials.access_token })
    return { ...base, authClient }
  }
  const parsed = parseServiceAccount(credentials.service_account_json!)
  if (!parsed.ok) throw new ConnectorError('invalid_config', 'bigquery', 'invalid BigQuery service account key')
  // Built here, not from the key file by the auth library: only the email and
  // private key are used (the token URL is the library's fixed Google one;
  // the key's token_uri, universe_domain and type are the tenant's to write),
  // and the token request goes through the checked agents without redirects.
  const authClient = new JWT({ email: parsed.key.client_email, key: parsed.key.private_key, scopes: [BIGQUERY_SCOPE], transporterOptions: AUTH_TRANSPORT })
  return { ...base, authClient }
}

function paramsOf(q: { sql: string; params: unknown[] }): ReturnType<typeof buildQueryParameters> {
  try {
    return buildQueryParameters(q.sql, q.params)
  } catch (err) {
    throw new ConnectorError('query_failed', 'bigquery', `Invalid query parameter: ${(err as Error).message}`)
  }
}
