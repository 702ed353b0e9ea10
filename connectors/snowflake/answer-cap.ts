// Byte bounds on what a Snowflake endpoint may make the process hold.
//
// snowflake-sdk reads every HTTP answer whole into one string before parsing
// it: the query response (which carries the first rows inline) and each
// result chunk it later fetches by URL. Nothing limited their size, and
// `access_url` may name a tenant's own server: a 200 MB value came back whole
// at ~990 MB peak RSS, and 600 MB took the process past 1.3 GB (one tenant
// taking memory from all). Like the other connectors' caps (postgres
// message-cap, clickhouse line-cap, mysql packet-cap), one HTTP answer may
// carry at most MAX_SNOWFLAKE_ANSWER_BYTES, counted after decompression as it
// arrives, and one value at most MAX_SNOWFLAKE_VALUE_BYTES.
//
// SDK internals used (snowflake-sdk 3.x; test/security/attack11-snowflake-
// memory.test.ts fails if an upgrade moves them): all of the SDK's HTTP goes
// through the one axios instance that dist/lib/http/axios_instance.js exports
// as `default`. A request interceptor there sets axios's own
// `maxContentLength` and wraps the adapter so an over-long answer fails as
// ERR_CANCELED: the SDK retries every other client-side failure (a chunk up to
// its large-result retry count, a query request 7 times), which would fetch
// the same oversized answer again until the query's time limit.
import { createRequire } from 'node:module'
import { assertValuesWithin, MAX_ANSWER_BYTES, MAX_VALUE_BYTES } from '../shared/answer-limits'
import { checkSnowflakeRequest } from './outbound'

export const MAX_SNOWFLAKE_VALUE_BYTES = MAX_VALUE_BYTES
export const MAX_SNOWFLAKE_ANSWER_BYTES = MAX_ANSWER_BYTES

const MiB = 2 ** 20

/** The failure an over-long answer turns into; the SDK keeps it as the `cause` of its own error. */
export class SnowflakeAnswerTooLarge extends Error {
  /** ERR_CANCELED is the one client-side code the SDK does not retry. */
  readonly code = 'ERR_CANCELED'
  constructor(readonly limit: number) {
    super(`Snowflake sent an answer over the ${Math.round(limit / MiB)} MiB one may take; refused`)
    this.name = 'SnowflakeAnswerTooLarge'
  }
}

interface AxiosConfigLike { maxContentLength?: number; adapter?: unknown }
interface AxiosErrorLike { code?: string; message?: string }
type Adapter = (config: AxiosConfigLike) => Promise<unknown>
interface AxiosInstanceLike {
  defaults: { adapter?: unknown }
  interceptors: { request: { use: (f: (c: AxiosConfigLike) => AxiosConfigLike | Promise<AxiosConfigLike>) => number } }
}
interface AxiosModuleLike { getAdapter: (a: unknown) => Adapter }

const installed = new WeakSet<object>()

/**
 * Bounds every HTTP answer the SDK reads. Idempotent; throws if the SDK no
 * longer has the axios instance this relies on, so an upgrade cannot silently
 * drop the bound.
 */
export function capSnowflakeAnswers(limit = MAX_SNOWFLAKE_ANSWER_BYTES): void {
  const sdkRequire = createRequire(createRequire(import.meta.url).resolve('snowflake-sdk'))
  const instancePath = sdkRequire.resolve('./lib/http/axios_instance')
  const instance = (sdkRequire(instancePath) as { default?: AxiosInstanceLike }).default
  const axios = createRequire(instancePath)('axios') as AxiosModuleLike & { default?: AxiosModuleLike }
  const getAdapter = axios.getAdapter ?? axios.default?.getAdapter
  if (!instance?.interceptors?.request || typeof getAdapter !== 'function') {
    throw new Error('snowflake-sdk no longer routes its HTTP through dist/lib/http/axios_instance; its answers would be unbounded')
  }
  if (installed.has(instance)) return
  installed.add(instance)
  const base = getAdapter(instance.defaults.adapter)
  const capped: Adapter = (config) =>
    base(config).catch((err: AxiosErrorLike) => {
      // axios's own wording for this limit (lib/adapters/http.js).
      if (err?.code === 'ERR_BAD_RESPONSE' && /maxContentLength size of \d+ exceeded/.test(err.message ?? '')) throw new SnowflakeAnswerTooLarge(limit)
      throw err
    })
  instance.interceptors.request.use((config) => {
    config.maxContentLength = limit
    config.adapter = capped
    return config
  })
  // Same instance, same reason to hook it here: every request's host meets the network policy (outbound.ts).
  instance.interceptors.request.use(checkSnowflakeRequest)
}

/** Refuses a batch holding a value over MAX_SNOWFLAKE_VALUE_BYTES (UTF-8). */
export function assertValuesWithinCap(rows: unknown[][], limit = MAX_SNOWFLAKE_VALUE_BYTES): void {
  assertValuesWithin(rows, 'snowflake', 'Snowflake', limit)
}
