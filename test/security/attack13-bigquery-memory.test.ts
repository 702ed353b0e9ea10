// Attack: take the process's memory from every tenant through one tenant's
// BigQuery connection. `api_endpoint` may name a server of the tenant's own;
// @google-cloud/bigquery (teeny-request over node-fetch) read each answer —
// the jobs.insert response, every getQueryResults page — whole into memory
// before parsing it, with no size limit: a 600 MiB page grew the process by
// ~1.2 GB. A gzip-encoded answer was inflated without a bound too. The
// hostile server here forwards everything to the stand-in
// (test/support/bigquery-server.ts) and answers chosen jobs itself, streaming
// the bodies piece by piece so only the client side holds them.
import http from 'node:http'
import v8 from 'node:v8'
import vm from 'node:vm'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBigQueryConnector } from '../../connectors/bigquery/connector'
import type { Connector } from '../../connectors/connector'
import { MAX_BIGQUERY_ANSWER_BYTES, MAX_BIGQUERY_VALUE_BYTES } from '../../connectors/bigquery/answer-cap'
import { drain, watchUncaught } from '../support/crash-probe'
import { BigQueryTestServer, bqResult } from '../support/bigquery-server'
import { BigQueryInterposer } from '../support/bigquery-interposer'
import { streamBody } from '../support/http-interposer'

process.env.METADATA_SERVER_DETECTION = 'none'

const MiB = 2 ** 20
const FIELDS = [{ name: 'v', type: 'STRING', mode: 'NULLABLE' as const }]

interface Hostile { pageBytes?: number; insertBytes?: number; gzipBytes?: number }

class HostileBigQuery extends BigQueryInterposer {
  /** Filler bytes written for each hostile answer so far, most recent last. */
  readonly sent: number[] = []

  constructor(upstream: BigQueryTestServer, private readonly answers: Record<string, Hostile>) { super(upstream) }

  private track(): (n: number) => void {
    const at = this.sent.push(0) - 1
    return (n) => { this.sent[at] = n }
  }

  protected async intercept(url: URL, sql: string | undefined, res: http.ServerResponse): Promise<boolean> {
    const name = sql === undefined ? undefined : Object.keys(this.answers).find((k) => sql.includes(k))
    if (!name) return false
    const a = this.answers[name]
    const isInsert = url.pathname.endsWith('/jobs')
    const jobReference = { projectId: this.upstream.projectId, jobId: `hostile_${name}`, location: 'US' }
    if (isInsert && a.insertBytes) {
      // The job resource, with a statistics field no one asked for.
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' })
      await streamBody(res, `{"kind":"bigquery#job","jobReference":${JSON.stringify(jobReference)},"status":{"state":"DONE"},"statistics":{"padding":"`, a.insertBytes, '"}}', this.track())
      return true
    }
    if (isInsert) return false
    const head = `{"kind":"bigquery#getQueryResultsResponse","jobComplete":true,"schema":{"fields":${JSON.stringify(FIELDS)}},"totalRows":"1","rows":[{"f":[{"v":"`
    const tail = '"}]}]}'
    if (a.gzipBytes) {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'gzip' })
      await gzipBody(res, head, a.gzipBytes, tail)
      return true
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' })
    await streamBody(res, head, a.pageBytes!, tail, this.track())
    return true
  }
}

/** A small gzip body that inflates to `head` + `bytes` of filler + `tail`. */
async function gzipBody(res: http.ServerResponse, head: string, bytes: number, tail: string): Promise<void> {
  const gz = zlib.createGzip({ level: 9 })
  gz.pipe(res)
  const piece = Buffer.alloc(4 * MiB, 'x')
  gz.write(head)
  for (let sent = 0; sent < bytes && !res.destroyed; sent += piece.length) {
    if (!gz.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => { gz.off('drain', done); res.off('close', done); resolve() }
        gz.once('drain', done)
        res.once('close', done)
      })
    }
  }
  gz.end(tail)
}

/**
 * Highest memory seen while `run` runs, sampled every 20 ms: RSS, and the
 * heap plus Buffers (which, unlike RSS, falls again after a collection, so
 * each attack is measured on its own even after an earlier one grew RSS).
 */
async function peakMemory<T>(run: () => Promise<T>): Promise<{ value: T; rssMiB: number; heapMiB: number }> {
  const held = () => { const m = process.memoryUsage(); return m.heapUsed + m.external }
  let rss = process.memoryUsage().rss
  let heap = held()
  const timer = setInterval(() => { rss = Math.max(rss, process.memoryUsage().rss); heap = Math.max(heap, held()) }, 20)
  try {
    const value = await run()
    return { value, rssMiB: Math.round(Math.max(rss, process.memoryUsage().rss) / MiB), heapMiB: Math.round(Math.max(heap, held()) / MiB) }
  } finally {
    clearInterval(timer)
  }
}

// A collection on demand, so each attack starts from what is really held (not an earlier attack's garbage).
v8.setFlagsFromString('--expose-gc')
const collect = vm.runInNewContext('gc') as () => void

/** Heap plus Buffers now, after a full collection. */
function heldNow(): number {
  collect()
  const m = process.memoryUsage()
  return Math.round((m.heapUsed + m.external) / MiB)
}

let upstream: BigQueryTestServer
let hostile: HostileBigQuery
let connector: Connector
let watch: ReturnType<typeof watchUncaught>

describe('attack: a BigQuery endpoint that answers more than the process can hold', () => {
  beforeAll(async () => {
    watch = watchUncaught()
    upstream = await new BigQueryTestServer().start()
    upstream.on('SELECT v FROM small', bqResult(FIELDS, [['a'], ['b']]))
    for (const name of ['HUGE_PAGE', 'HUGE_INSERT', 'WIDE_VALUE', 'GZIP_BOMB']) upstream.on(`SELECT v FROM ${name}`, bqResult(FIELDS, [['unused']]))
    hostile = await new HostileBigQuery(upstream, {
      HUGE_PAGE: { pageBytes: 600 * MiB },
      HUGE_INSERT: { insertBytes: 600 * MiB },
      WIDE_VALUE: { pageBytes: MAX_BIGQUERY_VALUE_BYTES + MiB },
      GZIP_BOMB: { gzipBytes: 600 * MiB },
    }).start()
    connector = createBigQueryConnector({
      type: 'bigquery',
      config: { project_id: upstream.projectId, location: 'US', api_endpoint: hostile.url },
      credentials: { access_token: 'test-access-token' },
    })
  })
  afterAll(async () => {
    watch?.stop()
    await connector?.close()
    await hostile?.stop()
    await upstream?.stop()
  })

  it('answers through the forwarding endpoint (control)', async () => {
    const r = await drain(connector, 'SELECT v FROM small')
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['a'], ['b']])
  })

  it('refuses a result page over the byte cap as it arrives, with bounded memory', async () => {
    const rssBefore = Math.round(process.memoryUsage().rss / MiB)
    const before = heldNow()
    const { value: r, rssMiB, heapMiB } = await peakMemory(() => drain(connector, 'SELECT v FROM HUGE_PAGE', 60_000))
    console.info(`page: rss ${rssBefore} -> peak ${rssMiB} MiB, heap+buffers ${before} -> peak ${heapMiB} MiB, sent ${Math.round(hostile.sent.at(-1)! / MiB)} MiB, ${Math.round(r.ms)} ms`)
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/over the 256 MiB/)
    expect(hostile.sent.at(-1)!).toBeLessThan(MAX_BIGQUERY_ANSWER_BYTES + 64 * MiB)
    // One capped answer held (plus its copy in flight), not the 600 MiB sent.
    expect(rssMiB - rssBefore).toBeLessThan(560)
    expect(heapMiB - before).toBeLessThan(560)
    expect(r.ms).toBeLessThan(30_000) // refused, not fetched again
  }, 90_000)

  it('refuses a jobs.insert answer over the byte cap as it arrives', async () => {
    const before = heldNow()
    const { value: r, rssMiB, heapMiB } = await peakMemory(() => drain(connector, 'SELECT v FROM HUGE_INSERT', 60_000))
    console.info(`insert: rss peak ${rssMiB} MiB, heap+buffers ${before} -> peak ${heapMiB} MiB, sent ${Math.round(hostile.sent.at(-1)! / MiB)} MiB, ${Math.round(r.ms)} ms`)
    expect(watch.seen).toEqual([])
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/over the 256 MiB/)
    expect(hostile.sent.at(-1)!).toBeLessThan(MAX_BIGQUERY_ANSWER_BYTES + 64 * MiB)
    expect(heapMiB - before).toBeLessThan(560)
    expect(r.ms).toBeLessThan(30_000)
  }, 90_000)

  it('does not inflate a gzip-encoded answer without a bound', async () => {
    const before = heldNow()
    const { value: r, rssMiB, heapMiB } = await peakMemory(() => drain(connector, 'SELECT v FROM GZIP_BOMB', 60_000))
    console.info(`gzip: rss peak ${rssMiB} MiB, heap+buffers ${before} -> peak ${heapMiB} MiB, ${Math.round(r.ms)} ms`)
    expect(watch.seen).toEqual([])
    // Read as sent (not inflated), so it is no result at all.
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.rows.length).toBe(0)
    expect(heapMiB - before).toBeLessThan(560)
  }, 90_000)

  it('refuses a single value over the value cap inside an answer under the answer cap', async () => {
    const r = await drain(connector, 'SELECT v FROM WIDE_VALUE', 60_000)
    expect(watch.seen).toEqual([])
    expect(r.rows.length).toBe(0) // length only: a failure here must not print 65 MiB
    expect(r.error).toMatchObject({ code: 'query_failed' })
    expect(r.error!.message).toMatch(/over the 64 MiB/)
  }, 90_000)

  it('still answers on the same connector afterwards', async () => {
    const r = await drain(connector, 'SELECT v FROM small')
    expect(r.error).toBeUndefined()
    expect(r.rows).toEqual([['a'], ['b']])
  })
})
