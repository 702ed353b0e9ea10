// What a cloud warehouse endpoint (which a tenant may point at its own server)
// may make the process hold: one HTTP answer or result chunk, and one value in
// it. The SDKs read answers whole, so each connector counts an answer as it
// arrives (snowflake/answer-cap.ts, bigquery/answer-cap.ts) and checks the
// values of each batch here.
import { ConnectorError } from '../connector'

export const MAX_ANSWER_BYTES = 256 * 2 ** 20
export const MAX_VALUE_BYTES = 64 * 2 ** 20

const MiB = 2 ** 20

/** Refuses a batch holding a string over `limit` bytes (UTF-8), at any depth of an array or record value. */
export function assertValuesWithin(rows: unknown[][], engine: 'snowflake' | 'bigquery', label: string, limit = MAX_VALUE_BYTES): void {
  const check = (v: unknown): void => {
    // A UTF-16 length is at least a third of the UTF-8 size: only long strings are measured.
    if (typeof v === 'string') {
      if (v.length * 3 > limit && Buffer.byteLength(v, 'utf8') > limit) {
        throw new ConnectorError('query_failed', engine, `${label} sent a value over the ${Math.round(limit / MiB)} MiB a single one may take; refused`)
      }
    } else if (Array.isArray(v)) {
      for (const x of v) check(x)
    } else if (v !== null && typeof v === 'object') {
      for (const x of Object.values(v)) check(x)
    }
  }
  for (const row of rows) for (const v of row) check(v)
}
