// Byte bounds on what a BigQuery endpoint may make the process hold.
//
// @google-cloud/bigquery (through teeny-request and node-fetch) reads every
// HTTP answer whole before parsing it: the jobs.insert response and each
// getQueryResults page. Nothing limited their size, and `api_endpoint` may
// name a tenant's own server: one 600 MiB page grew the process by ~1.2 GB
// (test/security/attack13-bigquery-memory.test.ts). Like the Snowflake caps,
// one HTTP answer may carry at most MAX_BIGQUERY_ANSWER_BYTES, counted as it
// arrives, and one value at most MAX_BIGQUERY_VALUE_BYTES. Answers are asked
// for and read without content coding (outbound.ts), so the bytes counted are
// the bytes parsed: a gzip answer cannot inflate past the count.
import type { IncomingMessage } from 'node:http'
import { assertValuesWithin, MAX_ANSWER_BYTES, MAX_VALUE_BYTES } from '../shared/answer-limits'

export const MAX_BIGQUERY_VALUE_BYTES = MAX_VALUE_BYTES
export const MAX_BIGQUERY_ANSWER_BYTES = MAX_ANSWER_BYTES

const MiB = 2 ** 20

/** The failure an over-long answer turns into (outbound.ts hands it to the connector as is). */
export class BigQueryAnswerTooLarge extends Error {
  readonly code = 'ERR_BIGQUERY_ANSWER_TOO_LARGE'
  constructor(readonly limit: number) {
    super(`BigQuery sent an answer over the ${Math.round(limit / MiB)} MiB one may take; refused`)
    this.name = 'BigQueryAnswerTooLarge'
  }
}

/**
 * Counts `res`'s body as it arrives and destroys it past `limit`; `refused`
 * gets the error first. A 'data' listener only observes: the reader that
 * pipes the body (node-fetch, attached right after) still gets every chunk
 * and still applies backpressure.
 */
export function capAnswer(res: IncomingMessage, refused: (err: BigQueryAnswerTooLarge) => void, limit = MAX_BIGQUERY_ANSWER_BYTES): void {
  let received = 0
  const count = (chunk: Buffer) => {
    received += chunk.length
    if (received <= limit) return
    res.removeListener('data', count)
    const err = new BigQueryAnswerTooLarge(limit)
    refused(err)
    res.destroy(err)
  }
  res.on('data', count)
}

/** Refuses a batch holding a value over MAX_BIGQUERY_VALUE_BYTES (UTF-8), at any depth (STRUCT, ARRAY, JSON). */
export function assertValuesWithinCap(rows: unknown[][], limit = MAX_BIGQUERY_VALUE_BYTES): void {
  assertValuesWithin(rows, 'bigquery', 'BigQuery', limit)
}
